import Foundation
import HTTPTypes
import Hummingbird
import TesseraAnalytics
import TesseraLRS
import XAPI

/// The L&D dashboard (docs/dashboard.md): `GET /dashboard` (the page; filters `from`, `to`,
/// `team`, `program`, `cohort`), `GET`/`POST /dashboard/login` (a person's account name and
/// password, then a signed session cookie) and `POST /dashboard/logout`. Every account may see
/// it (viewers and admins); these paths form an area without Basic authentication or CORS, and
/// answer HTML.
struct DashboardResource: Sendable {
    let store: any LRSStore
    /// People's accounts (not API credentials).
    let accounts: Credentials
    let session: DashboardSession
    /// Failed sign-ins to accounts, counted per name and client address.
    let signInCheck: SignInCheck
    /// Groups smaller than this are drawn too few to compare.
    let minimumGroupSize: Int
    /// The analytics API, whose compliance CSV the dashboard offers for download.
    var analytics: AnalyticsResource { AnalyticsResource(store: store, minimumGroupSize: minimumGroupSize) }

    func register(on router: AreaRoutes) {
        router.getAndHead("/dashboard") { request, context in try await page(request, context) }
        router.getAndHead("/dashboard/learners") { request, context in try await learners(request, context) }
        router.getAndHead("/dashboard/learner") { request, context in try await learner(request, context) }
        router.getAndHead("/dashboard/compliance.csv") { request, context in try await complianceCSV(request, context) }
        router.getAndHead("/dashboard/login") { _, _ in Self.html(.ok, DashboardLayout.signIn(message: nil)) }
        router.post("/dashboard/login") { request, context in try await signIn(request, context) }
        router.post("/dashboard/logout") { request, _ in
            Self.redirect(to: "/dashboard/login", cookie: DashboardSession.setCookie(nil, secure: Self.isHTTPS(request)))
        }
    }

    private func page(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        try await signedInPage(request, context) { credential in try await page(request, credential: credential) }
    }

    private func page(_ request: Request, credential: Credential) async throws -> Response {
        let (filters, problem) = DashboardFilters.parse(try QueryParameters(request))
        do {
            if let problem { throw problem }
            let report = try await DashboardReport.load(filters, from: store, today: Day(containing: XAPITimestamp.now().milliseconds))
            return Self.html(.ok, DashboardPage.render(
                report, filters: filters, credentialName: credential.name, minimumGroupSize: minimumGroupSize, problem: nil))
        } catch let invalid as DashboardFilters.Invalid {
            // The form comes back as it was sent, but for the filter that cannot be used.
            let choices = (teams: try await store.teamNames() + [Roster.unassignedTeam], programs: try await store.catalog()?.programs ?? [])
            return Self.html(.badRequest, DashboardPage.render(
                nil, filters: filters.without(invalid), credentialName: credential.name, minimumGroupSize: minimumGroupSize, problem: invalid,
                choices: choices))
        }
    }

    /// The people a search finds (`search`), linked to their records.
    private func learners(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        try await signedInPage(request, context) { credential in
            let search = String((try QueryParameters(request)["search"] ?? "").prefix(200))
            let people = LearnerSearch.matches(try await store.roster().people, search: search)
            return Self.html(.ok, LearnerPages.results(people, search: search, credentialName: credential.name))
        }
    }

    /// One learner's record (`agent`, as xAPI JSON; `asOf`, a date, default today).
    private func learner(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        try await signedInPage(request, context) { credential in
            let parameters = try QueryParameters(request)
            let asOf = parameters["asOf"].flatMap(Day.init) ?? Day(containing: XAPITimestamp.now().milliseconds)
            guard let text = parameters["agent"], let agent = try? Parameters.agent(text, version: .v2_0_0, groups: false) else {
                return Self.html(.badRequest, LearnerPages.results([], search: "", credentialName: credential.name))
            }
            guard let (catalog, events) = try await store.learnerEvents(agent) else {
                return Self.redirect(to: "/dashboard", cookie: nil)
            }
            let record = LearnerRecord(events, catalog: catalog, minDays: KnowledgeRetention.defaultMinDays)
            return Self.html(.ok, LearnerPages.record(record, agent: agent, catalog: catalog, asOf: asOf, credentialName: credential.name))
        }
    }

