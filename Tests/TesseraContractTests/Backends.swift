import Logging
import TesseraLRS
import TesseraPostgres
import TesseraSQLite
import TesseraTestSupport

/// A storage backend the contract suite runs against: each test opens a fresh, empty store.
/// A backend adds itself to the lists of `Backends` for the ports it implements; the tests
/// stay as they are.
protocol StoreBackend: Sendable, CustomStringConvertible {
    /// A new, empty store and its credential repository.
    func open() async throws -> Opened<any LRSStore>
}

/// A backend of the xAPI resources' ports (statements and documents).
protocol ResourceBackend: Sendable, CustomStringConvertible {
    /// A new, empty store.
    func openResources() async throws -> Opened<any StatementStore & DocumentStore>
}

/// A store opened for one test, closed by `close()`.
struct Opened<Store: Sendable>: Sendable {
    let store: Store
    let close: @Sendable () async -> Void
}

enum Backends {
    /// Every backend of all the ports.
    static let all: [any StoreBackend] = [SQLiteBackend()]
    /// Every backend of the statement and document ports: SQLite always; PostgreSQL when
    /// `TESSERA_TEST_POSTGRES` names a server (`Tests/Scripts/postgres_cluster.sh start` sets
    /// it; `.ci/run` does).
    static let resources: [any ResourceBackend] = [SQLiteBackend()] + (PostgresTestServer.url == nil ? [] : [PostgresBackend()])
}

/// The embedded SQLite backend on a file in a temporary directory.
struct SQLiteBackend: StoreBackend, ResourceBackend {
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

    func openResources() async throws -> Opened<any StatementStore & DocumentStore> {
        let opened = try await open()
        return Opened(store: opened.store, close: opened.close)
    }
}

/// PostgreSQL: a new database on the test server per test.
struct PostgresBackend: ResourceBackend {
    var description: String { "PostgreSQL" }

    func openResources() async throws -> Opened<any StatementStore & DocumentStore> {
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
        try await run(try await open(), body)
    }
}

extension ResourceBackend {
    /// Runs `body` on a fresh store of this backend, closing it afterwards.
    func with(_ body: (Opened<any StatementStore & DocumentStore>) async throws -> Void) async throws {
        try await run(try await openResources(), body)
    }
}

/// Runs `body` on `opened`, closing it afterwards whatever happens.
private func run<Store>(_ opened: Opened<Store>, _ body: (Opened<Store>) async throws -> Void) async throws {
    do {
        try await body(opened)
    } catch {
        await opened.close()
        throw error
    }
    await opened.close()
}
