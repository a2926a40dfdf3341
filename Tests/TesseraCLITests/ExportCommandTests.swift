import Foundation
import Logging
import TesseraAnalytics
import TesseraCrypto
@testable import TesseraSQLite
import TesseraLRS
import TesseraTestSupport
import Testing

/// `tessera export`, run as a real process: the file, and the manifest signed beside it.
struct ExportCommandTests {
    @Test func theExportAndItsSignedManifestDescribeEachOther() async throws {
        let (directory, path) = try await SQLiteSamples.storeWithStatements(9)
        let out = directory.path("statements.ndjson")
        let run = try TesseraExecutable.run(["export", "--db", path, "--out", out])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("exported 9 statements (seq 1–9)"))

        let file = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(file.split(separator: 0x0A).count == 9)
        let manifestData = try Data(contentsOf: URL(fileURLWithPath: out + ".manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        #expect(manifest["count"] as? Int == 9 && manifest["firstSeq"] as? Int == 1 && manifest["lastSeq"] as? Int == 9)
        #expect(manifest["chainHead"] as? String == (try ReadOnlyStore(path: path).verifyChain()).head)
        #expect(manifest["fileSHA256"] as? String == Digest.hex(Digest.sha256(Array(file))))

        // The signature covers the manifest's facts, under the key in the key file beside the database.
        let key = try Ed25519Key(privateKeyPEM: Array(try Data(contentsOf: URL(fileURLWithPath: path + ".signing-key.pem"))))
        #expect(manifest["publicKey"] as? String == Base64.encode(try key.publicKey()))
        var facts = ExportManifest(
            format: .ndjson, count: 9, firstSeq: 1, lastSeq: 9, chainHead: manifest["chainHead"] as! String,
            fileSHA256: manifest["fileSHA256"] as! String, filters: [:], created: manifest["created"] as! String)
        let signature = try #require(Base64.decode(ArraySlice((manifest["signature"] as! String).utf8), url: false))
        #expect(Ed25519Key.isValid(signature: signature, of: facts.signedText, publicKey: try key.publicKey()))
        facts.count = 8
        #expect(!Ed25519Key.isValid(signature: signature, of: facts.signedText, publicKey: try key.publicKey()))
        #expect(try ExportManifest.read(Array(manifestData)).isSignatureValid, "read back as written")
    }

    @Test func aCSVExportHasTheChosenColumnsUnderAHeader() async throws {
        let (directory, path) = try await SQLiteSamples.storeWithStatements(6)
        let out = directory.path("learner4.csv")
        let run = try TesseraExecutable.run([
            "export", "--db", path, "--out", out, "--format", "csv", "--columns", "seq,actor,verb,object,objectType,statement,chain",
            "--agent", #"{"mbox":"mailto:learner4@example.com"}"#,
        ])
        #expect(run.status == 0, "\(run.standardError)")
        let rows = try CSV.parse(Array(try Data(contentsOf: URL(fileURLWithPath: out)))).get()
        #expect(rows.count == 2)
        #expect(rows[0] == ["seq", "actor", "verb", "object", "objectType", "statement", "chain"])
        #expect(Array(rows[1][0...4]) == [
            "5", #"{"mbox":"mailto:learner4@example.com"}"#, "http://adlnet.gov/expapi/verbs/completed",
            "https://courses.example.com/course-1", "Activity",
        ])
        let stored = try #require(try JSONSerialization.jsonObject(with: Data(rows[1][5].utf8)) as? [String: Any])
        #expect((stored["actor"] as? [String: Any])?["mbox"] as? String == "mailto:learner4@example.com")
        let manifestData = Array(try Data(contentsOf: URL(fileURLWithPath: out + ".manifest.json")))
        let manifest = try ExportManifest.read(manifestData)
        #expect(manifest.format == .csv([.seq, .actor, .verb, .object, .objectType, .statement, .chain]))
        #expect(manifest.count == 1 && manifest.chainHead == rows[1][6] && manifest.isSignatureValid)
        #expect(manifest.filters == ["agent": #"{"mbox":"mailto:learner4@example.com"}"#])