    /// Everyone outstanding on the mandatory programs, as the API's CSV (`asOf`, `team`,
    /// `program`), for the signed-in browser.
    private func complianceCSV(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        try await signedInPage(request, context) { credential in
            var context = context
            context.credential = credential
            var response = try await analytics.compliance(request, context, format: .csv)
            response.headers[.contentDisposition] = #"attachment; filename="mandatory-training-outstanding.csv""#
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }

    /// `body` for a signed-in browser; the sign-in page otherwise.
    private func signedInPage(
        _ request: Request, _ context: XAPIRequestContext, _ body: (Credential) async throws -> Response
    ) async throws -> Response {
        guard let credential = try await signedIn(request) else {
            let stale = DashboardSession.cookie(in: request.headers[.cookie]) != nil
            return Self.redirect(to: "/dashboard/login", cookie: stale ? DashboardSession.setCookie(nil, secure: Self.isHTTPS(request)) : nil)
        }
        // For the request log, which reads the credential through the context's shared box.
        var context = context
        context.credential = credential
        return try await body(credential)
    }

    /// The account of a valid session cookie, while it is active.
    private func signedIn(_ request: Request) async throws -> Credential? {
        guard let value = DashboardSession.cookie(in: request.headers[.cookie]),
            let name = session.account(from: value, now: XAPITimestamp.now().seconds),
            let account = try await accounts.active(key: name), Self.mayRead(account)
        else { return nil }
        return account
    }

    private func signIn(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        // A sign-in posted by another site's page is refused (login cross-site request forgery).
        if let origin = request.headers[.origin], let authority = request.head.authority,
            origin != "http://\(authority)" && origin != "https://\(authority)" {
            return Self.html(.forbidden, DashboardLayout.signIn(message: "This sign-in came from another site (\(origin)) and was refused."))
        }
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            return Self.html(.unsupportedMediaType, DashboardLayout.signIn(message: "Sign in with the form on this page."))
        }
        let body = try await request.body.collect(upTo: 8192)
        guard let text = body.getString(at: body.readerIndex, length: body.readableBytes),
            let form = try? QueryParameters(query: text), let name = form["name"], let password = form["password"], !name.isEmpty
        else {
            return Self.html(.badRequest, DashboardLayout.signIn(message: "Enter your name and password."))
        }
        let credential: Credential
        switch try await signInCheck.check(key: name, secret: password, client: context.clientAddress) {
        case .accepted(let accepted):
            credential = accepted
        case .refused:
            return Self.html(.unauthorized, DashboardLayout.signIn(message: "The name or password is wrong, or the account was disabled."))
        case .locked(let wait):
            let seconds = XAPIError.retryAfterSeconds(wait)
            var response = Self.html(.tooManyRequests, DashboardLayout.signIn(
                message: "Too many failed sign-ins with this name. Try again in \(seconds) seconds."))
            response.headers[.retryAfter] = String(seconds)
            return response
        }
        // For the request log, which reads the credential through the context's shared box.
        var context = context
        context.credential = credential
        guard Self.mayRead(credential) else {
            return Self.html(.forbidden, DashboardLayout.signIn(message: "The account \"\(credential.key)\" may not see the dashboard."))
        }
        let value = session.value(account: credential.key, now: XAPITimestamp.now().seconds)
        return Self.redirect(to: "/dashboard", cookie: DashboardSession.setCookie(value, secure: Self.isHTTPS(request)))
    }

    /// `analytics/read`, which both roles hold (`admin` grants it).
    private static func mayRead(_ credential: Credential) -> Bool {
        credential.allows(.analyticsRead)
    }

    /// True when a proxy in front says the browser used HTTPS (the cookie is then `Secure`).
    private static func isHTTPS(_ request: Request) -> Bool {
        request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    /// Headers every dashboard answer carries: nothing is cached, nothing may frame or script it.
    private static func headers() -> HTTPFields {
        var headers = HTTPFields()
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return headers
    }

    private static func html(_ status: HTTPResponse.Status, _ page: String) -> Response {
        var headers = headers()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    private static func redirect(to location: String, cookie: String?) -> Response {
        var headers = headers()
        headers[.location] = location
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }
}
