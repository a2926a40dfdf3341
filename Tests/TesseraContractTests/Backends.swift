import Logging
import TesseraLRS
import TesseraPostgres
import TesseraSQLite
import TesseraTestSupport

/// A storage backend the contract suite runs against: each test opens a fresh, empty store.
/// A backend adds itself to `Backends.all`; the tests stay as they are.
protocol StoreBackend: Sendable, CustomStringConvertible {
    /// A new, empty store.
    func open() async throws -> Opened<any LRSStore>
}

/// A store opened for one test, closed by `close()`.
struct Opened<Store: Sendable>: Sendable {
    let store: Store
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

    func open() async throws -> Opened<any LRSStore> {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(
            path: directory.path("contract.sqlite"), readers: 2, durability: .normal, logger: Logger(label: "contract"))
        return Opened(store: store) {
            store.close()
            _ = directory
        }
    }
}

/// PostgreSQL: a new database on the test server per test.
struct PostgresBackend: StoreBackend {
    var description: String { "PostgreSQL" }

    func open() async throws -> Opened<any LRSStore> {
        let (database, drop) = try await PostgresTestServer.freshDatabase()
        let store = PostgresStore(database: database)
        return Opened(store: store) {
            await store.close()
            database.close()
            await drop()
        }
    }
}

extension StoreBackend {
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
