import Logging
import PostgresNIO

/// Reads on one connection inside one repeatable-read, read-only transaction: every query of
/// `body` sees the same committed state, whatever other nodes write meanwhile.
func snapshot<T>(
    on client: PostgresClient, logger: Logger, _ body: (PostgresConnection) async throws -> T
) async throws -> T {
    try await client.withConnection { connection in
        try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
        do {
            let result = try await body(connection)
            try await connection.query("COMMIT", logger: logger)
            return result
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }
}
