import Foundation
import Logging
import TesseraCrypto
@testable import TesseraStore
import TesseraTestSupport
import Testing

/// `tessera export`, run as a real process: the file, and the manifest signed beside it.
struct ExportCommandTests {
    @Test func theExportAndItsSignedManifestDescribeEachOther() async throws {
        let (directory, path) = try await StatementChainTests.storeWithStatements(9)
        let out = directory.path("statements.ndjson")
        let run = try TesseraExecutable.run(["export", "--db", path, "--out", out])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("exported 9 statements (seq 1–9)"))

        let file = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(file.split(separator: 0x0A).count == 9)
        let manifestData = try Data(contentsOf: URL(fileURLWithPath: out + ".manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        #expect(manifest["count"] as? Int == 9 && manifest["firstSeq"] as? Int == 1 && manifest["lastSeq"] as? Int == 9)
        #expect(manifest["chainHead"] as? String == (try SQLiteStore.verifyChain(path: path)).head)
        #expect(manifest["fileSHA256"] as? String == Digest.hex(Digest.sha256(Array(file))))

        // The signature covers the manifest's facts, under the key in the key file beside the database.
        let key = try Ed25519Key(privateKeyPEM: Array(try Data(contentsOf: URL(fileURLWithPath: path + ".signing-key.pem"))))
        #expect(manifest["publicKey"] as? String == Base64.encode(try key.publicKey()))
        var facts = ExportManifest(
            count: 9, firstSeq: 1, lastSeq: 9, chainHead: manifest["chainHead"] as! String,
            fileSHA256: manifest["fileSHA256"] as! String, filters: [:], created: manifest["created"] as! String)
        let signature = try #require(Base64.decode(ArraySlice((manifest["signature"] as! String).utf8), url: false))
        #expect(Ed25519Key.isValid(signature: signature, of: facts.signedText, publicKey: try key.publicKey()))
        facts.count = 8
        #expect(!Ed25519Key.isValid(signature: signature, of: facts.signedText, publicKey: try key.publicKey()))
    }

    @Test func filtersAreAppliedAndRecordedInTheManifest() async throws {
        let (directory, path) = try await StatementChainTests.storeWithStatements(6)
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
}
