import TesseraLRS
@testable import TesseraSQLite
import TesseraTestSupport
import Testing

/// Runs `sql` on the database file directly, as someone tampering with it would.
func tamper(_ path: String, _ sql: String) throws {
    let connection = try SQLiteConnection(path: path, mode: .readWrite)
    try connection.execute(sql)
    connection.finishStatements()
}

/// `tessera verify --db` and what the commands say of a database they cannot read.
struct VerifyCommandTests {
    @Test func theVerifyCommandSaysWhatIsWrongAndFailsWithIt() async throws {
        let (directory, path) = try await SQLiteSamples.storeWithStatements(5)
        _ = directory
        let intact = try TesseraExecutable.run(["verify", "--db", path])
        #expect(intact.status == 0)
        #expect(intact.standardOutput.contains("hash chain intact: 5 statements (0 erased), head "))
        try tamper(path, "UPDATE statements SET body = replace(body, 'learner1', 'learner9') WHERE seq = 2")
        let broken = try TesseraExecutable.run(["verify", "--db", path])
        #expect(broken.status == 1)
        #expect(broken.standardOutput.contains("statement seq 2: the stored statement differs"))
    }

    @Test func readingADatabaseNotYetUpgradedOrNotTesserasSaysSo() async throws {
        let (directory, path) = try await SQLiteSamples.storeWithStatements(2)
        try tamper(path, "DELETE FROM schema_migrations WHERE version = \(Migrator.all.count)")
        #expect(throws: Migrator.OlderSchema.self) { try ReadOnlyStore(path: path) }
        let old = try TesseraExecutable.run(["export", "--db", path, "--out", directory.path("x.ndjson")])
        #expect(old.status != 0 && old.standardError.contains("start `tessera serve` on it once to upgrade it"), "\(old.standardError)")
        let foreign = directory.path("other.sqlite")
        try tamper(foreign, "CREATE TABLE notes (text TEXT)")
        let refused = try TesseraExecutable.run(["verify", "--db", foreign])
        #expect(refused.status != 0 && refused.standardError.contains("not a Tessera database"), "\(refused.standardError)")
    }
}
