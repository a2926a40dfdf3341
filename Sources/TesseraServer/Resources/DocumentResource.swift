import Foundation
import HTTPTypes
import Hummingbird
import TesseraLRS
import XAPI

/// The document resources — `/xapi/activities/state`, `/xapi/activities/profile` and
/// `/xapi/agents/profile`: documents of any content type kept as sent, JSON merge on POST,
/// an ETag and Last-Modified on every document, and If-Match / If-None-Match checked in the
/// same transaction as the change.
struct DocumentResource: Sendable {
    let store: any LRSStore

    /// How one of the three resources names its documents.
    struct Kind: Sendable {
        let kind: DocumentKind
        let path: String
        let name: String
        let idParameter: String
        let usesActivity: Bool
        let usesAgent: Bool
        let scope: Scope

        var usesRegistration: Bool { kind == .state }

        var known: Set<String> {
            var names: Set<String> = [idParameter, "since"]
            if usesActivity { names.insert("activityId") }
            if usesAgent { names.insert("agent") }
            if usesRegistration { names.insert("registration") }
            return names
        }
    }

    static let kinds = [
        Kind(kind: .state, path: "/xapi/activities/state", name: "the State resource", idParameter: "stateId",
             usesActivity: true, usesAgent: true, scope: .state),
        Kind(kind: .activityProfile, path: "/xapi/activities/profile", name: "the Activity Profile resource",
             idParameter: "profileId", usesActivity: true, usesAgent: false, scope: .profile),
        Kind(kind: .agentProfile, path: "/xapi/agents/profile", name: "the Agent Profile resource",
             idParameter: "profileId", usesActivity: false, usesAgent: true, scope: .profile),
    ]

    func register(on router: AreaRoutes) {
        for kind in Self.kinds {
            router.getAndHead(kind.path) { request, context in try await get(kind, request, context) }
            router.put(kind.path) { request, context in try await change(kind, .put, request, context) }
            router.post(kind.path) { request, context in try await change(kind, .post, request, context) }
            router.delete(kind.path) { request, context in try await change(kind, .delete, request, context) }
        }
    }

    // MARK: Reading

    private func get(_ kind: Kind, _ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        _ = try context.require(anyOf: [kind.scope, .allRead])
        let parameters = try QueryParameters(request)
        try Parameters.rejectUnknown(parameters, known: kind.known, resource: kind.name)
        let scope = try documentScope(kind, parameters, context)
        guard let id = parameters[kind.idParameter] else {
            let since = try parameters["since"].map { try Parameters.timestamp($0, "since", version: context.version) }
            var writer = JSONWriter(capacity: 256)
            writer.beginArray()
            for id in try await store.documentIDs(scope, since: since) { writer.string(id) }
            writer.endArray()
            return Response.json(.ok, writer.bytes)
        }
        if parameters["since"] != nil {
            throw XAPIError.badParameter("since", "applies to the list of ids; it cannot be combined with \(kind.idParameter)")
        }
        guard let document = try await store.document(scope, id: id) else {
            throw XAPIError(.notFound, "no document with \(kind.idParameter) \"\(id)\"")
        }
        var headers: HTTPFields = [.contentType: document.contentType, .eTag: "\"\(document.etag)\""]
        headers[.lastModified] = document.updated.httpDate
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document.content)))
    }

    // MARK: Changing

    private enum Method {
        case put, post, delete
    }

    private func change(_ kind: Kind, _ method: Method, _ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        _ = try context.require(kind.scope)
        var known = kind.known
        known.remove("since")
        let parameters = try QueryParameters(request)
        try Parameters.rejectUnknown(parameters, known: known, resource: kind.name + " for this method")
        let scope = try documentScope(kind, parameters, context)
        let id = parameters[kind.idParameter]
        let precondition = DocumentPrecondition(
            ifMatch: Self.entityTags(request.headers[.ifMatch]), ifNoneMatch: Self.entityTags(request.headers[.ifNoneMatch]),
            requirement: method == .put ? Self.putRequirement(kind, context.version) : .never)
        let action: DocumentChange.Action
        switch method {
        case .put, .post:
            guard id != nil else { throw XAPIError.badParameter(kind.idParameter, "is required") }
            var request = request
            let body = Array(try await request.collectBody(upTo: ServerLimits.maxBodyBytes).readableBytesView)
            let contentType = request.headers[.contentType] ?? "application/octet-stream"
            action = method == .put
                ? .replace(content: body, contentType: contentType) : .merge(content: body, contentType: contentType)
        case .delete:
            guard id != nil || kind.kind == .state else {
                throw XAPIError.badParameter(kind.idParameter, "is required")
            }
            action = id == nil ? .deleteAll : .delete
        }
        do {
            try await store.apply(DocumentChange(scope: scope, id: id ?? "", action: action, precondition: precondition))
        } catch let rejection as DocumentRejection {
            switch rejection {
            case .preconditionFailed(let reason):
                throw XAPIError(.preconditionFailed, reason)
            case .preconditionRequired:
                throw XAPIError(.conflict,
                    "the document exists: send If-Match with its ETag to replace it, or If-None-Match: * to create only")
            case .preconditionMissing:
                throw XAPIError(.badRequest,
                    "a PUT to \(kind.name) under xAPI 1.0.3 must send If-None-Match: * to create the document, or If-Match with its ETag to replace it")
            case .notMergeable(let reason):
                throw XAPIError(.badRequest, reason)
            }
        }
        return Response(status: .noContent)
    }

    /// Which precondition headers a PUT needs. Profiles always refuse a blind overwrite; under
    /// xAPI 1.0.3 a profile PUT without either header is refused even when there is nothing to
    /// overwrite (the 1.0.3 client requirement, as its conformance suite checks it). State from
    /// xAPI 2.0 on refuses a blind overwrite; 1.0.3 content may overwrite State blindly, as
    /// real courses do.
    static func putRequirement(_ kind: Kind, _ version: XAPIVersion) -> DocumentPrecondition.Requirement {
        switch (kind.kind, version) {
        case (.state, .v1_0_3): .never
        case (.state, _): .toOverwrite
        case (_, .v1_0_3): .always
        case (_, _): .toOverwrite
        }
    }

    // MARK: Parameters

    private func documentScope(
        _ kind: Kind, _ parameters: QueryParameters, _ context: XAPIRequestContext
    ) throws -> DocumentScope {
        let purpose = "by \(kind.name)"
        let activity = kind.usesActivity
            ? try Parameters.iri(Parameters.required(parameters, "activityId", for: purpose), "activityId") : nil
        let agent = kind.usesAgent
            ? try Parameters.agent(Parameters.required(parameters, "agent", for: purpose), version: context.version, groups: false)
            : nil
        let registration = try kind.usesRegistration
            ? parameters["registration"].map { try Parameters.uuid($0, "registration") } : nil
        return DocumentScope(kind: kind.kind, activity: activity, agent: agent, registration: registration)
    }

    /// The entity tags of an If-Match or If-None-Match header, unquoted (weak ones too), or
    /// `["*"]`; nil when the header is absent.
    static func entityTags(_ header: String?) -> [String]? {
        guard let header else { return nil }
        return header.split(separator: ",").map { part in
            var tag = Substring(part.trimmingCharacters(in: .whitespaces))
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            if tag.count >= 2, tag.first == "\"", tag.last == "\"" { tag = tag.dropFirst().dropLast() }
            return String(tag)
        }
    }
}
