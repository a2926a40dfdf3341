import Foundation
import TesseraTestSupport
import Testing

/// `tessera copy`: a whole store moved to another database, checked, and resumed. (Every pair
/// of backends is covered record by record in `StoreCopyContractTests`; PostgreSQL's command
/// line in `PostgresCommandTests`.)
struct CopyCommandTests {
    @Test func aStoreIsCopiedVerifiedAndTheNextRunTakesOnlyWhatIsNew() async throws {
        let (directory, source) = try await SQLiteSamples.storeWithStatements(30)
        let person = #"{"mbox":"mailto:learner3@example.com"}"#
        #expect(try TesseraExecutable.run(["erase", "--db", source, "--agent", person, "--requested-by", "ticket 3"]).status == 0)
        #expect(try TesseraExecutable.run(["credentials", "create", "--db", source, "--name", "course", "--scopes", "statements/write"]).status == 0)
        let target = directory.path("copy.sqlite")

        let copied = try TesseraExecutable.run(["copy", "--from", source, "--to", target, "--batch", "7"])
        #expect(copied.status == 0, "\(copied.standardError)")
        let head = try #require(Self.head(try TesseraExecutable.run(["verify", "--db", source]).standardOutput))
        #expect(copied.standardOutput.contains("1 audit log entries") && copied.standardOutput.contains("1 new credentials"), "\(copied.standardOutput)")
        #expect(copied.standardOutput.contains("head \(head), equal to the source's"), "\(copied.standardOutput)")
        #expect(Self.head(try TesseraExecutable.run(["verify", "--db", target]).standardOutput) == head)
        #expect(try TesseraExecutable.run(["audit-log", "--db", target]).standardOutput.contains("ticket 3"))
        #expect(try TesseraExecutable.run(["credentials", "list", "--db", target]).standardOutput.contains("course"))

        let again = try TesseraExecutable.run(["copy", "--from", source, "--to", target])
        #expect(again.status == 0 && again.standardOutput.contains("resumed after seq 30") && again.standardOutput.contains("copied 0 statements"),
                "\(again.standardOutput) \(again.standardError)")
        #expect(again.standardOutput.contains("0 new credentials"))
    }

    @Test func aTargetWithOtherStatementsOrTheSourceItselfIsRefused() async throws {
        let (sourceDirectory, source) = try await SQLiteSamples.storeWithStatements(3)
        let (otherDirectory, other) = try await SQLiteSamples.storeWithStatements(4)
        defer { _ = (sourceDirectory, otherDirectory) }
        let refused = try TesseraExecutable.run(["copy", "--from", source, "--to", other])
        #expect(refused.status != 0 && refused.standardError.contains("not a copy of the source's"), "\(refused.standardError)")
        #expect(try TesseraExecutable.run(["verify", "--db", other]).standardOutput.contains("intact: 4 statements"), "the target is left as it was")
        let itself = try TesseraExecutable.run(["copy", "--from", source, "--to", source])
        #expect(itself.status != 0 && itself.standardError.contains("the same database"), "\(itself.standardError)")
    }

    /// The chain head `tessera verify` reports.
    static func head(_ output: String) -> String? {
        output.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}
