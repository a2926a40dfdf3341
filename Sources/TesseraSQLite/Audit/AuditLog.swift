import TesseraLRS
import TesseraCrypto

/// The audit log (`audit_log`): what was done to the records besides storing statements (so
/// far, erasures), hash-chained the way the statements are.
enum AuditLog {
    /// Appends `entry` as entry `id`, chained to the last one.
    static func append(_ entry: [UInt8], id: Int64, on connection: SQLiteConnection) throws {
        let last = try connection.prepared("SELECT chain FROM audit_log ORDER BY id DESC LIMIT 1")
        let previous = try last.step() ? last.blob(0) : ChainLink.genesis
        last.reset()
        let insert = try connection.prepared("INSERT INTO audit_log (id, entry, chain) VALUES (?, ?, ?)")
        defer { insert.reset() }
        insert.bind(1, id)
        insert.bind(2, entry)
        insert.bind(3, ChainLink.link(previous, Digest.sha256(entry)))
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
}
