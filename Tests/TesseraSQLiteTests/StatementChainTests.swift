import Foundation
import Logging
import TesseraCrypto
@testable import TesseraSQLite
import TesseraLRS
import TesseraTestSupport
import Testing
import XAPI

/// The hash chain the writer keeps over stored statements, and its verification.
struct StatementChainTests {
    @Test func theChainFollowsTheStoredBodiesInStorageOrder() async throws {
        let (directory, path) = try await SQLiteSamples.storeWithStatements(10)
        _ = directory
        let verification = try ReadOnlyStore(path: path).verifyChain()
        #expect(verification.isIntact, "\(verification.problems)")
        #expect(verification.statements == 10)
        // Recomputed here from the definition: SHA-256(previous || SHA-256(body)), from zeros.
        let connection = try SQLiteConnection(path: path, mode: .readOnly)
        let bodies = try connection.prepared("SELECT body FROM statements ORDER BY seq")
        var chain = [UInt8](repeating: 0, count: 32)
        while try bodies.step() { chain = Digest.sha256(chain + Digest.sha256(bodies.blob(0))) }
        bodies.reset()
        #expect(verification.head == Digest.hex(chain))
    }

    @Test func anAlteredStatementIsNamedBySequenceNumber() async throws {
        let (directory, path) = try await SQLiteSamples.storeWithStatements(8)
        _ = directory
        try tamper(path, "UPDATE statements SET body = replace(body, 'learner3', 'someone') WHERE seq = 4")
        let verification = try ReadOnlyStore(path: path).verifyChain()
        #expect(verification.problems.map(\.seq) == [4])
        #expect(verification.problems.first?.reason.contains("altered") == true)
    }

    @Test func aDeletedStatementIsNamedBySequenceNumber() async throws {
        let (directory, path) = try await SQLiteSamples.storeWithStatements(8)
        _ = directory
        try tamper(path, "DELETE FROM statements WHERE seq = 6")
        let verification = try ReadOnlyStore(path: path).verifyChain()
        #expect(verification.problems.map(\.seq) == [6])
        #expect(verification.problems.first?.reason.contains("deleted") == true)
    }

    @Test func anEditedChainOrAStatementAddedBehindTesseraIsFound() async throws {
        let (directory, path) = try await SQLiteSamples.storeWithStatements(8)
        _ = directory
        try tamper(path, "UPDATE statement_chain SET chain = zeroblob(32) WHERE seq = 2")
        // The edited row no longer follows from row 1, nor row 3 from it.
        #expect(try ReadOnlyStore(path: path).verifyChain().problems.map(\.seq) == [2, 3])
        try tamper(path, """
            INSERT INTO statements (seq, id, verb_id, stored_ms, is_voiding, body)
            SELECT 100, randomblob(16), verb_id, stored_ms, 0, body FROM statements WHERE seq = 1
            """)
        let problems = try ReadOnlyStore(path: path).verifyChain().problems
        #expect(problems.map(\.seq) == [2, 3, 100])
        #expect(problems.last?.reason.contains("not in the chain") == true)
    }

    @Test func statementsStoredBeforeTheChainAreChainedByItsMigration() async throws {
        let (directory, path) = try await SQLiteSamples.storeWithStatements(6)
        // As the database was before the chain (migration 15) and what came after it.
        try tamper(path, """
            DROP TABLE statement_chain; DROP TABLE erased_statements; DROP TABLE audit_log; DROP TABLE statement_attachments;
            DROP TABLE learning_days; DROP TABLE accounts; ALTER TABLE credentials DROP COLUMN last_used_ms;
            DELETE FROM schema_migrations WHERE version >= \(Migrator.statementChainVersion)
            """)
        let reopened = try SQLiteStore(path: path, readers: 1, durability: .normal, logger: Logger(label: "test"))
        try await reopened.store([try prepared(statement(actor: "after"))])
        reopened.close()
        let verification = try ReadOnlyStore(path: path).verifyChain()
        #expect(verification.isIntact, "\(verification.problems)")
        #expect(verification.statements == 7)
        _ = directory
    }

    @Test func anExportCursorReadsEveryStatementOnceInWholeChunks() async throws {
        let temporary = try TemporaryStore()
        let count = 2 * ExportCursor.chunkSize
        for batch in stride(from: 0, to: count, by: 500) {
            try await temporary.store.store(try (batch..<batch + 500).map { try prepared(statement(actor: "learner\($0 % 50)")) })
        }
        var cursor = try await ExportCursor(temporary.store, filter: ExportFilter())
        // Stored after the cursor began: not part of this export.
        try await temporary.store.store([try prepared(statement(actor: "late"))])
        var chunks: [[Int64]] = []
        while let records = try await cursor.next() { chunks.append(records.map(\.seq)) }
        #expect(chunks.map(\.count) == [ExportCursor.chunkSize, ExportCursor.chunkSize])
        #expect(chunks.flatMap { $0 } == Array(1...Int64(count)))
        #expect(try await cursor.next() == nil)
    }
}
