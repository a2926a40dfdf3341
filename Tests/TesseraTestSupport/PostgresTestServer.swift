import Foundation
import Logging
import TesseraPostgres

/// The test server named by `TESSERA_TEST_POSTGRES`, and a new database on it per test.
public enum PostgresTestServer {
    public static let url = ProcessInfo.processInfo.environment["TESSERA_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

    /// The URL of a new, empty database on the server, and how to drop it.
    public static func freshDatabaseURL() async throws -> (String, @Sendable () async -> Void) {
        let server = try PostgresStorage.Location(url: url ?? "")
        let name = "tessera_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let logger = Logger(label: "contract")
        let database = try await PostgresStorage.createDatabase(named: name, on: server, logger: logger)
        return (database.url, { try? await PostgresStorage.dropDatabase(named: name, on: server, logger: logger) })
    }

    /// A new, migrated database, and how to drop it.
    public static func freshDatabase() async throws -> (PostgresStorage, @Sendable () async -> Void) {
        let (databaseURL, drop) = try await freshDatabaseURL()
        let database = try await PostgresStorage(location: try .init(url: databaseURL), connections: 3, logger: Logger(label: "contract"))
        return (database, drop)
    }
}
