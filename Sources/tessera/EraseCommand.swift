import ArgumentParser
import Foundation
import TesseraConsole
import TesseraLRS

/// `tessera erase`: erases a person from a database the server is not running on (with the
/// server running, `DELETE /admin/agents` does the same). docs/audit.md, "Erasure".
struct EraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a person: their statements become tombstones, their documents and attachments go, and the audit log records it.",
        discussion: "On an SQLite file no server may be running: with one running, use DELETE /admin/agents. On PostgreSQL it may run beside the servers.")

    @OptionGroup var database: DatabaseOption

    @Option(help: "The person's Agent, as JSON, e.g. {\"mbox\":\"mailto:ann@example.com\"}.")
    var agent: String

    @Option(help: "Who asks for the erasure, recorded in the audit log (default: \"operator\" and the operating-system user).")
    var requestedBy: String?

    func run() async throws {
        let person = try AgentOption.identifier(agent)
        let who = requestedBy ?? "operator " + Self.userName
        let report = try await database.target().withStore { try await $0.erase(person, requestedBy: who) }
        var output = StandardOutput()
        output.writeLine(
            "erased: \(report.statements) statements (now tombstones), \(report.documents) documents, \(report.attachments) attachments, "
                + "\(report.rosterEntries) roster entries; audit log entry \(report.auditID)")
        output.writeLine(report.entry)
        output.flush()
    }

    /// The operating-system user running the command.
    private static var userName: String {
        Environment.value("USER") ?? getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "unknown"
    }
}
