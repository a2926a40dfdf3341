import Foundation
import TesseraTestSupport
import Testing

/// The command line on a PostgreSQL database (`--db postgres://…`): every command that takes
/// `--db` works there as it does on an SQLite file.
@Suite(.enabled(if: PostgresTestServer.url != nil, "TESSERA_TEST_POSTGRES names no server"))
struct PostgresCommandTests {
    @Test func credentialsAreCreatedListedAndRevokedOnPostgres() async throws {
        let (url, drop) = try await PostgresTestServer.freshDatabaseURL()
        defer { Task { await drop() } }
        let created = try TesseraExecutable.run(["credentials", "create", "--db", url, "--name", "L&D course", "--scopes", "statements/write"])
        #expect(created.status == 0, "\(created.standardError)")
        let key = try #require(created.standardOutput.split(separator: "\n").first { $0.hasPrefix("key:") }?.split(separator: " ").last)
        let listed = try TesseraExecutable.run(["credentials", "list", "--db", url])
        #expect(listed.standardOutput.contains("\(key)  L&D course  statements/write") && listed.standardOutput.contains("active"), "\(listed.standardOutput)")
        #expect(try TesseraExecutable.run(["credentials", "revoke", String(key), "--db", url]).status == 0)
        #expect(try TesseraExecutable.run(["credentials", "list", "--db", url]).standardOutput.contains("revoked"))
    }

