import TesseraCrypto

/// One audit log entry: the JSON that records what was done, and its place in the log's hash
/// chain.
public struct AuditEntry: Sendable {
    public let id: Int64
    /// The entry as recorded (a JSON object).
    public let entry: [UInt8]
    /// SHA-256(previous chain ‖ SHA-256(entry)), from 32 zero bytes.
    public let chain: [UInt8]

    /// The entry as an NDJSON line, newline included: `{"chain":"…","entry":{…}}`.
    public var line: [UInt8] {
        Array(#"{"chain":"\#(Digest.hex(chain))","entry":"#.utf8) + entry + Array("}\n".utf8)
    }
}

/// The audit log (`audit_log`): what was done to the records besides storing statements (so
/// far, erasures), hash-chained the way the statements are.
enum AuditLog {
    /// Appends `entry` as entry `id`, chained to the last one.
    static func append(_ entry: [UInt8], id: Int64, on connection: SQLiteConnection) throws {
        let last = try connection.prepared("SELECT chain FROM audit_log ORDER BY id DESC LIMIT 1")
        let previous = try last.step() ? last.blob(0) : StatementChain.genesis
        last.reset()
        let insert = try connection.prepared("INSERT INTO audit_log (id, entry, chain) VALUES (?, ?, ?)")
        defer { insert.reset() }
        insert.bind(1, id)
        insert.bind(2, entry)
        insert.bind(3, StatementChain.link(previous, Digest.sha256(entry)))
        try insert.step()
    }

    /// Every entry, in order.
    static func entries(on connection: SQLiteConnection) throws -> [AuditEntry] {
        let select = try connection.prepared("SELECT id, entry, chain FROM audit_log ORDER BY id")
        defer { select.reset() }
        var entries: [AuditEntry] = []
        while try select.step() { entries.append(AuditEntry(id: select.int64(0), entry: select.blob(1), chain: select.blob(2))) }
        return entries
    }

    /// The ids of entries whose chain value does not follow from the previous one and their
    /// entry (the log was edited).
    static func brokenLinks(on connection: SQLiteConnection) throws -> [Int64] {
        var previous = StatementChain.genesis
        var broken: [Int64] = []
        for entry in try entries(on: connection) {
            if StatementChain.link(previous, Digest.sha256(entry.entry)) != entry.chain { broken.append(entry.id) }
            previous = entry.chain
        }
        return broken
    }
}
