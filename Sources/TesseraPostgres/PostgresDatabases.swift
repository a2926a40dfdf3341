import Foundation
import Logging
import PostgresNIO

extension PostgresStorage {
    /// Creates the database `name` (letters, digits and underscores) on the server at `server`
    /// (whose own database is used to connect); returns its location.
    public static func createDatabase(named name: String, on server: Location, logger: Logger) async throws -> Location {
        try await maintain("CREATE DATABASE \(try identifier(name))", on: server, logger: logger)
        return server.with(database: name)
    }

    /// Drops the database `name` on the server at `server`, closing its connections.
    public static func dropDatabase(named name: String, on server: Location, logger: Logger) async throws {
        try await maintain("DROP DATABASE IF EXISTS \(try identifier(name)) WITH (FORCE)", on: server, logger: logger)
    }

    private static func identifier(_ name: String) throws -> String {
        guard !name.isEmpty, name.utf8.count <= 63, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw InvalidLocation(reason: "a database name is letters, digits and underscores, at most 63, got \(name)")
        }
        return name
    }

    private static func maintain(_ sql: String, on server: Location, logger: Logger) async throws {
        let configuration = PostgresConnection.Configuration(
            host: server.host, port: server.port, username: server.username, password: server.password, database: server.database,
            tls: try server.connectionTLS)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

extension PostgresStorage.Location {
    /// The same server and credentials, another database.
    public func with(database: String) -> PostgresStorage.Location {
        var location = self
        location.database = database
        return location
    }

    /// The location as a URL (with its password).
    public var url: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.host = host
        components.port = port
        components.user = username
        components.password = password
        components.path = "/" + database
        components.queryItems = [URLQueryItem(name: "sslmode", value: tls.rawValue)]
        return components.string!
    }
}
