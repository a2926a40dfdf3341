import Logging
import TesseraLRS
import TesseraSQLite
import TesseraTestSupport

/// A storage backend the contract suite runs against: each test opens a fresh, empty store.
/// A second backend adds itself to `Backends.all`; the tests stay as they are.
protocol StoreBackend: Sendable, CustomStringConvertible {
    /// A new, empty store and its credential repository.
    func open() async throws -> OpenedStore
}

/// A store opened for one test, closed by `close()`.
struct OpenedStore: Sendable {
    let store: any LRSStore
    let credentials: any CredentialRepository
    let close: @Sendable () async -> Void
}

enum Backends {
    /// Every backend the suite runs against here.
    static let all: [any StoreBackend] = [SQLiteBackend()]
}

/// The embedded SQLite backend on a file in a temporary directory.
struct SQLiteBackend: StoreBackend {
    var description: String { "SQLite" }

    func open() async throws -> OpenedStore {
        let directory = try TemporaryDirectory()
        let path = directory.path("contract.sqlite")
        let store = try SQLiteStore(path: path, readers: 2, durability: .normal, logger: Logger(label: "contract"))
        let credentials = try SQLiteCredentialRepository(path: path)
        return OpenedStore(store: store, credentials: credentials) {
            store.close()
            _ = directory
        }
    }
}

extension StoreBackend {
    /// Runs `body` on a fresh store of this backend, closing it afterwards.
    func with(_ body: (OpenedStore) async throws -> Void) async throws {
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
