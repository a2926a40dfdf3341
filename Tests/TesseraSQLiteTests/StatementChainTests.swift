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
    /// A closed store holding `count` statements, stored in three batches.
    static func storeWithStatements(_ count: Int) async throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        let path = directory.path("chain.sqlite")
        let store = try SQLiteStore(path: path, readers: 1, durability: .normal, logger: Logger(label: "test"))
        let statements = try (0..<count).map { try prepared(statement(actor: "learner\($0)", activity: "course-\($0 % 3)")) }
        for batch in stride(from: 0, to: count, by: 4) { try await store.store(Array(statements[batch..<min(batch + 4, count)])) }
        store.close()
        return (directory, path)
    }

    /// Runs `sql` on the database file directly, as someone tampering with it would.
    static func tamper(_ path: String, _ sql: String) throws {
        let connection = try SQLiteConnection(path: path, mode: .readWrite)
        try connection.execute(sql)
        connection.finishStatements()
    }

    @Test func theChainFollowsTheStoredBodiesInStorageOrder() async throws {
        let (directory, path) = try await Self.storeWithStatements(10)
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
        let (directory, path) = try await Self.storeWithStatements(8)
        _ = directory
        try Self.tamper(path, "UPDATE statements SET body = replace(body, 'learner3', 'someone') WHERE seq = 4")
        let verification = try ReadOnlyStore(path: path).verifyChain()
        #expect(verification.problems.map(\.seq) == [4])
        #expect(verification.problems.first?.reason.contains("altered") == true)
    }

    @Test func aDeletedStatementIsNamedBySequenceNumber() async throws {
        let (directory, path) = try await Self.storeWithStatements(8)
        _ = directory
        try Self.tamper(path, "DELETE FROM statements WHERE seq = 6")
        let verification = try ReadOnlyStore(path: path).verifyChain()
        #expect(verification.problems.map(\.seq) == [6])
        #expect(verification.problems.first?.reason.contains("deleted") == true)
    }

    @Test func anEditedChainOrAStatementAddedBehindTesseraIsFound() async throws {
        let (directory, path) = try await Self.storeWithStatements(8)
        _ = directory
        try Self.tamper(path, "UPDATE statement_chain SET chain = zeroblob(32) WHERE seq = 2")
        // The edited row no longer follows from row 1, nor row 3 from it.
        #expect(try ReadOnlyStore(path: path).verifyChain().problems.map(\.seq) == [2, 3])
        try Self.tamper(path, """
            INSERT INTO statements (seq, id, verb_id, stored_ms, is_voiding, body)
            SELECT 100, randomblob(16), verb_id, stored_ms, 0, body FROM statements WHERE seq = 1
            """)
        let problems = try ReadOnlyStore(path: path).verifyChain().problems
        #expect(problems.map(\.seq) == [2, 3, 100])
        #expect(problems.last?.reason.contains("not in the chain") == true)
    }

    @Test func statementsStoredBeforeTheChainAreChainedByItsMigration() async throws {
        let (directory, path) = try await Self.storeWithStatements(6)
        // As the database was before the chain (migration 15) and what came after it.
        try Self.tamper(path, """
            DROP TABLE statement_chain; DROP TABLE erased_statements; DROP TABLE audit_log; DROP TABLE statement_attachments;
            DROP TABLE learning_days;
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

    @Test func theVerifyCommandSaysWhatIsWrongAndFailsWithIt() async throws {
        let (directory, path) = try await Self.storeWithStatements(5)
        _ = directory
        let intact = try TesseraExecutable.run(["verify", "--db", path])
        #expect(intact.status == 0)
        #expect(intact.standardOutput.contains("hash chain intact: 5 statements (0 erased), head "))
        try Self.tamper(path, "UPDATE statements SET body = replace(body, 'learner1', 'learner9') WHERE seq = 2")
        let broken = try TesseraExecutable.run(["verify", "--db", path])
        #expect(broken.status == 1)
        #expect(broken.standardOutput.contains("statement seq 2: the stored statement differs"))
    }

    @Test func readingADatabaseNotYetUpgradedOrNotTesserasSaysSo() async throws {
        let (directory, path) = try await Self.storeWithStatements(2)
        try Self.tamper(path, "DELETE FROM schema_migrations WHERE version = \(Migrator.all.count)")
        #expect(throws: Migrator.OlderSchema.self) { try ReadOnlyStore(path: path) }
        let old = try TesseraExecutable.run(["export", "--db", path, "--out", directory.path("x.ndjson")])
        #expect(old.status != 0 && old.standardError.contains("start `tessera serve` on it once to upgrade it"), "\(old.standardError)")
        let foreign = directory.path("other.sqlite")
        try Self.tamper(foreign, "CREATE TABLE notes (text TEXT)")
        let refused = try TesseraExecutable.run(["verify", "--db", foreign])
        #expect(refused.status != 0 && refused.standardError.contains("not a Tessera database"), "\(refused.standardError)")
    }
}