    @Test func importAnalyticsExportVerifyAndEraseOnPostgres() async throws {
        let (url, drop) = try await PostgresTestServer.freshDatabaseURL()
        defer { Task { await drop() } }
        let directory = try TemporaryDirectory()
        let samples = TesseraExecutable.packageRoot.appendingPathComponent("Fixtures/analytics")
        let key = directory.path("signing.pem")
        // A file of its own: an import records its progress beside the file it reads.
        let statements = directory.path("statements.json")
        try FileManager.default.copyItem(atPath: samples.appendingPathComponent("statements.json").path, toPath: statements)

        let imported = try TesseraExecutable.run(["import", statements, "--db", url])
        #expect(imported.status == 0, "\(imported.standardError)")
        let count = try #require(imported.standardOutput.split(separator: " ").dropFirst().first.flatMap { Int($0) })
        #expect(count > 1_000, "\(imported.standardOutput)")
        let again = try TesseraExecutable.run(["import", statements, "--db", url, "--restart"])
        #expect(again.status == 0, "importing the same file again stores nothing new: \(again.standardError)")

        #expect(try TesseraExecutable.run(["catalog", "load", samples.appendingPathComponent("catalog.json").path, "--db", url]).standardOutput
                == "catalog loaded: 6 skills, 5 programs, 3 levels\n")
        let catalog = try TesseraExecutable.run(["catalog", "show", "--db", url])
        #expect((try JSONSerialization.jsonObject(with: Data(catalog.standardOutput.utf8)) as? [String: Any])?["programs"] is [Any])
        #expect(try TesseraExecutable.run(["roster", "load", samples.appendingPathComponent("roster.csv").path, "--db", url]).standardOutput
                == "roster loaded: 120 people\n")
        #expect(try TesseraExecutable.run(["roster", "show", "--csv", "--db", url]).standardOutput.split(whereSeparator: \.isNewline).count == 121)

        let export = directory.path("all.ndjson")
        let exported = try TesseraExecutable.run(["export", "--db", url, "--out", export, "--signing-key", key])
        #expect(exported.status == 0 && exported.standardOutput.contains("exported \(count) statements"), "\(exported.standardOutput) \(exported.standardError)")
        let verified = try TesseraExecutable.run(["verify", "--db", url])
        #expect(verified.status == 0 && verified.standardOutput.contains("hash chain intact: \(count) statements"), "\(verified.standardOutput)")
        let checked = try TesseraExecutable.run(["verify", "--export", export, "--db", url, "--signing-key", key])
        #expect(checked.status == 0 && checked.standardOutput.contains("every record matches the database's chain"), "\(checked.standardOutput)")

        let person = #"{"mbox":"mailto:sales09@northwind.example"}"#
        let erased = try TesseraExecutable.run(["erase", "--db", url, "--agent", person, "--requested-by", "ticket 42"])
        #expect(erased.status == 0 && erased.standardOutput.hasPrefix("erased: ") && !erased.standardOutput.hasPrefix("erased: 0 "),
                "\(erased.standardOutput) \(erased.standardError)")
        let log = try TesseraExecutable.run(["audit-log", "--db", url, "--agent", person])
        #expect(log.standardOutput.contains("ticket 42"), "\(log.standardOutput)")
        let afterwards = try TesseraExecutable.run(["verify", "--db", url])
        #expect(afterwards.status == 0 && afterwards.standardOutput.contains("erased)"), "\(afterwards.standardOutput)")
    }

    @Test func aStoreMovesToPostgresAndBackWhole() async throws {
        let (url, drop) = try await PostgresTestServer.freshDatabaseURL()
        defer { Task { await drop() } }
        let directory = try TemporaryDirectory()
        let samples = TesseraExecutable.packageRoot.appendingPathComponent("Fixtures/analytics")
        let first = directory.path("first.sqlite"), back = directory.path("back.sqlite")
        // A file of its own: an import records its progress beside the file it reads, and other
        // tests import the same sample at the same time.
        let statements = directory.path("statements.json")
        try FileManager.default.copyItem(atPath: samples.appendingPathComponent("statements.json").path, toPath: statements)
        #expect(try TesseraExecutable.run(["import", statements, "--db", first]).status == 0)
        #expect(try TesseraExecutable.run(["catalog", "load", samples.appendingPathComponent("catalog.json").path, "--db", first]).status == 0)
        #expect(try TesseraExecutable.run(["roster", "load", samples.appendingPathComponent("roster.csv").path, "--db", first]).status == 0)
        let person = #"{"mbox":"mailto:sales09@northwind.example"}"#
        #expect(try TesseraExecutable.run(["erase", "--db", first, "--agent", person, "--requested-by", "ticket 5"]).status == 0)

        let up = try TesseraExecutable.run(["copy", "--from", first, "--to", url])
        #expect(up.status == 0 && up.standardOutput.contains("equal to the source's"), "\(up.standardOutput) \(up.standardError)")
        let down = try TesseraExecutable.run(["copy", "--from", url, "--to", back])
        #expect(down.status == 0 && down.standardOutput.contains("equal to the source's"), "\(down.standardOutput) \(down.standardError)")
        var exports: [Data] = []
        for (number, database) in [first, url, back].enumerated() {
            let verified = try TesseraExecutable.run(["verify", "--db", database])
            #expect(verified.status == 0 && verified.standardOutput.contains("(14 erased)"), "\(verified.standardOutput)")
            let file = directory.path("export\(number).ndjson")
            let key = directory.path("key\(number).pem")
            #expect(try TesseraExecutable.run(["export", "--db", database, "--out", file, "--signing-key", key]).status == 0)
            exports.append(try Data(contentsOf: URL(fileURLWithPath: file)))
        }
        #expect(exports[0].count > 100_000 && exports[1] == exports[0] && exports[2] == exports[0], "every record, tombstones included, is the same")
        let rosters = try [first, url, back].map { try TesseraExecutable.run(["roster", "show", "--csv", "--db", $0]).standardOutput }
        #expect(rosters[0].split(whereSeparator: \.isNewline).count == 120 && rosters[1] == rosters[0] && rosters[2] == rosters[0])
    }

    @Test func aMalformedURLIsNamed() throws {
        let run = try TesseraExecutable.run(["credentials", "list", "--db", "postgres://nobody@/"])
        #expect(run.status != 0)
        #expect(run.standardError.contains("postgres://USER:PASSWORD@HOST:PORT/DATABASE"), "\(run.standardError)")
    }
}
