import Foundation
import Hummingbird
import TesseraLRS
import XAPI

/// The Statement resource's GET parameters, validated to the standards of statement values.
struct StatementQueryParameters {
    static let known: Set<String> = [
        "statementId", "voidedStatementId", "agent", "verb", "activity", "registration", "related_activities",
        "related_agents", "since", "until", "limit", "format", "attachments", "ascending", "more",
    ]

    var statementID: XAPIUUID?
    var voidedStatementID: XAPIUUID?
    var query = StatementQuery()
    var format: StatementFormat = .exact
    var attachments = false

    init(_ request: Request, version: XAPIVersion, languages: [String]) throws {
        let parameters = try QueryParameters(request)
        try Parameters.rejectUnknown(parameters, known: Self.known, resource: "the Statement resource")
        func value(_ name: String) -> String? { parameters[name] }

        statementID = try value("statementId").map { try Parameters.uuid($0, "statementId") }
        voidedStatementID = try value("voidedStatementId").map { try Parameters.uuid($0, "voidedStatementId") }
        if let agent = value("agent") { query.agent = try Parameters.agent(agent, version: version) }
        if let verb = value("verb") { query.verb = try Parameters.iri(verb, "verb") }
        if let activity = value("activity") { query.activity = try Parameters.iri(activity, "activity") }
        query.registration = try value("registration").map { try Parameters.uuid($0, "registration") }
        query.relatedActivities = try Parameters.bool(value("related_activities"), "related_activities")
        query.relatedAgents = try Parameters.bool(value("related_agents"), "related_agents")
        query.ascending = try Parameters.bool(value("ascending"), "ascending")
        attachments = try Parameters.bool(value("attachments"), "attachments")
        query.since = try value("since").map { try Parameters.timestamp($0, "since", version: version) }
        query.until = try value("until").map { try Parameters.timestamp($0, "until", version: version) }
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
            let allowed: Set<String> = ["statementId", "voidedStatementId", "format", "attachments"]
            if statementID != nil && voidedStatementID != nil {
                throw XAPIError.badParameter("statementId", "cannot be combined with voidedStatementId")
            }
            for name in parameters.names where !allowed.contains(name) {
                throw XAPIError.badParameter(name, "cannot be combined with statementId or voidedStatementId")
            }
        }
    }

    /// Language tags from `Accept-Language`, most preferred first: at most
    /// `LanguageMatcher.maximumPreferences` of them (the first listed, before sorting by
    /// weight), so that a long header costs no more than a short one.
    static func languages(_ header: String?) -> [String] {
        guard let header else { return [] }
        let parts = header.split(separator: ",", maxSplits: LanguageMatcher.maximumPreferences, omittingEmptySubsequences: true)
            .prefix(LanguageMatcher.maximumPreferences)
        let weighted = parts.compactMap { part -> (String, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, !tag.isEmpty else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (tag, quality)
        }
        return weighted.enumerated().sorted { ($0.element.1, -$0.offset) > ($1.element.1, -$1.offset) }.map(\.element.0)
    }
}
