import Foundation
import TesseraFuzz
import Testing
import XAPI

/// The fuzz targets' checks (docs/fuzzing.md) over every input a fuzzer ever failed on
/// (Fixtures/fuzz/<target>/) and over the statement fixtures, so that a finding stays fixed.
/// A broken invariant stops the process with the check's message.
struct FuzzRegressionTests {
    static let findings = Repository.root.appendingPathComponent("Fixtures/fuzz")

    static func inputs(_ target: String) -> [(name: String, bytes: [UInt8])] {
        let directory = findings.appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().compactMap { name in
            FileManager.default.contents(atPath: directory.appendingPathComponent(name).path).map { (name, Array($0)) }
        }
    }

    @Test func everyStatementFixtureKeepsItsStoredFormWhenReadBack() {
        let fixtures = Repository.fixtureFiles("valid") + Repository.fixtureFiles("invalid")
        #expect(fixtures.count > 500)
        for fixture in fixtures { FuzzChecks.statements(fixture.bytes) }
    }

    @Test func pastStatementFindingsStayFixed() {
        let inputs = Self.inputs("statements")
        #expect(inputs.map(\.name).contains("stored-form-offset-timestamp.json"))
        for input in inputs { FuzzChecks.statements(input.bytes) }
    }

    @Test func pastMultipartFindingsAndSeedsStayFixed() throws {
        let inputs = Self.inputs("multipart")
        for input in inputs { FuzzChecks.multipart(input.bytes) }
        // The seeds are well formed: the reader finds their parts.
        let seed = try #require(inputs.first { $0.name == "seed-two-parts" }).bytes
        let boundary = String(decoding: seed[1...Int(seed[0])], as: UTF8.self)
        let body = try MultipartBody(parsing: Array(seed[(Int(seed[0]) + 1)...]), boundary: boundary)
        #expect(body.parts.map { String(decoding: $0.content, as: UTF8.self) } == [#"[{"a":1}]"#, "hello"])
    }
}
