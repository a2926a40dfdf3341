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

    @Option(help: "Address to listen on (TESSERA_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (TESSERA_PORT; default 8080).")
    var port: Int?

    @Option(help: "SQLite: full fsyncs every commit (survives power loss); normal survives a killed process (TESSERA_DURABILITY; default full).")
    var durability: String?

    @Option(help: "SQLite: read-only connections for queries (TESSERA_READERS; default 4).")
    var readers: Int?

    @Option(help: "SQLite: on records learning facts for the analytics; off runs the LRS alone (TESSERA_ANALYTICS; default on).")
    var analytics: String?

    @Option(help: "Ed25519 key that signs export manifests, created (0600) on first run (TESSERA_SIGNING_KEY; default: the SQLite path + .signing-key.pem, or tessera.signing-key.pem for PostgreSQL: give every node the same key).")
    var signingKey: String?

    @Option(help: "Least severe log level written: trace, debug, info (one line per request), notice, warning, error or critical (TESSERA_LOG_LEVEL; default info).")
    var logLevel: String?

    @Option(help: "Requests per second each credential may make, up to that many at once; 0: no limit (TESSERA_RATE_LIMIT; default 0).")
    var rateLimit: Double?

    @Option(help: "Analytics groups smaller than this are flagged too few to compare (TESSERA_MIN_GROUP_SIZE; default 10).")
    var minGroupSize: Int?

    @Option(help: "Seconds a connection may wait for a complete request part before it is closed (TESSERA_IDLE_TIMEOUT; default 30).")
    var idleTimeout: Int?

    @Option(help: "on: check the database in the background after starting (SQLite: every page; PostgreSQL: the hash chain), and report not ready if it is damaged; off: skip (TESSERA_INTEGRITY_CHECK; default on).")
    var integrityCheck: String?

    @Option(help: "homePage of the account written as statement authority (TESSERA_AUTHORITY_HOMEPAGE; default urn:tessera:credentials).")
    var authorityHomePage: String?

    @Option(help: "Addresses of proxies in front whose X-Forwarded-For names the client, comma-separated, e.g. 127.0.0.1,::1 (TESSERA_TRUSTED_PROXIES; default none).")
    var trustedProxies: String?

    @Option(help: "xAPI versions served, comma-separated; the newest labels responses to requests that name none (TESSERA_XAPI_VERSIONS; default 1.0.3,2.0.0).")
    var xapiVersions: String?

    func run() async throws {
        // Each setting: its flag, else its TESSERA_* variable, else the configuration file, else the default.
        let settings = try await database.settings()
        let target = try database.target(settings)
        let host = settings.text(host, "host", default: "127.0.0.1")
        let port = try settings.number(port, "port", default: 8080)
        let readers = try settings.number(readers, "readers", default: 4)
        let analytics = settings.text(analytics, "analytics", default: "on")
        let integrityCheck = settings.text(integrityCheck, "integrity-check", default: "on")
        let rateLimit = try settings.number(rateLimit, "rate-limit", default: 0.0)
        let minGroupSize = try settings.number(minGroupSize, "min-group-size", default: Intervals.defaultMinimumGroupSize)
        let idleTimeout = try settings.number(idleTimeout, "idle-timeout", default: 30)
        let authorityHomePage = settings.text(authorityHomePage, "authority-home-page", default: "urn:tessera:credentials")
        guard let durability = SQLiteStore.Durability(rawValue: settings.text(durability, "durability", default: "full")) else {
            throw settings.problem("durability", "must be full or normal")
        }
        guard analytics == "on" || analytics == "off" else { throw settings.problem("analytics", "must be on or off") }
        guard integrityCheck == "on" || integrityCheck == "off" else { throw settings.problem("integrity-check", "must be on or off") }
        guard let level = Logger.Level(rawValue: settings.text(logLevel, "log-level", default: "info")) else {
            throw settings.problem("log-level", "must be one of " + Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard rateLimit >= 0, rateLimit.isFinite else { throw settings.problem("rate-limit", "must be 0 (no limit) or a positive number") }
        guard minGroupSize >= 1 else { throw settings.problem("min-group-size", "must be at least 1") }
        guard idleTimeout > 0 else { throw settings.problem("idle-timeout", "must be a positive number of seconds") }
        guard let versions = ServedXAPIVersions(parsing: settings.text(xapiVersions, "xapi-versions", default: ServedXAPIVersions.all.description)) else {
            throw settings.problem("xapi-versions", "must list one or more of " + ServedXAPIVersions.all.description)
        }
        var logger = Logger(label: "tessera")
        logger.logLevel = level
        if let file = settings.file { logger.info("settings read", metadata: ["file": "\(file)"]) }
        // Before anything is written or printed: a server that cannot listen changes nothing.
        try await ListeningAddress.ensureFree(host: host, port: port)
        let metrics = ServerMetrics()
        if target.isPostgres && analytics == "off" {
            throw ValidationError("--analytics off applies to SQLite only: on PostgreSQL the learning facts are always recorded")
        }
        let signingKey = try SigningKeyFile.loadOrCreate(at: settings.text(signingKey, "signing-key", default: target.defaultSigningKeyPath))
        let opened = try await target.open(
            StoreSettings(readers: readers, durability: durability, analytics: analytics == "on"), observer: metrics, logger: logger)
        let store = opened.store
        let credentials = Credentials(repository: opened.repository)
        let accounts = Credentials(repository: opened.accounts)
        do {
            try await Self.ensureAdminCredential(credentials, logger: logger)
            try await Self.ensureAdminAccount(accounts, logger: logger)
        } catch {
            await opened.close()
            throw error
        }
        var configuration = ServerConfiguration(
            host: host, port: port, authorityHomePage: authorityHomePage,
            signingKey: signingKey,
            idleTimeout: .seconds(idleTimeout), requestsPerSecond: rateLimit > 0 ? rateLimit : nil, xapiVersions: versions)
        configuration.minimumGroupSize = minGroupSize
        configuration.trustedProxies = Set(settings.text(trustedProxies, "trusted-proxies", default: "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        let (path, log) = (target.name, logger)
        configuration.onListening = { port in
            log.info(
                "Tessera LRS listening",
                metadata: ["url": "http://\(host):\(port)/xapi", "database": "\(path)", "xapi-versions": "\(versions)", "version": "\(TesseraVersion.current)"])
        }
        let application = buildApplication(
            configuration: configuration, store: store, credentials: credentials, accounts: accounts, metrics: metrics, logger: logger)
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

    /// On first start there is no account: create `admin` (its password from
    /// TESSERA_ADMIN_PASSWORD when set, else a new one printed once), for the dashboard and the
    /// console.
    static func ensureAdminAccount(_ accounts: Credentials, logger: Logger) async throws {
        let password = Environment.value("TESSERA_ADMIN_PASSWORD")
        try await ensureFirst(
            accounts, name: "Administrator", scopes: AccountRole.admin.scopes, key: "admin", secret: password, logger: logger,
            announce: [
                "First start: created the account admin, to sign in to the dashboard and the console. Keep the password; it is not shown again.",
                "  name:     admin",
            ], secretLabel: "  password: ")
    }

    /// On first start there is no credential: create an admin one (from TESSERA_ADMIN_KEY and
    /// TESSERA_ADMIN_SECRET when set), its secret printed once.
    static func ensureAdminCredential(_ credentials: Credentials, logger: Logger) async throws {
        let key = Environment.value("TESSERA_ADMIN_KEY")
        try await ensureFirst(
            credentials, name: "admin", scopes: [.admin], key: key, secret: Environment.value("TESSERA_ADMIN_SECRET"), logger: logger,
            announce: ["First start: created an admin credential. Keep the secret; it is not shown again."], secretLabel: "  secret: ",
            keyLabel: "  key:    ")
    }

    /// Creates the first of `credentials` when there is none. A secret not given is printed once,
    /// after `announce`, on standard output, never to the log.
    private static func ensureFirst(
        _ credentials: Credentials, name: String, scopes: Set<Scope>, key: String?, secret: String?, logger: Logger,
        announce: [String], secretLabel: String, keyLabel: String? = nil
    ) async throws {
        guard try await credentials.list().isEmpty else { return }
        let issued: IssuedCredential
        do {
            issued = try await credentials.create(name: name, scopes: scopes, key: key, secret: secret)
        } catch {
            // Nodes starting together on a new PostgreSQL database: another one created it.
            if try await !credentials.list().isEmpty { return }
            throw error
        }
        logger.notice("created the first \(keyLabel == nil ? "account" : "credential") (admin)", metadata: ["key": "\(issued.credential.key)"])
        guard secret == nil else { return }
        var output = StandardOutput()
        for line in announce { output.writeLine(line) }
        if let keyLabel { output.writeLine(keyLabel + issued.credential.key) }
        output.writeLine(secretLabel + issued.secret)
        output.flush()
    }
}
