import Foundation
import HTTPTypes
import Hummingbird
import TesseraLRS
import XAPI

/// `/xapi/statements`: PUT one statement, POST one or a batch, GET by id or by query.
struct StatementResource: Sendable {
    static let path = "/xapi/statements"

    let store: any LRSStore
    let authorityHomePage: String

    func register(on router: AreaRoutes) {
        router.put(Self.path) { request, context in try await put(request, context) }
        router.post(Self.path) { request, context in try await post(request, context) }
        router.getAndHead(Self.path) { request, context in try await get(request, context) }
    }

    // MARK: Writing

    private func put(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        let credential = try context.require(.statementsWrite)
        let parameters = try QueryParameters(request)
        try Parameters.rejectUnknown(parameters, known: ["statementId"], resource: "PUT /statements")
        let id = try Parameters.uuid(Parameters.required(parameters, "statementId", for: "for PUT"), "statementId")
        let upload = try await StatementUpload(request, version: context.version)
        guard !upload.parsed.isBatch, var statement = try upload.statements(version: context.version).first else {
            throw XAPIError(.badRequest, "PUT takes one statement object, not an array")
        }
        if let sent = statement.id, sent != id {
            throw XAPIError.badParameter("statement.id", "differs from the statementId parameter (\(id))")
        }
        statement.id = id
        try await store([statement], attachments: upload.attachments, credential, context)
        return Response(status: .noContent)
    }

    private func post(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        let credential = try context.require(.statementsWrite)
        try Parameters.rejectUnknown(try QueryParameters(request), known: [], resource: "POST /statements")
        let upload = try await StatementUpload(request, version: context.version)
        let statements = try upload.statements(version: context.version)
        guard statements.count <= ServerLimits.maxBatchStatements else {
            throw XAPIError(.contentTooLarge, "a batch holds at most \(ServerLimits.maxBatchStatements) statements")
        }
        let ids = try await store(statements, attachments: upload.attachments, credential, context)
        var writer = JSONWriter(capacity: ids.count * 40 + 2)
        writer.beginArray()
        for id in ids { writer.string(id.description) }
        writer.endArray()
        return Response.json(.ok, writer.bytes)
    }

    /// Prepares and stores a batch and its attachments atomically; returns the ids in order.
    @discardableResult
    private func store(
        _ statements: [Statement], attachments: [AttachmentContent], _ credential: Credential, _ context: XAPIRequestContext
    ) async throws -> [XAPIUUID] {
        let authority = credential.authority(homePage: authorityHomePage)
        let defines = credential.allows(.define)
        let prepared = statements.map { PreparedStatement($0, authority: authority, version: context.version, defines: defines) }
        var seen = Set<XAPIUUID>()
        for (index, statement) in prepared.enumerated() where !seen.insert(statement.id).inserted {
            throw XAPIError(.badRequest, "statement \(index) repeats the id \(statement.id) of an earlier statement in the batch",
                errors: [.init(index: index, path: "statement.id", message: "repeats an id used earlier in the batch")])
        }
        do {
            try await store.store(prepared, attachments: attachments)
        } catch StoreRejection.conflict(let id) {
            throw XAPIError(.conflict, "a different statement with id \(id) is already stored")
        } catch StoreRejection.voidsVoidingStatement(let id) {
            throw XAPIError(.badRequest, "statement \(id) is itself a voiding statement and cannot be voided")
        }
        return prepared.map(\.id)
    }

    // MARK: Reading

