import Foundation
@testable import TesseraSQLite
import TesseraLRS
import TesseraTestSupport
import Testing

/// `tessera import`, run as a real process on a database file.
struct ImportCommandTests {
    /// `count` statements as NDJSON; every third has no id.
    static func ndjson(_ count: Int) -> String {
        (0..<count).map { index in
            let id = index % 3 == 0 ? nil : String(format: "00000000-0000-4000-8000-%012d", index)
            return statement(id: id, actor: "learner\(index % 40)", activity: "course-\(index % 7)") + "\n"
        }.joined()
    }

    static func count(_ path: String, _ sql: String = "SELECT COUNT(*) FROM statements") throws -> Int64 {
        let connection = try SQLiteConnection(path: path, mode: .readOnly)
        defer { connection.finishStatements() }
        return try connection.scalar(sql) ?? -1
    }

    @Test func anInterruptedImportResumesWhereItStoppedAndNeverStoresTwice() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("statements.ndjson"), db = directory.path("lrs.sqlite")
        try Self.ndjson(1_200).write(toFile: file, atomically: true, encoding: .utf8)

        let first = try TesseraExecutable.run(["import", file, "--db", db, "--limit", "500", "--batch", "200"])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("imported 500 statements") && first.standardOutput.contains("run again"))
        #expect(FileManager.default.fileExists(atPath: file + ".import-progress"))
        #expect(try Self.count(db) == 500)

        let second = try TesseraExecutable.run(["import", file, "--db", db])
        #expect(second.status == 0, "\(second.standardError)")
        #expect(second.standardError.contains("resuming at byte") && second.standardOutput.contains("imported 700 statements"))
        #expect(second.standardOutput.contains("(1200 in all); the file is done"))
        #expect(!FileManager.default.fileExists(atPath: file + ".import-progress"))
        #expect(try Self.count(db) == 1_200)

        // Everything again from the start: statements without ids get the same derived ids.
        let again = try TesseraExecutable.run(["import", file, "--db", db, "--restart"])
        #expect(again.status == 0, "\(again.standardError)")
        #expect(try Self.count(db) == 1_200, "nothing stored twice")
        #expect(try Self.count(db, "SELECT COUNT(*) FROM statements s JOIN agents a ON a.id = s.authority_id WHERE a.ifi LIKE 'account%urn:tessera:import%'") == 1_200)
    }

    @Test func jsonArraysAndTrickyStringsAreRead() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("arrays.json"), db = directory.path("lrs.sqlite")
        let tricky = statement(actor: "ann", extra: #""result":{"response":"a } ] [ { \" \\ , not the end"}"#)
        let text = "[\n  " + tricky + ",\n  " + statement(actor: "bo") + "\n]\n[" + statement(actor: "cy") + "]"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let run = try TesseraExecutable.run(["import", file, "--db", db])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(try Self.count(db) == 3)
        #expect(try Self.count(db, #"SELECT COUNT(*) FROM statements WHERE CAST(body AS TEXT) LIKE '%a } ] [ { \" \\ , not the end%'"#) == 1)
    }

    @Test func anInvalidStatementStopsTheImportThereAndNamesIt() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("statements.ndjson"), db = directory.path("lrs.sqlite")
        var lines = Self.ndjson(10).split(separator: "\n").map(String.init)
        lines[6] = statement(actor: "ann", verb: "completed", activity: "course-1").replacingOccurrences(of: "mailto:", with: "")
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let run = try TesseraExecutable.run(["import", file, "--db", db, "--batch", "4"])
        #expect(run.status != 0)
        #expect(run.standardError.contains("statement 7 (byte") && run.standardError.contains("statement.actor.mbox"), "\(run.standardError)")
        #expect(try Self.count(db) == 6, "the six before it are stored")

        // Fixed, the import goes on from the bad statement.
        lines[6] = statement(actor: "ann", verb: "completed", activity: "course-1")
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let resumed = try TesseraExecutable.run(["import", file, "--db", db])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardError.contains("resuming at byte") && resumed.standardError.contains("after 6 statements"),
                "it resumes where it stopped, not from the beginning: \(resumed.standardError)")
        #expect(resumed.standardOutput.contains("imported 4 statements"), "\(resumed.standardOutput)")
        #expect(try Self.count(db) == 10)
    }
}
