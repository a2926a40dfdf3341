import Foundation
import Hummingbird
import TesseraAnalytics
import TesseraLRS
import XAPI

/// The console's statement browser (docs/console.md): the newest statements first, filtered by
/// person, verb, activity, registration and period, fifty to a page; one statement's stored JSON,
/// marked when it was voided. Reads through the same query as `GET /xapi/statements`.
struct StatementBrowser: Sendable {
    let store: any LRSStore
    let sessions: AccountSessions

    /// Statements on a page.
    static let pageSize = 50

    func register(on router: AreaRoutes) {
        router.getAndHead("/console/statements") { request, context in
            try await sessions.page(request, context, needs: .admin) { account in try await list(request, account: account) }
        }
        router.getAndHead("/console/statements/{id}") { request, context in
            try await sessions.page(request, context, needs: .admin) { account in
                try await one(context.parameters.get("id") ?? "", account: account)
            }
        }
    }

    /// The filters of a request, as the form shows them, and the query they make (or the
    /// problem with one of them).
    struct Filters {
        var person = "", verb = "", activity = "", registration = "", from = "", to = ""

        init(_ parameters: QueryParameters) {
            func text(_ name: String) -> String { (parameters[name] ?? "").trimmingCharacters(in: .whitespaces) }
            (person, verb, activity, registration, from, to) = (text("person"), text("verb"), text("activity"), text("registration"), text("from"), text("to"))
        }

        func query() -> Result<StatementQuery, ConsoleProblem> {
            var query = StatementQuery()
            query.limit = StatementBrowser.pageSize
            if !person.isEmpty {
                guard let agent = ConsolePages.agent(person) else { return .failure(ConsoleProblem("person: an e-mail address or an Agent in JSON")) }
                query.agent = agent
            }
            if !verb.isEmpty {
                guard Formats.isIRI(verb) else { return .failure(ConsoleProblem("verb: an IRI, such as http://adlnet.gov/expapi/verbs/completed")) }
                query.verb = verb
            }
            if !activity.isEmpty {
                guard Formats.isIRI(activity) else { return .failure(ConsoleProblem("activity: an IRI")) }
                query.activity = activity
            }
            if !registration.isEmpty {
                guard let uuid = XAPIUUID(registration) else { return .failure(ConsoleProblem("registration: a UUID")) }
                query.registration = uuid
            }
            for (text, name, endOfDay) in [(from, "from", false), (to, "to", true)] where !text.isEmpty {
                guard let milliseconds = AnalyticsTime.milliseconds(text, endOfDay: endOfDay) else {
                    return .failure(ConsoleProblem("\(name): a date such as 2024-06-30"))
                }
                if endOfDay { query.until = XAPITimestamp(milliseconds: milliseconds) } else { query.since = XAPITimestamp(milliseconds: milliseconds - 1) }
            }
            return .success(query)
        }
    }

    private func list(_ request: Request, account: Credential) async throws -> Response {
        let parameters = try QueryParameters(request)
        let filters = Filters(parameters)
        switch filters.query() {
        case .failure(let problem):
            return HTMLPage.html(.badRequest, ConsolePages.statements([], filters: filters, next: nil, account: account, problem: problem.message))
        case .success(var query):
            if let after = parameters["after"].flatMap(Int64.init) { query.after = after }
            let page = try await store.query(query)
            return HTMLPage.html(.ok, ConsolePages.statements(page.statements, filters: filters, next: page.next, account: account, problem: nil))
        }
    }

    private func one(_ id: String, account: Credential) async throws -> Response {
        guard let uuid = XAPIUUID(id) else {
            return HTMLPage.html(.badRequest, ConsolePages.statement(nil, id: id, voided: false, account: account))
        }
        if let stored = try await store.statement(id: uuid, voided: false, authority: nil) {
            return HTMLPage.html(.ok, ConsolePages.statement(stored.body, id: id, voided: false, account: account))
        }
        let voided = try await store.statement(id: uuid, voided: true, authority: nil)
        return HTMLPage.html(voided == nil ? .notFound : .ok, ConsolePages.statement(voided?.body, id: id, voided: voided != nil, account: account))
    }
}

/// A console form value that cannot be used: which field, and what it must be.
struct ConsoleProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
