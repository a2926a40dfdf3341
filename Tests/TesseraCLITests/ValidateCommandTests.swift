import Foundation
import TesseraTestSupport
import Testing

/// `tessera validate`, run as a real process.
struct ValidateCommandTests {
    struct Run {
        let status: Int32
        let lines: [[String: Any]]
    }

    private func run(_ arguments: [String], input: String? = nil) throws -> Run {
        let result = try TesseraExecutable.run(["validate"] + arguments, input: input)
        let lines = result.standardOutput.split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        }
        return Run(status: result.status, lines: lines)
    }

    @Test func validFileExitsZero() throws {
        let file = TesseraExecutable.packageRoot.appendingPathComponent("Fixtures/statements/valid/rich-01.json").path
        let result = try run([file])
        #expect(result.status == 0)
        #expect(result.lines.count == 1)
        #expect(result.lines[0]["index"] as? Int == 0)
        #expect(result.lines[0]["valid"] as? Bool == true)
    }

    @Test func arrayOnStandardInputReportsEachStatement() throws {
        let result = try run(["-"], input: "[" + statement() + #",{"actor":{"mbox":"x"},"verb":{"id":"urn:v"},"object":{"id":"urn:o"}}]"#)
        #expect(result.status == 1)
        #expect(result.lines.count == 2)
        #expect(result.lines[0]["valid"] as? Bool == true)
        #expect(result.lines[1]["index"] as? Int == 1)
        #expect(result.lines[1]["valid"] as? Bool == false)
        let errors = result.lines[1]["errors"] as? [[String: String]]
        #expect(errors?.first?["path"] == "statement.actor.mbox")
        #expect(errors?.first?["message"]?.contains("mailto") == true)
    }

    @Test func ndjsonIsReadLineByLine() throws {
        let input = statement() + "\n\n" + "{broken\n" + statement() + "\r\n"
        let result = try run(["--ndjson"], input: input)
        #expect(result.status == 1)
        #expect(result.lines.map { $0["valid"] as? Bool } == [true, false, true])
        #expect(result.lines.map { $0["index"] as? Int } == [0, 1, 2])
        let errors = result.lines[1]["errors"] as? [[String: String]]
        #expect(errors?.first?["path"] == "body")
    }

    @Test func versionSelectsTheRules() throws {
        let statement = statement(extra: #""context":{"contextAgents":[{"objectType":"contextAgent","agent":{"mbox":"mailto:m@example.com"}}]}"#)
        #expect(try run(["--xapi-version", "1.0.3"], input: statement).status == 1)
        #expect(try run(["--xapi-version", "2.0.0"], input: statement).status == 0)
    }

    @Test func unknownVersionIsAUsageError() throws {
        let result = try run(["--xapi-version", "0.9"], input: statement())
        #expect(result.status != 0 && result.status != 1)
    }
}