        let unknown = try TesseraExecutable.run(["export", "--db", path, "--out", out, "--format", "csv", "--columns", "seq,name"])
        #expect(unknown.status != 0 && unknown.standardError.contains("unknown column \"name\""), "\(unknown.standardError)")
    }

    @Test func filtersAreAppliedAndRecordedInTheManifest() async throws {
        let (directory, path) = try await SQLiteSamples.storeWithStatements(6)
        let out = directory.path("completed.ndjson")
        let run = try TesseraExecutable.run([
            "export", "--db", path, "--out", out, "--activity", "https://courses.example.com/course-1", "--include-voided", "false",
        ])
        #expect(run.status == 0, "\(run.standardError)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2, "learners 1 and 4 took course-1")
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + ".manifest.json"))) as? [String: Any])
        #expect(manifest["filters"] as? [String: String] == ["activity": "https://courses.example.com/course-1", "includeVoided": "false"])
        let bad = try TesseraExecutable.run(["export", "--db", path, "--out", out, "--since", "yesterday"])
        #expect(bad.status != 0)
        #expect(bad.standardError.contains("--since"))
    }

    /// Writes the file at `path` again with `edit` applied to its text.
    static func edit(_ path: String, _ edit: (String) -> String) throws {
        try edit(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func verifyChecksAnExportAndNamesTheEditedLine() async throws {
        let (directory, path) = try await SQLiteSamples.storeWithStatements(9)
        let out = directory.path("statements.ndjson")
        #expect(try TesseraExecutable.run(["export", "--db", path, "--out", out]).status == 0)
        let intact = try TesseraExecutable.run(["verify", "--export", out, "--db", path])
        #expect(intact.status == 0, "\(intact.standardOutput)\(intact.standardError)")
        #expect(intact.standardOutput.contains("export intact") && intact.standardOutput.contains("chain recomputed over every record"))
        #expect(intact.standardOutput.contains("every record matches the database's chain"))

        // One statement edited in the file: its line, the file hash, and (with --db) the database disagree.
        try Self.edit(out) { $0.replacingOccurrences(of: "learner3@example.com", with: "learner7@example.com") }
        let edited = try TesseraExecutable.run(["verify", "--export", out])
        #expect(edited.status == 1)
        #expect(edited.standardOutput.contains("line 4, seq 4: the statement differs from its content hash"), "\(edited.standardOutput)")
        #expect(edited.standardOutput.contains("the file's SHA-256"))

        // A line removed.
        #expect(try TesseraExecutable.run(["export", "--db", path, "--out", out]).status == 0)
        try Self.edit(out) { text in text.split(separator: "\n").enumerated().filter { $0.offset != 5 }.map { $0.element + "\n" }.joined() }
        let removed = try TesseraExecutable.run(["verify", "--export", out])
        #expect(removed.standardOutput.contains("line 6, seq 6: this record is missing (removed from the file)"), "\(removed.standardOutput)")
        #expect(!removed.standardOutput.contains("seq 7:"), "the record after the gap is not blamed: \(removed.standardOutput)")
        #expect(removed.standardOutput.contains("the file has 8 records, the manifest says 9"))

        // The manifest edited to match, and signed again with another key: the signature holds,
        // but not under this server's key.
        #expect(try TesseraExecutable.run(["export", "--db", path, "--out", out]).status == 0)
        var manifest = try ExportManifest.read(Array(try Data(contentsOf: URL(fileURLWithPath: out + ".manifest.json"))))
        manifest.created = "2020-01-01T00:00:00.000Z"
        try manifest.sign(with: try Ed25519Key.generate())
        try Data(manifest.json()).write(to: URL(fileURLWithPath: out + ".manifest.json"))
        let resigned = try TesseraExecutable.run(["verify", "--export", out, "--db", path])
        #expect(resigned.status == 1)
        #expect(resigned.standardOutput.contains("not the trusted key"), "\(resigned.standardOutput)")
        let untrusted = try TesseraExecutable.run(["verify", "--export", out])
        #expect(untrusted.status == 0, "without a trusted key only the manifest's own key can be checked")
        #expect(untrusted.standardOutput.contains("origin NOT established"), "it says what was not proved: \(untrusted.standardOutput)")
        #expect(intact.standardOutput.contains("origin established"))
        manifest.count = 8
        try Data(manifest.json()).write(to: URL(fileURLWithPath: out + ".manifest.json"))
        let tampered = try TesseraExecutable.run(["verify", "--export", out])
        #expect(tampered.standardOutput.contains("signature does not verify"), "\(tampered.standardOutput)")
    }

    @Test func verifyChecksACSVExportRowByRow() async throws {
        let (directory, path) = try await SQLiteSamples.storeWithStatements(5)
        let out = directory.path("statements.csv")
        let export = try TesseraExecutable.run(["export", "--db", path, "--out", out, "--format", "csv", "--columns", "seq,content,chain,statement"])
        #expect(export.status == 0, "\(export.standardError)")
        let intact = try TesseraExecutable.run(["verify", "--export", out])
        #expect(intact.status == 0 && intact.standardOutput.contains("chain recomputed"), "\(intact.standardOutput)")
        let bare = directory.path("bare.csv")
        #expect(try TesseraExecutable.run(["export", "--db", path, "--out", bare, "--format", "csv", "--columns", "seq,statement"]).status == 0)
        let unlinked = try TesseraExecutable.run(["verify", "--export", bare])
        #expect(unlinked.standardOutput.contains("the CSV lacks the chain or content column") && !unlinked.standardOutput.contains("filtered"),
                "an unfiltered CSV is not called filtered: \(unlinked.standardOutput)")
        try Self.edit(out) { $0.replacingOccurrences(of: "course-2", with: "course-9") }
        let edited = try TesseraExecutable.run(["verify", "--export", out])
        #expect(edited.status == 1)
        #expect(edited.standardOutput.contains("row 3, seq 3: the statement differs from its content hash"), "\(edited.standardOutput)")
    }

    @Test func eraseThenExportAndVerifyFromTheCommandLine() async throws {
        let (directory, path) = try await SQLiteSamples.storeWithStatements(6)
        let erase = try TesseraExecutable.run(["erase", "--db", path, "--agent", #"{"mbox":"mailto:learner2@example.com"}"#, "--requested-by", "DPO ticket 42"])
        #expect(erase.status == 0, "\(erase.standardError)")
        #expect(erase.standardOutput.contains("erased: 1 statements"))
        let log = try TesseraExecutable.run(["audit-log", "--db", path, "--agent", #"{"mbox":"mailto:learner2@example.com"}"#])
        #expect(log.standardOutput.split(separator: "\n").count == 1 && log.standardOutput.contains("DPO ticket 42"))
        let other = try TesseraExecutable.run(["audit-log", "--db", path, "--agent", #"{"mbox":"mailto:learner3@example.com"}"#])
        #expect(other.status == 0 && other.standardOutput.isEmpty)

        let out = directory.path("after-erasure.ndjson")
        #expect(try TesseraExecutable.run(["export", "--db", path, "--out", out]).status == 0)
        let tombstone = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")[2]
        #expect(tombstone.hasPrefix(#"{"seq":3,"#) && tombstone.hasSuffix(#""erasure":1,"statement":null}"#))
        let verified = try TesseraExecutable.run(["verify", "--export", out, "--db", path])
        #expect(verified.status == 0, "\(verified.standardOutput)")
        #expect(verified.standardOutput.contains("6 statements (1 erased)"))

        // With the database open for writing elsewhere, erase refuses and changes nothing.
        let server = try SQLiteStore(path: path, readers: 1, durability: .normal, logger: Logger(label: "test"))
        let refused = try TesseraExecutable.run(["erase", "--db", path, "--agent", #"{"mbox":"mailto:learner3@example.com"}"#])
        server.close()
        #expect(refused.status != 0 && refused.standardError.contains("open for writing"), "\(refused.standardError)")
        #expect(try ReadOnlyStore(path: path).verifyChain().erased == 1)
    }
}
