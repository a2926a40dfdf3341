import Foundation
import Hummingbird
import TesseraStore
import XAPI

/// The Statement resource's GET parameters, validated to the standards of statement values.
struct StatementQueryParameters {
    static let known: Set<Substring> = [
        "statementId", "voidedStatementId", "agent", "verb", "activity", "registration", "related_activities",
        "related_agents", "since", "until", "limit", "format", "attachments", "ascending", "more",
    ]

    var statementID: XAPIUUID?
    var voidedStatementID: XAPIUUID?
    var query = StatementQuery()
    var format: StatementFormat = .exact
    var attachments = false

    init(_ request: Request, version: XAPIVersion, languages: [String]) throws {
        let parameters = request.uri.queryParameters
        for (name, _) in parameters where !Self.known.contains(name) {
            throw XAPIError.badParameter(String(name), "is not a parameter of the Statement resource")
        }
        func value(_ name: Substring) -> String? { parameters[name].map { String($0) } }

        statementID = try value("statementId").map { try Self.uuid($0, "statementId") }
        voidedStatementID = try value("voidedStatementId").map { try Self.uuid($0, "voidedStatementId") }
        if let agent = value("agent") { query.agent = try Self.agent(agent, version: version) }
        if let verb = value("verb") { query.verb = try Self.iri(verb, "verb") }
        if let activity = value("activity") { query.activity = try Self.iri(activity, "activity") }
        query.registration = try value("registration").map { try Self.uuid($0, "registration") }
        query.relatedActivities = try Self.bool(value("related_activities"), "related_activities")
        query.relatedAgents = try Self.bool(value("related_agents"), "related_agents")
        query.ascending = try Self.bool(value("ascending"), "ascending")
        attachments = try Self.bool(value("attachments"), "attachments")
        query.since = try value("since").map { try Self.timestamp($0, "since", version: version) }
        query.until = try value("until").map { try Self.timestamp($0, "until", version: version) }
        if let limit = value("limit") {
            guard let number = Int(limit), number >= 0 else {
                throw XAPIError.badParameter("limit", "must be a non-negative integer, got \"\(limit)\"")
            }
            query.limit = number == 0 ? StatementQuery.maximumLimit : number
        }
        if let more = value("more") {
            guard let position = Int64(more), position >= 0 else {
                throw XAPIError.badParameter("more", "is not a position this LRS issued")
            }
            query.after = position
        }
        switch value("format") ?? "exact" {
        case "exact": format = .exact
        case "ids": format = .ids
        case "canonical": format = .canonical(languages: languages)
        case let other: throw XAPIError.badParameter("format", "must be exact, ids or canonical, got \"\(other)\"")
        }
        if statementID != nil || voidedStatementID != nil {
            let allowed: Set<Substring> = ["statementId", "voidedStatementId", "format", "attachments"]
            if statementID != nil && voidedStatementID != nil {
                throw XAPIError.badParameter("statementId", "cannot be combined with voidedStatementId")
            }
            for (name, _) in parameters where !allowed.contains(name) {
                throw XAPIError.badParameter(String(name), "cannot be combined with statementId or voidedStatementId")
            }
        }
    }

    private static func uuid(_ text: String, _ name: String) throws -> XAPIUUID {
        guard let uuid = XAPIUUID(text) else { throw XAPIError.badParameter(name, "must be a UUID, got \"\(text)\"") }
        return uuid
    }

    private static func iri(_ text: String, _ name: String) throws -> String {
        guard Formats.isIRI(text) else {
            throw XAPIError.badParameter(name, "must be an absolute IRI with a scheme, got \"\(text)\"")
        }
        return text
    }

    private static func bool(_ text: String?, _ name: String) throws -> Bool {
        switch text {
        case nil, "false": return false
        case "true": return true
        case let other?: throw XAPIError.badParameter(name, "must be true or false, got \"\(other)\"")
        }
    }

    private static func timestamp(_ text: String, _ name: String, version: XAPIVersion) throws -> XAPITimestamp {
        guard case .success(let time) = XAPITimestamp.parse(text, version: version) else {
            throw XAPIError.badParameter(name, "must be a timestamp such as 2024-05-01T10:00:00Z, got \"\(text)\"")
        }
        return time
    }

    private static func agent(_ text: String, version: XAPIVersion) throws -> InverseFunctionalIdentifier {
        let document: JSONDocument
        do {
            document = try JSONDocument.parse(text)
        } catch {
            throw XAPIError.badParameter("agent", "must be an Agent or identified Group as JSON: \(error)")
        }
        switch StatementReader.readActor(document.root, version: version, root: "agent") {
        case .success(let actor):
            guard let identifier = actor.identifier else {
                throw XAPIError.badParameter("agent", "an anonymous Group cannot be used as a filter")
            }
            return identifier
        case .failure(let rejection):
            throw XAPIError(.badRequest, "agent: " + rejection.description,
                errors: rejection.errors.map { .init(index: nil, path: $0.path, message: $0.message) })
        }
    }

    /// Language tags from `Accept-Language`, most preferred first.
    static func languages(_ header: String?) -> [String] {
        guard let header else { return [] }
        let weighted = header.split(separator: ",").compactMap { part -> (String, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, !tag.isEmpty else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (tag, quality)
        }
        return weighted.enumerated().sorted { ($0.element.1, -$0.offset) > ($1.element.1, -$1.offset) }.map(\.element.0)
    }
}
