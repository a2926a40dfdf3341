import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// A PostgreSQL database that Tessera stores in: a connection pool (postgres-nio's
/// `PostgresClient`, running for as long as this object is open) and the schema brought up to
/// date on open. Several Tessera processes may share one database.
public final class PostgresStorage: Sendable {
    /// The pool; queries go through it.
    let client: PostgresClient
    let logger: Logger
    /// Where the database is.
    public let location: Location
    private let running: Task<Void, Never>

    /// Where a database is, read from `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (or
    /// `postgresql://`), with `?sslmode=disable|prefer|require` (default `prefer`).
    public struct Location: Sendable, Equatable {
        public let host: String
        public let port: Int
        public let username: String
        public let password: String?
        public internal(set) var database: String
        public let tls: TLSMode

        /// How the connection is encrypted.
        public enum TLSMode: String, Sendable {
            case disable, prefer, require
        }

        /// True when `text` names a PostgreSQL database (rather than an SQLite file path).
        public static func isURL(_ text: String) -> Bool {
            text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
        }

        /// The location `url` names; throws `InvalidLocation` saying what is wrong with it.
        public init(url: String) throws {
            guard Self.isURL(url), let components = URLComponents(string: url), let host = components.host, !host.isEmpty,
                let username = components.user, !username.isEmpty
            else {
                throw InvalidLocation(reason: "a PostgreSQL database is written postgres://USER:PASSWORD@HOST:PORT/DATABASE")
            }
            let database = String(components.path.drop { $0 == "/" })
            guard !database.isEmpty else { throw InvalidLocation(reason: "the URL names no database (…/DATABASE)") }
            let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
            guard let tls = TLSMode(rawValue: mode) else {
                throw InvalidLocation(reason: "sslmode must be disable, prefer or require, got \(mode)")
            }
            self.host = host
            self.port = components.port ?? 5432
            self.username = components.percentEncodedUser?.removingPercentEncoding ?? username
            self.password = components.percentEncodedPassword?.removingPercentEncoding
            self.database = database
            self.tls = tls
        }

        /// The TLS setting for one connection (the pool has its own).
        var connectionTLS: PostgresConnection.Configuration.TLS {
            get throws {
                switch tls {
                case .disable: .disable
                case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
                case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                }
            }
        }

        /// The location without its password, for logs and messages.
        public var redacted: String { "postgres://\(username)@\(host):\(port)/\(database)" }
    }

    /// A `--db` URL that cannot be used, and why.
    public struct InvalidLocation: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// Opens the database at `location` with up to `connections` connections and applies the
    /// migrations it lacks.
    public init(location: Location, connections: Int = 8, logger: Logger) async throws {
        let tls: PostgresClient.Configuration.TLS
        switch location.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: tls)
        configuration.options.maximumConnections = max(connections, 1)
        // Tessera's queries are short: compiling them (PostgreSQL's JIT, which the planner's
        // estimates for correlated look-ups invite) costs more than it saves — 190 ms of a
        // 220 ms report on a million statements.
        configuration.options.additionalStartupParameters = [("jit", "off")]
        // Migrated on a connection of its own, before the pool starts (some migrations fill
        // roll-ups: without JIT too).
        var migrationConfiguration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: try location.connectionTLS)
        migrationConfiguration.options.additionalStartupParameters = configuration.options.additionalStartupParameters
        let migration = try await PostgresConnection.connect(configuration: migrationConfiguration, id: 0, logger: logger)
        do {
            try await PostgresMigrator.migrate(on: migration, logger: logger)
            try await migration.close()
        } catch {
            try? await migration.close()
            throw error
        }
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.location = location
        // The pool takes connections once `run()` has begun; wait for that, so that a first
        // query right after opening does not find it idle (postgres-nio warns then).
        let started = Mutex(false)
        running = Task {
            started.withLock { $0 = true }
            await client.run()
        }
        while !started.withLock({ $0 }) { await Task.yield() }
        await Task.yield()
    }

    /// Closes every connection.
    public func close() {
        running.cancel()
    }
}
