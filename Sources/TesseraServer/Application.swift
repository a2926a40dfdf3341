import Hummingbird
import Logging
import NIOCore
import TesseraAnalytics
import TesseraCrypto
import TesseraLRS
import XAPI

/// What `tessera serve` needs to run.
public struct ServerConfiguration: Sendable {
    /// Address to listen on.
    public var host: String
    /// Port to listen on (0 picks a free one).
    public var port: Int
    /// The `homePage` of credential accounts written as statement authorities.
    public var authorityHomePage: String
    /// The key that signs export manifests; its public half is published.
    public var signingKey: Ed25519Key?
    /// How long a connection may go without a complete request part (headers, a body chunk)
    /// before the server closes it: slow or stalled clients do not hold connections forever.
    public var idleTimeout: Duration
    /// Requests per second each credential may make (up to that many at once); nil: no limit.
    public var requestsPerSecond: Double?
    /// Analytics flag groups smaller than this as too few to compare (docs/analytics.md,
    /// "Intervals and small groups").
    public var minimumGroupSize = Intervals.defaultMinimumGroupSize
    /// Proxies whose `X-Forwarded-For` names the client (failed sign-ins are counted per
    /// client address).
    public var trustedProxies: Set<String> = []
    /// The xAPI versions served: requests naming another are refused, and the newest labels
    /// responses to requests that named none.
    public var xapiVersions: ServedXAPIVersions
    /// Called once the server listens, with the port it listens on.
    public var onListening: @Sendable (Int) async -> Void = { _ in }

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, authorityHomePage: String = "urn:tessera:credentials", signingKey: Ed25519Key? = nil,
        idleTimeout: Duration = .seconds(30), requestsPerSecond: Double? = nil, xapiVersions: ServedXAPIVersions = .all
    ) {
        self.host = host
        self.port = port
        self.authorityHomePage = authorityHomePage
        self.signingKey = signingKey
        self.idleTimeout = idleTimeout
        self.requestsPerSecond = requestsPerSecond
        self.xapiVersions = xapiVersions
    }
}

/// The HTTP application over a store and its credentials; pure construction, nothing runs
/// until the caller runs it. `metrics` should be the store's `WriterObserver` too, so that
/// `/metrics` reports the writer.
///
/// Routes are grouped by area, each with exactly its middleware (docs/DESIGN.md "Request path"):
/// operations (open), `/xapi` (CORS, version, Basic authentication but for About, the alternate
/// request syntax), `/analytics`, `/export` and `/admin` (Basic authentication; no CORS, no
/// alternate syntax) and `/dashboard` (its own sign-in and session cookie).
public func buildApplication(
    configuration: ServerConfiguration, store: any LRSStore, credentials: Credentials, accounts: Credentials, metrics: ServerMetrics,
    logger: Logger
) -> some ApplicationProtocol {
    let router = Router(context: XAPIRequestContext.self)
    router.add(middleware: RequestLogMiddleware(metrics: metrics, logger: logger))
    router.add(middleware: ErrorResponseMiddleware(logger: logger))
    let clients = ClientAddress(trustedProxies: configuration.trustedProxies)
    let signInCheck = SignInCheck(credentials: credentials, clients: clients)
    let basicAuth = BasicAuthMiddleware(
        signIn: signInCheck, requestRate: configuration.requestsPerSecond.map { RateLimiter(.init(perSecond: $0, burst: $0)) })

    let operations = AreaRoutes(router, prefix: "")
    OperationsResource(store: store, metrics: metrics).register(on: operations)
    LandingPage().register(on: operations)
    operations.close()

    // Browser content (course packages served from elsewhere) calls the LRS cross-origin.
    let xapi = AreaRoutes(router, prefix: "/xapi")
        .add(middleware: xapiCORS)
        .add(middleware: XAPIHeadersMiddleware(versions: configuration.xapiVersions, logger: logger))
    AboutResource(versions: configuration.xapiVersions, publicKey: try? configuration.signingKey?.publicKey()).register(on: xapi)
    xapi.add(middleware: RequireVersionHeader()).add(middleware: basicAuth)
    StatementResource(store: store, authorityHomePage: configuration.authorityHomePage).register(on: xapi)
    DocumentResource(store: store).register(on: xapi)
    ActivitiesResource(store: store).register(on: xapi)
    AgentsResource().register(on: xapi)
    xapi.close()

    let analytics = AreaRoutes(router, prefix: "/analytics").add(middleware: basicAuth)
    CatalogRosterResource(store: store).register(on: analytics)
    AnalyticsResource(store: store, minimumGroupSize: configuration.minimumGroupSize).register(on: analytics)
    analytics.close()

    let export = AreaRoutes(router, prefix: "/export")
    let exportResource = ExportResource(store: store, signingKey: configuration.signingKey)
    exportResource.registerOpen(on: export)
    export.add(middleware: basicAuth)
    exportResource.register(on: export)
    export.close()

    let admin = AreaRoutes(router, prefix: "/admin").add(middleware: basicAuth)
    ErasureResource(store: store).register(on: admin)
    CredentialsAdminResource(credentials: credentials).register(on: admin)
    admin.close()

    let dashboard = AreaRoutes(router, prefix: "/dashboard")
    let sessions = AccountSessions(accounts: accounts, session: DashboardSession(signingKey: configuration.signingKey))
    DashboardResource(
        store: store, sessions: sessions, signInCheck: SignInCheck(credentials: accounts, clients: clients), minimumGroupSize: configuration.minimumGroupSize
    ).register(on: dashboard)
    dashboard.close()

    let console = AreaRoutes(router, prefix: "/console")
    ConsoleResource(store: store, credentials: credentials, sessions: sessions).register(on: console)
    StatementBrowser(store: store, sessions: sessions).register(on: console)
    CatalogRosterUpload(store: store, sessions: sessions).register(on: console)
    console.close()

    return Application(
        responder: AlternateRequestSyntaxResponder(wrapped: router.buildResponder(), versions: configuration.xapiVersions),
        server: .http1(configuration: .init(
            additionalChannelHandlers: [MalformedRequestResponder()], idleTimeout: TimeAmount(configuration.idleTimeout))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Tessera"),
        onServerRunning: { channel in await configuration.onListening(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// CORS for the `/xapi` area, credentials included (browsers send Basic authentication only
/// where they are allowed to).
private let xapiCORS = CORSMiddleware<XAPIRequestContext>(
    allowOrigin: .originBased,
    allowHeaders: [
        .accept, .acceptLanguage, .authorization, .contentType, .origin, .ifMatch, .ifNoneMatch, XAPIHeadersMiddleware.versionHeader,
    ],
    allowMethods: [.get, .head, .post, .put, .delete, .options],
    allowCredentials: true,
    exposedHeaders: [
        XAPIHeadersMiddleware.versionHeader.rawName, XAPIHeadersMiddleware.consistentThroughHeader.rawName, "ETag", "Last-Modified",
    ],
    maxAge: .seconds(3600))
