import Foundation
import Logging
import PostgresNIO
import TesseraPostgres

/// The test server named by `TESSERA_TEST_POSTGRES`, and a new database on it per test.
public enum PostgresTestServer {
    public static let url = ProcessInfo.processInfo.environment["TESSERA_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

    /// The URL of a new, empty database on the server, and how to drop it.
    public static func freshDatabaseURL() async throws -> (String, @Sendable () async -> Void) {
        let server = try PostgresStorage.Location(url: url ?? "")
        let name = "tessera_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await administer(server, "CREATE DATABASE \(name)")
        var components = URLComponents(string: url ?? "")!
        components.path = "/" + name
        return (components.string!, { try? await administer(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") })
    }

    /// A new, migrated database, and how to drop it.
    public static func freshDatabase() async throws -> (PostgresStorage, @Sendable () async -> Void) {
        let (databaseURL, drop) = try await freshDatabaseURL()
        let database = try await PostgresStorage(location: try .init(url: databaseURL), connections: 3, logger: Logger(label: "contract"))
        return (database, drop)
    }

    private static func administer(_ server: PostgresStorage.Location, _ sql: String) async throws {
        let configuration = PostgresConnection.Configuration(
            host: server.host, port: server.port, username: server.username, password: server.password, database: server.database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Logger(label: "contract"))
        defer { Task { try? await connection.close() } }
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "contract"))
    }
}