    private func get(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        let credential = try context.require(.statementsReadMine)
        let languages = StatementQueryParameters.languages(request.headers[.acceptLanguage])
        var parameters = try StatementQueryParameters(request, version: context.version, languages: languages)
        // A credential that may read only its own statements sees those stored under its authority.
        let mine = credential.allows(.statementsRead) ? nil : credential.authority(homePage: authorityHomePage).identifier
        parameters.query.authority = mine
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[XAPIHeadersMiddleware.consistentThroughHeader] = XAPITimestamp.now().text
        if let id = parameters.statementID ?? parameters.voidedStatementID {
            guard let found = try await store.statement(id: id, voided: parameters.voidedStatementID != nil, authority: mine) else {
                throw XAPIError(.notFound, "no statement with id \(id)")
            }
            headers[.lastModified] = found.stored.httpDate
            return try await respond(
                formatted([found.body], parameters.format)[0], headers, attachments: parameters.attachments, of: [found.body], deliveredUnder: mine)
        }
        let page = try await store.query(parameters.query)
        headers[.lastModified] = page.lastStored?.httpDate
        var bytes = Array(#"{"statements":["#.utf8)
        for (index, body) in try await formatted(page.statements, parameters.format).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += body
        }
        bytes += Array(#"],"more":"#.utf8)
        var writer = JSONWriter(capacity: 256)
        writer.string(page.next.map { moreLink(request, after: $0) } ?? "")
        bytes += writer.bytes
        bytes.append(UInt8(ascii: "}"))
        return try await respond(bytes, headers, attachments: parameters.attachments, of: page.statements, deliveredUnder: mine)
    }

    /// The JSON result alone, or with `attachments` a multipart/mixed response: the JSON
    /// first, then the stored content of each attachment of `statements`, once per hash (with
    /// `deliveredUnder`, for `statements/read/mine`, only content that authority delivered).
    private func respond(
        _ json: [UInt8], _ headers: HTTPFields, attachments: Bool, of statements: [[UInt8]], deliveredUnder authority: InverseFunctionalIdentifier?
    ) async throws -> Response {
        guard attachments else {
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
        var hashes: [String] = []
        var seen = Set<String>()
        for body in statements {
            for attachment in StatementReader.readStored(body)?.attachments ?? [] where seen.insert(attachment.sha2).inserted {
                hashes.append(attachment.sha2)
            }
        }
        let boundary = "tessera-" + XAPIUUID.random().description
        let (store, wanted) = (store, hashes)
        // Streamed: the JSON, then each attachment's content read from the store only when the
        // previous one has been written, so the reply holds one attachment in memory at a time.
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "--\(boundary)\r\nContent-Type: application/json\r\n\r\n"))
            try await writer.write(ByteBuffer(bytes: json))
            for sha2 in wanted {
                guard let attachment = try await store.attachments([sha2], deliveredUnder: authority).first else { continue }
                var part = ByteBuffer(string: "\r\n--\(boundary)\r\nContent-Type: \(attachment.contentType)\r\n")
                part.writeString("Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: \(attachment.sha2)\r\n\r\n")
                try await writer.write(part)
                try await writer.write(ByteBuffer(bytes: attachment.content))
            }
            try await writer.write(ByteBuffer(string: "\r\n--\(boundary)--\r\n"))
            try await writer.finish(nil)
        }
        var headers = headers
        headers[.contentType] = "multipart/mixed; boundary=\(boundary)"
        return Response(status: .ok, headers: headers, body: body)
    }

    /// Stored statements in `format`: as stored for `exact`; re-encoded for `ids`; for
    /// `canonical`, each Activity with the LRS's canonical definition where it has one (else the
    /// definition the statement carried) and language maps reduced to the best language.
    private func formatted(_ bodies: [[UInt8]], _ format: StatementFormat) async throws -> [[UInt8]] {
        guard format != .exact else { return bodies }
        let statements = bodies.map(StatementReader.readStored)
        guard case .canonical = format else {
            return zip(bodies, statements).map { body, statement in statement?.encoded(format: format) ?? body }
        }
        let ids = statements.reduce(into: Set<String>()) { ids, statement in ids.formUnion(statement?.activityIDs ?? []) }
        let definitions = try await store.activityDefinitions(Array(ids)).compactMapValues(StatementReader.readActivityDefinition)
        return zip(bodies, statements).map { body, statement in
            statement?.replacingActivityDefinitions { definitions[$0] }.encoded(format: format) ?? body
        }
    }

    /// The same query from the next position: an absolute path under /xapi/statements.
    private func moreLink(_ request: Request, after position: Int64) -> String {
        let kept = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("more=") }
        return "/xapi/statements?" + (kept + ["more=\(position)"]).joined(separator: "&")
    }
}
