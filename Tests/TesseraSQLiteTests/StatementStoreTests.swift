import Foundation
import Logging
@testable import TesseraSQLite
import TesseraLRS
import TesseraTestSupport
import Testing
import XAPI

/// The SQLite store's migrations on real files (its writes are the contract suite's,
/// StatementStoreContractTests).
struct StatementStoreTests {
    @Test func reopeningKeepsDataAndDoesNotMigrateAgain() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("db.sqlite")
        let first = try SQLiteStore(path: path, readers: 1, logger: Logger(label: "test"))
        let incoming = try prepared(statement())
        try await first.store([incoming])
        first.close()
        let second = try SQLiteStore(path: path, readers: 1, logger: Logger(label: "test"))
        defer { second.close() }
        #expect(try await second.statement(id: incoming.id) != nil)
        let connection = try SQLiteConnection(path: path, mode: .readOnly)
        #expect(try connection.scalar("SELECT COUNT(*) FROM schema_migrations") == Int64(Migrator.all.count))
    }

    @Test func refusesADatabaseFromANewerTessera() throws {
        let temporary = try TemporaryStore()
        let connection = try SQLiteConnection(path: temporary.path, mode: .readWrite)
        try connection.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
        #expect(throws: Migrator.NewerSchema.self) { try Migrator.migrate(connection) }
    }
}
