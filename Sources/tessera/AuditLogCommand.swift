import ArgumentParser
import TesseraConsole
import TesseraLRS
import TesseraSQLite

/// `tessera audit-log`: the audit log as NDJSON, as `GET /export/audit-log` returns it
/// (docs/audit.md).
struct AuditLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit-log",
        abstract: "Print the audit log (erasures), one hash-chained entry per line.",
        discussion: "The database is opened read-only: the server may be running.")

    @OptionGroup var database: DatabaseOption

    @Option(help: "Only the entries about this Agent (JSON): the log names people by a hash only, so this is how to find one.")
    var agent: String?

    func run() throws {
        let subject = try agent.map { Array(#""subject":"\#(ErasureReport.subject(try AgentOption.identifier($0)))""#.utf8) }
        var output = StandardOutput()
        for entry in try ReadOnlyStore(path: database.sqlitePath()).auditLog() {
            if let subject, !entry.entry.contains(subject) { continue }
            output.writeLine(Array(entry.line.dropLast()))
        }
        output.flush()
    }
}
