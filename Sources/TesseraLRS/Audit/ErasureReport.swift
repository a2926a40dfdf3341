import TesseraCrypto
import XAPI

/// What one erasure removed, as recorded in the audit log.
public struct ErasureReport: Sendable, Equatable {
    /// The audit log entry that records it.
    public let auditID: Int64
    /// When it was done (RFC 3339).
    public let at: String
    /// SHA-256 of the person's agent key, hexadecimal: the only trace of who it was.
    public let subject: String
    /// Statements replaced by tombstones.
    public let statements: Int
    /// State and Agent Profile documents deleted.
    public let documents: Int
    /// Attachment contents deleted (those no remaining statement refers to).
    public let attachments: Int
    /// Roster entries deleted (0 or 1).
    public let rosterEntries: Int
    /// Who asked for it (a credential or an operator).
    public let requestedBy: String

    /// Creates a report.
    public init(
        auditID: Int64, at: String, subject: String, statements: Int, documents: Int, attachments: Int, rosterEntries: Int,
        requestedBy: String
    ) {
        self.auditID = auditID
        self.at = at
        self.subject = subject
        self.statements = statements
        self.documents = documents
        self.attachments = attachments
        self.rosterEntries = rosterEntries
        self.requestedBy = requestedBy
    }

    /// The SHA-256 (hexadecimal) that names the person with this agent key in the audit log.
    public static func subject(agentKey: String) -> String {
        Digest.hex(Digest.sha256(Array(agentKey.utf8)))
    }

    /// The audit log's name for `agent`.
    public static func subject(_ agent: InverseFunctionalIdentifier) -> String {
        subject(agentKey: agent.storageKey)
    }

    /// The audit log entry that records it (JSON): `{"id","at","action":"erase-agent",
    /// "requestedBy","subject","statements","documents","attachments","rosterEntries"}`.
    public var entry: [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key("id"); writer.number(String(auditID))
        writer.key("at"); writer.string(at)
        writer.key("action"); writer.string("erase-agent")
        writer.key("requestedBy"); writer.string(requestedBy)
        writer.key("subject"); writer.string(subject)
        writer.key("statements"); writer.number(String(statements))
        writer.key("documents"); writer.number(String(documents))
        writer.key("attachments"); writer.number(String(attachments))
        writer.key("rosterEntries"); writer.number(String(rosterEntries))
        writer.endObject()
        return writer.bytes
    }
}
