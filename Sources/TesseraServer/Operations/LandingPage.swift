import HTTPTypes
import Hummingbird

/// `GET /`: what this server is and where to go from here, for a person who opens its address
/// in a browser; open, like `/health`, and without a Basic challenge (docs/operations.md).
struct LandingPage {
    func register(on router: AreaRoutes) {
        router.getAndHead("/") { request, _ in
            // Behind a proxy that terminates TLS, the courses' endpoint is https.
            let endpoint = request.head.authority.map { "\(HTMLPage.isHTTPS(request) ? "https" : "http")://\($0)/xapi/" } ?? "/xapi/"
            return HTMLPage.html(.ok, Self.page(endpoint: endpoint))
        }
    }

    /// The page, with the xAPI `endpoint` written out in full for course authors.
    static func page(endpoint: String) -> String {
        DashboardLayout.page(title: "Tessera") { html in
            html.raw(#"<main class="landing"><h1>Tessera</h1><p class="lead">An xAPI Learning Record Store, version "#)
            html.escaped(TesseraVersion.current)
            html.raw(". It stores the learning records your courses send (xAPI 1.0.3 and 2.0) and turns them into measures for learning and development teams.</p>")
            DashboardLayout.linkTiles([
                ("Learning dashboard", "/dashboard", "Skill proficiency, mandatory training, completion and behaviour change, retention; one learner's record. Sign in with a credential that may read analytics."),
                ("xAPI endpoint", "/xapi/about", "Courses send statements to \(endpoint) with a key and secret from your administrator. About lists the xAPI versions served."),
                ("Console", "/console", "For administrators: API credentials for courses and tools, the audit log, erasure."),
                ("Health", "/health", "For monitoring: /health (the process answers), /ready (the database can be read and written), /metrics (Prometheus)."),
            ], into: &html)
            html.raw(#"<p class="hint">Documentation comes with Tessera's source, in <code>docs/</code>: <code>quickstart.md</code> (the first minutes), <code>api.md</code> (every request), <code>analytics.md</code> (what each figure means), <code>operations.md</code> and <code>configuration.md</code> (running it), <code>security.md</code>.</p></main>"#)
        }
    }
}
