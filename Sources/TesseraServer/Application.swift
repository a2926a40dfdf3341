import Hummingbird
import Logging
import NIOCore
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
    /// The xAPI versions served: requests naming another are refused, and the newest labels
    /// responses to requests that named none.
    public var xapiVersions: ServedXAPIVersions

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
public func buildApplication(
    configuration: ServerConfiguration, store: any LRSStore, credentials: Credentials, metrics: ServerMetrics, logger: Logger
) -> some ApplicationProtocol {
    let router = Router(context: XAPIRequestContext.self)
    router.add(middleware: RequestLogMiddleware(metrics: metrics, logger: logger))
    // Browser content (course packages served from elsewhere) calls the LRS cross-origin; the
    // dashboard's pages are for its own origin only.
    router.add(middleware: SkippedForDashboard(wrapped: CORSMiddleware(
        allowOrigin: .originBased,
        allowHeaders: [
            .accept, .acceptLanguage, .authorization, .contentType, .origin, .ifMatch, .ifNoneMatch,
            XAPIHeadersMiddleware.versionHeader,
        ],
        allowMethods: [.get, .head, .post, .put, .delete, .options],
        allowCredentials: true,
        exposedHeaders: [
            XAPIHeadersMiddleware.versionHeader.rawName, XAPIHeadersMiddleware.consistentThroughHeader.rawName, "ETag", "Last-Modified",
        ],
        maxAge: .seconds(3600))))
    router.add(middleware: XAPIHeadersMiddleware(versions: configuration.xapiVersions, logger: logger))
    // Ten failed sign-ins per key, then one more every six seconds.
    let signInCheck = SignInCheck(credentials: credentials, failures: RateLimiter(.init(perSecond: 1.0 / 6, burst: 10)))
    router.add(middleware: BasicAuthMiddleware(
        signIn: signInCheck, requestRate: configuration.requestsPerSecond.map { RateLimiter(.init(perSecond: $0, burst: $0)) }))
    OperationsResource(store: store, metrics: metrics).register(on: router)
    AboutResource(versions: configuration.xapiVersions, publicKey: try? configuration.signingKey?.publicKey()).register(on: router)
    ExportResource(store: store, signingKey: configuration.signingKey).register(on: router)
    ErasureResource(store: store).register(on: router)
    StatementResource(store: store, authorityHomePage: configuration.authorityHomePage).register(on: router)
    DocumentResource(store: store).register(on: router)
    ActivitiesResource(store: store).register(on: router)
    AgentsResource().register(on: router)
    CatalogRosterResource(store: store).register(on: router)
    AnalyticsResource(store: store).register(on: router)
    DashboardResource(store: store, credentials: credentials, session: DashboardSession(), signInCheck: signInCheck).register(on: router)
    return Application(
        responder: AlternateRequestSyntaxResponder(wrapped: router.buildResponder(), versions: configuration.xapiVersions),
        server: .http1(configuration: .init(
            additionalChannelHandlers: [MalformedRequestResponder()], idleTimeout: TimeAmount(configuration.idleTimeout))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Tessera"),
        logger: logger)
}

/// Runs `wrapped` for every path but the dashboard's.
struct SkippedForDashboard<Wrapped: RouterMiddleware>: RouterMiddleware where Wrapped.Context == XAPIRequestContext {
    let wrapped: Wrapped

    func handle(
        _ request: Request, context: XAPIRequestContext, next: (Request, XAPIRequestContext) async throws -> Response
    ) async throws -> Response {
        if DashboardResource.serves(request.uri.path) { return try await next(request, context) }
        return try await wrapped.handle(request, context: context, next: next)
    }
}
