import HTTPTypes
import Hummingbird
import TesseraLRS
import XAPI

/// The admin console (docs/console.md): `/console` for accounts with the admin role, signed in
/// as on the dashboard. API credentials (create with scopes, the secret shown once; revoke, at
/// once), the audit log, and erasure of a person with the reason recorded in the audit log.
/// Forms post to the same site only (SameSite=Strict cookie, `Origin` checked).
struct ConsoleResource: Sendable {
    let store: any LRSStore
    let credentials: Credentials
    let sessions: AccountSessions

    func register(on router: AreaRoutes) {
        router.getAndHead("/console") { request, context in
            try await sessions.page(request, context, needs: .admin) { account in HTMLPage.html(.ok, ConsolePages.home(account: account)) }
        }
        router.getAndHead("/console/credentials") { request, context in
            try await sessions.page(request, context, needs: .admin) { account in
                HTMLPage.html(.ok, ConsolePages.credentials(try await credentials.list(), account: account, notice: nil))
            }
        }
        router.post("/console/credentials") { request, context in try await create(request, context) }
        router.post("/console/credentials/revoke") { request, context in try await revoke(request, context) }
        router.getAndHead("/console/audit") { request, context in
            try await sessions.page(request, context, needs: .admin) { account in
                HTMLPage.html(.ok, ConsolePages.auditLog(try await store.auditLog(), account: account))
            }
        }
        router.getAndHead("/console/erase") { request, context in
            try await sessions.page(request, context, needs: .admin) { account in HTMLPage.html(.ok, ConsolePages.erase(account: account, problem: nil)) }
        }
        router.post("/console/erase") { request, context in try await erase(request, context) }
        router.getAndHead("/console/accounts") { request, context in
            try await sessions.page(request, context, needs: .admin) { account in
                HTMLPage.html(.ok, ConsolePages.accounts(try await sessions.accounts.list(), account: account, notice: nil))
            }
        }
        router.post("/console/accounts") { request, context in try await createAccount(request, context) }
        router.post("/console/accounts/disable") { request, context in try await disableAccount(request, context) }
        router.getAndHead("/console/vocabulary") { request, context in
            try await sessions.page(request, context, needs: .admin) { account in
                let vocabulary = try await store.vocabulary(limit: Self.vocabularyLimit)
                let names = Self.names(try await store.activityDefinitions(vocabulary.activities.map(\.iri)))
                return HTMLPage.html(.ok, ConsolePages.vocabulary(vocabulary, names: names, account: account))
            }
        }
    }

    /// The most verbs, and activities, the vocabulary page lists.
    static let vocabularyLimit = 200

    /// Each activity's name in its definition (the first language given).
    private static func names(_ definitions: [String: [UInt8]]) -> [String: String] {
        definitions.compactMapValues { bytes in (try? JSONDocument.parse(bytes))?.root["name"]?.members.first?.value.string }
    }

    private func create(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        try await sessions.form(request, context, needs: .admin) { account, form in
            let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
            let scopes = Set(Scope.allCases.filter { form["scope." + $0.rawValue] != nil })
            let listed = { try await credentials.list() }
            guard !name.isEmpty, name.count <= 200 else {
                return HTMLPage.html(.badRequest, ConsolePages.credentials(try await listed(), account: account, notice: .problem("Give the credential a name (up to 200 characters).")))
            }
            guard !scopes.isEmpty else {
                return HTMLPage.html(.badRequest, ConsolePages.credentials(try await listed(), account: account, notice: .problem("Choose at least one scope.")))
            }
            let issued = try await credentials.create(name: name, scopes: scopes)
            return HTMLPage.html(.created, ConsolePages.credentials(try await listed(), account: account, notice: .issued(issued)))
        }
    }

    private func createAccount(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        try await sessions.form(request, context, needs: .admin) { account, form in
            let accounts = sessions.accounts
            let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
            let fullName = (form["fullName"] ?? "").trimmingCharacters(in: .whitespaces)
            func refused(_ problem: String) async throws -> Response {
                HTMLPage.html(.badRequest, ConsolePages.accounts(try await accounts.list(), account: account, notice: .problem(problem)))
            }
            guard AccountRole.isValidName(name) else { return try await refused("The name must be 1 to 64 letters, digits, '.', '_', '-' or '@'.") }
            guard let role = AccountRole(rawValue: form["role"] ?? "") else { return try await refused("Choose the role: viewer or admin.") }
            guard fullName.count <= 200 else { return try await refused("The full name may have up to 200 characters.") }
            guard try await !accounts.list().contains(where: { $0.key == name }) else { return try await refused("An account named \(name) exists already.") }
            let issued = try await accounts.create(name: fullName.isEmpty ? name : fullName, scopes: role.scopes, key: name)
            return HTMLPage.html(.created, ConsolePages.accounts(try await accounts.list(), account: account, notice: .issued(issued)))
        }
    }

    private func disableAccount(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        try await sessions.form(request, context, needs: .admin) { account, form in
            let accounts = sessions.accounts
            let name = form["name"] ?? ""
            guard name != account.key else {
                return HTMLPage.html(.badRequest, ConsolePages.accounts(
                    try await accounts.list(), account: account, notice: .problem("You cannot disable your own account while signed in with it.")))
            }
            let disabled = try await accounts.revoke(key: name)
            let notice: ConsolePages.Notice = disabled ? .done("Disabled \(name): their sessions end at once.") : .problem("No active account named \(name).")
            return HTMLPage.html(disabled ? .ok : .notFound, ConsolePages.accounts(try await accounts.list(), account: account, notice: notice))
        }
    }

    private func revoke(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        try await sessions.form(request, context, needs: .admin) { account, form in
            let key = form["key"] ?? ""
            let revoked = try await credentials.revoke(key: key)
            let notice: ConsolePages.Notice = revoked ? .done("Revoked \(key): it is refused from now on.") : .problem("No active credential with key \(key).")
            return HTMLPage.html(revoked ? .ok : .notFound, ConsolePages.credentials(try await credentials.list(), account: account, notice: notice))
        }
    }

    private func erase(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        try await sessions.form(request, context, needs: .admin) { account, form in
            let person = (form["person"] ?? "").trimmingCharacters(in: .whitespaces)
            let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !reason.isEmpty, reason.count <= 500 else {
                return HTMLPage.html(.badRequest, ConsolePages.erase(account: account, problem: "Record why (a request or ticket reference), up to 500 characters."))
            }
            guard let agent = ConsolePages.agent(person) else {
                return HTMLPage.html(.badRequest, ConsolePages.erase(
                    account: account, problem: "Name the person by e-mail address (ann@example.com) or as an xAPI Agent in JSON."))
            }
            let report = try await store.erase(agent, requestedBy: "account \(account.key); reason: \(reason)")
            return HTMLPage.html(.ok, ConsolePages.erased(report, account: account))
        }
    }
}
