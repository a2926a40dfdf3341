import TesseraTestSupport
import Testing

/// The spawner the command tests run `tessera` with: it must move more than a pipe holds in
/// both directions at once, keep the two outputs apart, and report how the child ended.
struct ChildProcessTests {
    @Test func aMegabyteGoesThroughAndComesBackWhole() throws {
        let input = (0..<1_048_576).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        let result = try ChildProcess.run("/bin/cat", [], input: input)
        #expect(result.status == 0)
        #expect(result.standardOutput == input)
        #expect(result.standardError.isEmpty)
    }

    @Test func bothOutputsFillAtOnceWithoutDeadlock() throws {
        // 200 KB to each output before anything is read: more than the pipes hold.
        let script = "head -c 200000 /dev/zero; head -c 300000 /dev/zero >&2; exit 3"
        let result = try ChildProcess.run("/bin/sh", ["-c", script])
        #expect(result.status == 3)
        #expect(result.standardOutput.count == 200_000)
        #expect(result.standardError.count == 300_000)
    }

    @Test func aChildThatIgnoresItsInputDoesNotEndTheCaller() throws {
        let result = try ChildProcess.run("/bin/sh", ["-c", "exec 0<&-; echo done"], input: Array(repeating: 65, count: 1_000_000))
        #expect(result.status == 0)
        #expect(String(decoding: result.standardOutput, as: UTF8.self) == "done\n")
    }

    @Test func aSignalIsReportedAsItsNumber() throws {
        let result = try ChildProcess.run("/bin/sh", ["-c", "kill -TERM $$"])
        #expect(result.status == 15)
    }

    @Test func aMissingProgramIsAnError() {
        #expect(throws: ChildProcess.Failure.self) { try ChildProcess.run("/nonexistent/program", []) }
    }
}
