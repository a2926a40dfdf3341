import ArgumentParser
import TesseraStore

/// `tessera verify`: re-checks the hash chain of a database (docs/audit.md).
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-check the hash chain over every stored statement; say exactly what is wrong, if anything.")

    @Option(help: "Database file (TESSERA_DB), opened read-only: the server may be running.")
    var db: String = Environment.database

    func run() throws {
        let verification = try SQLiteStore.verifyChain(path: db)
        var output = StandardOutput()
        defer { output.flush() }
        guard verification.isIntact else {
            output.writeLine("hash chain BROKEN in \(db): \(verification.problems.count) problem(s)")
            for problem in verification.problems { output.writeLine("  \(problem)") }
            output.flush()
            throw ExitCode(1)
        }
        output.writeLine("hash chain intact: \(verification.statements) statements, head \(verification.head)")
    }
}
