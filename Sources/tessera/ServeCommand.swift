import ArgumentParser
import ServiceLifecycle
import Logging
import TesseraAnalytics
import TesseraConsole
import TesseraLRS
import TesseraSQLite
import TesseraServer
import XAPI

/// `tessera serve`: runs the LRS on an embedded SQLite file or a PostgreSQL database.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the LRS (xAPI under /xapi) on an embedded SQLite file, or on PostgreSQL with several nodes sharing it.")

    @OptionGroup var database: DatabaseOption

    @Option(help: "Address to listen on (TESSERA_HOST).")
    var host: String = Environment.value("TESSERA_HOST") ?? "127.0.0.1"

    @Option(help: "Port to listen on (TESSERA_PORT).")
    var port: Int = Environment.value("TESSERA_PORT").flatMap(Int.init) ?? 8080

    @Option(help: "SQLite: full fsyncs every commit (survives power loss); normal survives a killed process (TESSERA_DURABILITY).")
    var durability: String = Environment.value("TESSERA_DURABILITY") ?? "full"

    @Option(help: "SQLite: read-only connections for queries (TESSERA_READERS).")
    var readers: Int = Environment.value("TESSERA_READERS").flatMap(Int.init) ?? 4

    @Option(help: "SQLite: on records learning facts for the analytics; off runs the LRS alone (TESSERA_ANALYTICS).")
    var analytics: String = Environment.value("TESSERA_ANALYTICS") ?? "on"

    @Option(help: "Ed25519 key that signs export manifests, created (0600) on first run (TESSERA_SIGNING_KEY; default: the SQLite path + .signing-key.pem, or tessera.signing-key.pem for PostgreSQL: give every node the same key).")
    var signingKey: String?

    @Option(help: "Least severe log level written: trace, debug, info (one line per request), notice, warning, error or critical (TESSERA_LOG_LEVEL).")
    var logLevel: String = Environment.value("TESSERA_LOG_LEVEL") ?? "info"

    @Option(help: "Requests per second each credential may make, up to that many at once; 0: no limit (TESSERA_RATE_LIMIT).")
    var rateLimit: Double = Environment.value("TESSERA_RATE_LIMIT").flatMap(Double.init) ?? 0

    @Option(help: "Analytics groups smaller than this are flagged too few to compare (TESSERA_MIN_GROUP_SIZE).")
    var minGroupSize: Int = Environment.value("TESSERA_MIN_GROUP_SIZE").flatMap(Int.init) ?? Intervals.defaultMinimumGroupSize

    @Option(help: "Seconds a connection may wait for a complete request part before it is closed (TESSERA_IDLE_TIMEOUT).")
    var idleTimeout: Int = Environment.value("TESSERA_IDLE_TIMEOUT").flatMap(Int.init) ?? 30

    @Option(help: "on: check the database in the background after starting (SQLite: every page; PostgreSQL: the hash chain), and report not ready if it is damaged; off: skip (TESSERA_INTEGRITY_CHECK).")
    var integrityCheck: String = Environment.value("TESSERA_INTEGRITY_CHECK") ?? "on"

    @Option(help: "homePage of the account written as statement authority (TESSERA_AUTHORITY_HOMEPAGE).")
    var authorityHomePage: String = Environment.value("TESSERA_AUTHORITY_HOMEPAGE") ?? "urn:tessera:credentials"

    @Option(help: "xAPI versions served, comma-separated; the newest labels responses to requests that name none (TESSERA_XAPI_VERSIONS).")
    var xapiVersions: String = Environment.value("TESSERA_XAPI_VERSIONS") ?? ServedXAPIVersions.all.description

    func run() async throws {
        let target = database.target
        guard let durability = SQLiteStore.Durability(rawValue: durability) else {
            throw ValidationError("--durability must be full or normal")
        }
        guard analytics == "on" || analytics == "off" else { throw ValidationError("--analytics must be on or off") }
        guard integrityCheck == "on" || integrityCheck == "off" else { throw ValidationError("--integrity-check must be on or off") }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of " + Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard rateLimit >= 0, rateLimit.isFinite else { throw ValidationError("--rate-limit must be 0 (no limit) or a positive number") }
        guard minGroupSize >= 1 else { throw ValidationError("--min-group-size must be at least 1") }
        guard idleTimeout > 0 else { throw ValidationError("--idle-timeout must be a positive number of seconds") }
        guard let versions = ServedXAPIVersions(parsing: xapiVersions) else {
            throw ValidationError("--xapi-versions must list one or more of " + ServedXAPIVersions.all.description)
        }
        var logger = Logger(label: "tessera")
        logger.logLevel = level
        // Before anything is written or printed: a server that cannot listen changes nothing.
        try await ListeningAddress.ensureFree(host: host, port: port)
        let metrics = ServerMetrics()
        if target.isPostgres && analytics == "off" {
            throw ValidationError("--analytics off applies to SQLite only: on PostgreSQL the learning facts are always recorded")
        }
        let signingKey = try SigningKeyFile.loadOrCreate(at: Environment.signingKeyPath(signingKey, database: target))
        let opened = try await target.open(
            StoreSettings(readers: readers, durability: durability, analytics: analytics == "on"), observer: metrics, logger: logger)
        let store = opened.store
        let credentials = Credentials(repository: opened.repository)
        do {
            try await Self.ensureAdminCredential(credentials, logger: logger)
        } catch {
            await opened.close()
            throw error
        }
        var configuration = ServerConfiguration(
            host: host, port: port, authorityHomePage: authorityHomePage,
            signingKey: signingKey,
            idleTimeout: .seconds(idleTimeout), requestsPerSecond: rateLimit > 0 ? rateLimit : nil, xapiVersions: versions)
        configuration.minimumGroupSize = minGroupSize
        let (host, path, log) = (host, target.name, logger)
        configuration.onListening = { port in
            log.info(
                "Tessera LRS listening", metadata: ["url": "http://\(host):\(port)/xapi", "database": "\(path)", "xapi-versions": "\(versions)"])
        }
        let application = buildApplication(
            configuration: configuration, store: store, credentials: credentials, metrics: metrics, logger: logger)
        // Started in this order and shut down in the reverse: the HTTP server stops accepting
        // and finishes its requests, the integrity check stops, then the store drains.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: StoreService(database: target.name, close: opened.close, logger: logger))
        ]
        if integrityCheck == "on" {
            services.append(.init(service: IntegrityCheckService(store: store, database: target.name, logger: logger), successTerminationBehavior: .ignore))
        }
        services.append(.init(service: application))
        try await ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
    }

    /// On first start there is no credential: create an admin one (from TESSERA_ADMIN_KEY and
    /// TESSERA_ADMIN_SECRET when set) and print it once, on standard output, never to the log.
    static func ensureAdminCredential(_ credentials: Credentials, logger: Logger) async throws {
        guard try await credentials.list().isEmpty else { return }
        let key = Environment.value("TESSERA_ADMIN_KEY")
        let secret = Environment.value("TESSERA_ADMIN_SECRET")
        let issued: IssuedCredential
        do {
            issued = try await credentials.create(name: "admin", scopes: [.admin], key: key, secret: secret)
        } catch {
            // Nodes starting together on a new PostgreSQL database: another one created it.
            if try await !credentials.list().isEmpty { return }
            throw error
        }
        logger.notice("created the first credential (admin)", metadata: ["key": "\(issued.credential.key)"])
        guard secret == nil else { return }
        var output = StandardOutput()
        output.writeLine("First start: created an admin credential. Keep the secret; it is not shown again.")
        output.writeLine("  key:    \(issued.credential.key)")
        output.writeLine("  secret: \(issued.secret)")
        output.flush()
    }
}
