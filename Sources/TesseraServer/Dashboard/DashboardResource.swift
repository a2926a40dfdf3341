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
    /// People's sessions (accounts, not API credentials).
    let sessions: AccountSessions
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
        router.getAndHead("/dashboard/login") { _, _ in HTMLPage.html(.ok, DashboardLayout.signIn(message: nil)) }
        router.post("/dashboard/login") { request, context in try await signIn(request, context) }
        router.post("/dashboard/logout") { request, _ in
            HTMLPage.redirect(to: "/dashboard/login", cookie: DashboardSession.setCookie(nil, secure: HTMLPage.isHTTPS(request)))
        }
    }

    private func page(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        try await sessions.page(request, context, needs: .analyticsRead) { credential in try await page(request, credential: credential) }
    }

    private func page(_ request: Request, credential: Credential) async throws -> Response {
        let (filters, problem) = DashboardFilters.parse(try QueryParameters(request))
        do {
            if let problem { throw problem }
            let report = try await DashboardReport.load(filters, from: store, today: Day(containing: XAPITimestamp.now().milliseconds))
            return HTMLPage.html(.ok, DashboardPage.render(
                report, filters: filters, account: credential, minimumGroupSize: minimumGroupSize, problem: nil))
        } catch let invalid as DashboardFilters.Invalid {
            // The form comes back as it was sent, but for the filter that cannot be used.
            let choices = (teams: try await store.teamNames() + [Roster.unassignedTeam], programs: try await store.catalog()?.programs ?? [])
            return HTMLPage.html(.badRequest, DashboardPage.render(
                nil, filters: filters.without(invalid), account: credential, minimumGroupSize: minimumGroupSize, problem: invalid,
                choices: choices))
        }
    }

    /// The people a search finds (`search`), linked to their records.
    private func learners(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        try await sessions.page(request, context, needs: .analyticsRead) { credential in
            let search = String((try QueryParameters(request)["search"] ?? "").prefix(200))
            let people = LearnerSearch.matches(try await store.roster().people, search: search)
            return HTMLPage.html(.ok, LearnerPages.results(people, search: search, account: credential))
        }
    }

    /// One learner's record (`agent`, as xAPI JSON; `asOf`, a date, default today).
    private func learner(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        try await sessions.page(request, context, needs: .analyticsRead) { credential in
            let parameters = try QueryParameters(request)
            let asOf = parameters["asOf"].flatMap(Day.init) ?? Day(containing: XAPITimestamp.now().milliseconds)
            guard let text = parameters["agent"], let agent = try? Parameters.agent(text, version: .v2_0_0, groups: false) else {
                return HTMLPage.html(.badRequest, LearnerPages.results([], search: "", account: credential))
            }
            guard let (catalog, events) = try await store.learnerEvents(agent) else {
                return HTMLPage.redirect(to: "/dashboard", cookie: nil)
            }
            let record = LearnerRecord(events, catalog: catalog, minDays: KnowledgeRetention.defaultMinDays)
            return HTMLPage.html(.ok, LearnerPages.record(record, agent: agent, catalog: catalog, asOf: asOf, account: credential))
        }
    }

    /// Everyone outstanding on the mandatory programs, as the API's CSV (`asOf`, `team`,
    /// `program`), for the signed-in browser.
    private func complianceCSV(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        try await sessions.page(request, context, needs: .analyticsRead) { credential in
            var context = context
            context.credential = credential
            var response = try await analytics.compliance(request, context, format: .csv)
            response.headers[.contentDisposition] = #"attachment; filename="mandatory-training-outstanding.csv""#
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }

    private func signIn(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        // A sign-in posted by another site's page is refused (login cross-site request forgery).
        guard AccountSessions.isSameOrigin(request) else {
            return HTMLPage.html(.forbidden, DashboardLayout.signIn(message: "This sign-in came from another site and was refused."))
        }
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            return HTMLPage.html(.unsupportedMediaType, DashboardLayout.signIn(message: "Sign in with the form on this page."))
        }
        let body = try await request.body.collect(upTo: 8192)
        guard let text = body.getString(at: body.readerIndex, length: body.readableBytes),
            let form = try? QueryParameters(query: text), let name = form["name"], let password = form["password"], !name.isEmpty
        else {
            return HTMLPage.html(.badRequest, DashboardLayout.signIn(message: "Enter your name and password."))
        }
        let credential: Credential
        switch try await signInCheck.check(key: name, secret: password, client: signInCheck.clients.of(request, peer: context.clientAddress)) {
        case .accepted(let accepted):
            credential = accepted
        case .refused:
            return HTMLPage.html(.unauthorized, DashboardLayout.signIn(message: "The name or password is wrong, or the account was disabled."))
        case .locked(let wait):
            let seconds = XAPIError.retryAfterSeconds(wait)
            var response = HTMLPage.html(.tooManyRequests, DashboardLayout.signIn(
                message: "Too many failed sign-ins with this name. Try again in \(seconds) seconds."))
            response.headers[.retryAfter] = String(seconds)
            return response
        }
        // For the request log, which reads the credential through the context's shared box.
        var context = context
        context.credential = credential
        guard Self.mayRead(credential) else {
            return HTMLPage.html(.forbidden, DashboardLayout.signIn(message: "The account \"\(credential.key)\" may not see the dashboard."))
        }
        let value = sessions.session.value(account: credential.key, now: XAPITimestamp.now().seconds)
        return HTMLPage.redirect(to: "/dashboard", cookie: DashboardSession.setCookie(value, secure: HTMLPage.isHTTPS(request)))
    }

    /// `analytics/read`, which both roles hold (`admin` grants it).
    private static func mayRead(_ credential: Credential) -> Bool {
        credential.allows(.analyticsRead)
    }
}
