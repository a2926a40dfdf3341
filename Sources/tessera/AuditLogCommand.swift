import ArgumentParser
import TesseraConsole
import TesseraLRS

/// `tessera audit-log`: the audit log as NDJSON, as `GET /export/audit-log` returns it
/// (docs/audit.md).
struct AuditLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit-log",
        abstract: "Print the audit log (erasures), one hash-chained entry per line.",
        discussion: "The database is opened read-only: the server may be running.")

    @OptionGroup var database: DatabaseOption

    @Option(help: "Only the entries about this Agent (JSON): the log names people by a hash only, so this is how to find one.")
    var agent: String?

    func run() async throws {
        let subject = try agent.map { Array(#""subject":"\#(ErasureReport.subject(try AgentOption.identifier($0)))""#.utf8) }
        var output = StandardOutput()
        for entry in try await database.target().withReadingStore({ try await $0.auditLog() }) {
            if let subject, !entry.entry.contains(subject) { continue }
            output.writeLine(Array(entry.line.dropLast()))
        }
        output.flush()
    }
}
