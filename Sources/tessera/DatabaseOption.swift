import ArgumentParser
import Logging
import NIOPosix
import TesseraAnalytics
import TesseraLRS
import TesseraPostgres
import TesseraSQLite
import TesseraServer
import TesseraConsole

/// `--db`, the database every command works on, declared once for all of them: an SQLite file
/// path, or a PostgreSQL URL (`postgres://USER:PASSWORD@HOST:PORT/DB`, also `postgresql://`).
/// The one place that decides which backend a command opens.
struct DatabaseOption: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: "Database: an SQLite file, or postgres://USER:PASSWORD@HOST:PORT/DB[?sslmode=disable|prefer|require] (TESSERA_DB; default tessera.sqlite).")
    var path: String?

    @Option(help: "PostgreSQL only: connections this process keeps open to the database (TESSERA_DB_CONNECTIONS; default 8).")
    var connections: Int?

    @Option(name: .customLong("config"), help: "Settings file (YAML, keys named as the flags); flags and TESSERA_* variables override it (TESSERA_CONFIG).")
    var configFile: String?

    /// The settings: these flags, the environment, the configuration file, the defaults.
    func settings() async throws -> Settings { try await Settings.load(file: configFile) }

    /// The database the options name, under `settings`.
    func target(_ settings: Settings) throws -> Database {
        Database(path: settings.text(path, "db", default: "tessera.sqlite"), connections: try settings.number(connections, "connections", default: 8))
    }

    /// The database the options name, reading the settings for it.
    func target() async throws -> Database { try target(try await settings()) }
}

/// A database a command works on: an SQLite file or a PostgreSQL database.
struct Database {
    /// The SQLite file, or the PostgreSQL URL.
    let path: String
    /// PostgreSQL: the most connections to keep open.
    var connections = 8

    /// True when `path` names a PostgreSQL database.
    var isPostgres: Bool { PostgresStorage.Location.isURL(path) }

    /// The database as written in logs and messages (a URL without its password).
    var name: String { (try? PostgresStorage.Location(url: path).redacted) ?? path }

    /// The export signing key when none is named: beside an SQLite file; for PostgreSQL, in the
    /// working directory (give every node the same file: docs/postgres.md).
    var defaultSigningKeyPath: String {
        isPostgres ? "tessera.signing-key.pem" : SigningKeyFile.defaultPath(forDatabase: path)
    }

    /// Runs `body` with the API credentials (or people's accounts) of the database, closing
    /// what it opened afterwards.
    func withCredentials<T>(of holders: CredentialHolders = .machines, _ body: (Credentials) async throws -> T) async throws -> T {
        try await withCredentialRepository(of: holders) { try await body(Credentials(repository: $0)) }
    }

    /// Runs `body` with the credentials of `holders` as stored, closing what it opened
    /// afterwards.
    func withCredentialRepository<T>(of holders: CredentialHolders = .machines, _ body: (any CredentialRepository) async throws -> T) async throws -> T {
        guard isPostgres else { return try await body(try SQLiteCredentialRepository(path: path, holders: holders)) }
        let storage = try await postgres(connections: 2, logger: Logger(label: "tessera"))
        defer { storage.close() }
        return try await body(PostgresCredentialRepository(database: storage, holders: holders))
    }

    /// Opens the store to write; `close` finishes queued writes. An SQLite file takes one
    /// writing process at a time (no server may be running on it); a PostgreSQL database takes
    /// any number.
    func open(_ settings: StoreSettings = StoreSettings(), observer: (any WriterObserver)? = nil, logger: Logger) async throws -> OpenedStore {
        if isPostgres {
            let storage = try await postgres(connections: connections, logger: logger)
            let store = PostgresStore(database: storage, observer: observer)
            return OpenedStore(
                store: store, copyTarget: store, repository: PostgresCredentialRepository(database: storage),
                accounts: PostgresCredentialRepository(database: storage, holders: .people)
            ) {
                await store.close()
                storage.close()
            }
        }
        let store = try SQLiteStore(
            path: path, readers: settings.readers, durability: settings.durability, analytics: settings.analytics, observer: observer,
            logger: logger)
        // Closing drains the writer and the checkpointer: off the cooperative threads.
        return OpenedStore(
            store: store, copyTarget: store, repository: try SQLiteCredentialRepository(path: path),
            accounts: try SQLiteCredentialRepository(path: path, holders: .people)
        ) {
            _ = try? await NIOThreadPool.singleton.runIfActive { store.close() }
        }
    }

    /// Runs `body` on the store opened to write, closing it afterwards.
    func withStore<T>(_ body: (any LRSStore) async throws -> T) async throws -> T {
        let opened = try await open(logger: Logger(label: "tessera"))
        do {
            let result = try await body(opened.store)
            await opened.close()
            return result
        } catch {
            await opened.close()
            throw error
        }
    }

    /// Runs `body` on the store opened to read, beside a server that may be running on it (an
    /// SQLite file is opened read-only), closing it afterwards.
    func withReadingStore<T>(_ body: (any ReadingStore) async throws -> T) async throws -> T {
        guard isPostgres else { return try await body(try ReadOnlyStore(path: path)) }
        let storage = try await postgres(connections: 2, logger: Logger(label: "tessera"))
        let store = PostgresStore(database: storage)
        do {
            let result = try await body(store)
            await store.close()
            storage.close()
            return result
        } catch {
            await store.close()
            storage.close()
            throw error
        }
    }

    private func postgres(connections: Int, logger: Logger) async throws -> PostgresStorage {
        guard connections >= 1 else { throw ValidationError("--connections must be at least 1") }
        return try await PostgresStorage(location: try PostgresStorage.Location(url: path), connections: connections, logger: logger)
    }
}

/// How an SQLite store is opened (PostgreSQL's equivalents are the server's own settings).
struct StoreSettings {
    var readers = 1
    var durability = SQLiteStore.Durability.full
    var analytics = true
}

/// A store opened by a command, and how to close it.
struct OpenedStore: Sendable {
    let store: any LRSStore
    /// The same store, as `tessera copy` writes it.
    let copyTarget: any StoreCopyTarget
    /// API credentials.
    let repository: any CredentialRepository
    /// People's accounts.
    let accounts: any CredentialRepository
    let close: @Sendable () async -> Void
}

/// What the commands that only read ask of a store.
protocol ReadingStore: StoreCopySource {
    func verifyChain() async throws -> ChainVerification
}

extension ReadOnlyStore: ReadingStore {}
extension PostgresStore: ReadingStore {}

extension Database {
    /// Prints one line per credential of `holders`, oldest first: key, name, `detail`, when it
    /// was created and whether it is active or, since when, `ended` (revoked, disabled).
    func printList(of holders: CredentialHolders, detail: (Credential) -> String, ended: String) async throws {
        var output = StandardOutput()
        for credential in try await withCredentials(of: holders, { try await $0.list() }) {
            let state = credential.revoked.map { "\(ended) \($0.text)" } ?? "active"
            output.writeLine("\(credential.key)  \(credential.name)  \(detail(credential))  created \(credential.created.text)  \(state)")
        }
        output.flush()
    }

    /// Revokes the credential of `holders` with `key`; `missing` is the error when none is active.
    func revoke(_ key: String, of holders: CredentialHolders, missing: String) async throws {
        guard try await withCredentials(of: holders, { try await $0.revoke(key: key) }) else { throw ValidationError(missing) }
    }
}
