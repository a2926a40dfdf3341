import Logging
import TesseraLRS
import TesseraPostgres
import TesseraSQLite
import TesseraTestSupport

/// A storage backend the contract suite runs against: each test opens a fresh, empty store.
/// A backend adds itself to `Backends.all`; the tests stay as they are.
protocol StoreBackend: Sendable, CustomStringConvertible {
    /// A new, empty store, with the faces `tessera copy` uses.
    func openCopyable() async throws -> CopyableStore
}

/// A store opened for one test, closed by `close()`.
struct Opened<Store: Sendable>: Sendable {
    let store: Store
    let close: @Sendable () async -> Void
}

/// A store opened for one test with what `tessera copy` reads and writes of it: the store
/// read as a source (an SQLite file through a read-only connection beside the writer, as the
/// command reads it) and its credentials.
struct CopyableStore: Sendable {
    let store: any LRSStore & StoreCopyTarget
    let source: @Sendable () throws -> any StoreCopySource
    let credentials: any CredentialRepository
    let close: @Sendable () async -> Void
}

enum Backends {
    /// Every backend: SQLite always; PostgreSQL when `TESSERA_TEST_POSTGRES` names a server
    /// (`Tests/Scripts/postgres_cluster.sh start` sets it; `.ci/run` does).
    static let all: [any StoreBackend] = [SQLiteBackend()] + (PostgresTestServer.url == nil ? [] : [PostgresBackend()])
}

/// The embedded SQLite backend on a file in a temporary directory.
struct SQLiteBackend: StoreBackend {
    var description: String { "SQLite" }

    func openCopyable() async throws -> CopyableStore {
        let directory = try TemporaryDirectory()
        let path = directory.path("contract.sqlite")
        let store = try SQLiteStore(path: path, readers: 2, durability: .normal, logger: Logger(label: "contract"))
        return CopyableStore(store: store, source: { try ReadOnlyStore(path: path) }, credentials: try SQLiteCredentialRepository(path: path)) {
            store.close()
            _ = directory
        }
    }
}

/// PostgreSQL: a new database on the test server per test.
struct PostgresBackend: StoreBackend {
    var description: String { "PostgreSQL" }

    func openCopyable() async throws -> CopyableStore {
        let (database, drop) = try await PostgresTestServer.freshDatabase()
        let store = PostgresStore(database: database)
        return CopyableStore(store: store, source: { store }, credentials: PostgresCredentialRepository(database: database)) {
            await store.close()
            database.close()
            await drop()
        }
    }
}

extension StoreBackend {
    /// A new, empty store.
    func open() async throws -> Opened<any LRSStore> {
        let opened = try await openCopyable()
        return Opened(store: opened.store, close: opened.close)
    }

    /// Runs `body` on a fresh store of this backend, closing it afterwards.
    func with(_ body: (Opened<any LRSStore>) async throws -> Void) async throws {
        let opened = try await open()
        do {
            try await body(opened)
        } catch {
            await opened.close()
            throw error
        }
        await opened.close()
    }
}
