import Foundation
import HTTPTypes
import Hummingbird
import TesseraAnalytics
import TesseraLRS
import XAPI

/// The L&D dashboard (docs/dashboard.md): `GET /dashboard` (the page; filters `from`, `to`,
/// `team`, `program`, `cohort`), `GET`/`POST /dashboard/login` (a form, then a signed session
/// cookie) and `POST /dashboard/logout`. The credential must allow `analytics/read`; these
/// paths form an area without Basic authentication or CORS, and answer HTML.
struct DashboardResource: Sendable {
    let store: any LRSStore
    let credentials: Credentials
    let session: DashboardSession
    /// Shared with Basic authentication, so that both count the same failures.
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

    /// The credential of a valid session cookie, while it is active and may read analytics.
    private func signedIn(_ request: Request) async throws -> Credential? {
        guard let value = DashboardSession.cookie(in: request.headers[.cookie]),
            let key = session.credentialKey(from: value, now: XAPITimestamp.now().seconds),
            let credential = try await credentials.active(key: key), Self.mayRead(credential)
        else { return nil }
        return credential
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
            let form = try? QueryParameters(query: text), let key = form["key"], let secret = form["secret"], !key.isEmpty
        else {
            return Self.html(.badRequest, DashboardLayout.signIn(message: "Enter a key and a secret."))
        }
        let credential: Credential
        switch try await signInCheck.check(key: key, secret: secret, client: context.clientAddress) {
        case .accepted(let accepted):
            credential = accepted
        case .refused:
            return Self.html(.unauthorized, DashboardLayout.signIn(message: "The key or secret is wrong, or the credential was revoked."))
        case .locked(let wait):
            let seconds = XAPIError.retryAfterSeconds(wait)
            var response = Self.html(.tooManyRequests, DashboardLayout.signIn(
                message: "Too many failed sign-ins with this key. Try again in \(seconds) seconds."))
            response.headers[.retryAfter] = String(seconds)
            return response
        }
        // For the request log, which reads the credential through the context's shared box.
        var context = context
        context.credential = credential
        guard Self.mayRead(credential) else {
            return Self.html(.forbidden, DashboardLayout.signIn(
                message: "The credential \"\(credential.name)\" lacks the scope analytics/read, which the dashboard needs."))
        }
        let value = session.value(credentialKey: credential.key, now: XAPITimestamp.now().seconds)
        return Self.redirect(to: "/dashboard", cookie: DashboardSession.setCookie(value, secure: Self.isHTTPS(request)))
    }

    /// `analytics/read`, which `admin` grants too.
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
