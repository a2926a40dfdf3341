import TesseraCrypto
import XAPI

/// Which stored statements an export holds (all of them by default).
public struct ExportFilter: Sendable {
    /// Stored after this instant (milliseconds), as the Statement resource's `since`.
    public var since: Int64?
    /// Stored at or before this instant (milliseconds), as `until`.
    public var until: Int64?
    /// Statements whose actor or object is this Agent.
    public var agent: InverseFunctionalIdentifier?
    public var verb: String?
    /// Statements whose object is this activity.
    public var activity: String?
    public var registration: XAPIUUID?
    /// Voided statements too (marked in each record).
    public var includeVoided = true

    public init() {}
}

/// One statement of an export: its place in the chain and its stored bytes.
public struct ExportRecord: Sendable {
    public let seq: Int64
    /// The chain value after this statement.
    public let chain: [UInt8]
    /// SHA-256 of `body`, as chained.
    public let content: [UInt8]
    public let voided: Bool
    /// The statement exactly as stored.
    public let body: [UInt8]

    /// The record as an NDJSON line, newline included:
    /// `{"seq":…,"chain":"…","content":"…","voided":…,"statement":<the stored bytes>}`. The
    /// statement is embedded verbatim, so a verifier can take its exact bytes.
    public var line: [UInt8] {
        var line = Array(#"{"seq":\#(seq),"chain":"\#(Digest.hex(chain))","content":"\#(Digest.hex(content))","voided":\#(voided),"statement":"#.utf8)
        line.append(contentsOf: body)
        line.append(contentsOf: Array("}\n".utf8))
        return line
    }
}

/// Reads export records straight from a database file, read-only: `tessera export` runs beside
/// a running server.
public final class ExportReader {
    private let connection: SQLiteConnection

    public init(path: String) throws {
        connection = try SQLiteConnection(path: path, mode: .readOnly)
    }

    /// The seq of the last stored statement (0 for none).
    public func lastSeq() throws -> Int64 {
        try ExportQuery.lastSeq(on: connection)
    }

    /// Up to `limit` records with seq in (after, through] that `filter` admits, in storage order.
    public func records(after: Int64, through: Int64, filter: ExportFilter, limit: Int) throws -> [ExportRecord] {
        try ExportQuery.records(after: after, through: through, filter: filter, limit: limit, on: connection)
    }
}

enum ExportQuery {
    /// The last stored statement's seq (0 for none).
    static func lastSeq(on connection: SQLiteConnection) throws -> Int64 {
        try connection.scalar("SELECT COALESCE(MAX(seq), 0) FROM statements") ?? 0
    }

    /// Up to `limit` records with seq in (after, through] that `filter` admits, in storage order.
    static func records(
        after: Int64, through: Int64, filter: ExportFilter, limit: Int, on connection: SQLiteConnection
    ) throws -> [ExportRecord] {
        // Unknown agent, verb or activity: nothing matches (an id that no row has).
        func id(_ value: String?, _ table: String, _ column: String) throws -> Int64? {
            guard let value else { return nil }
            let select = try connection.prepared("SELECT id FROM \(table) WHERE \(column) = ?")
            select.bind(1, value)
            defer { select.reset() }
            return try select.step() ? select.int64(0) : -1
        }
        let select = try connection.prepared("""
            SELECT s.seq, c.chain, c.content, s.voided, s.body FROM statements s JOIN statement_chain c ON c.seq = s.seq
            WHERE s.seq > ?1 AND s.seq <= ?2 AND (?3 IS NULL OR s.stored_ms > ?3) AND (?4 IS NULL OR s.stored_ms <= ?4)
                AND (?5 = 1 OR s.voided = 0) AND (?6 IS NULL OR s.verb_id = ?6) AND (?7 IS NULL OR s.object_activity_id = ?7)
                AND (?8 IS NULL OR s.registration = ?8)
                AND (?9 IS NULL OR EXISTS (SELECT 1 FROM statement_agents a WHERE a.agent_id = ?9 AND a.seq = s.seq AND a.role & 3 != 0))
            ORDER BY s.seq LIMIT ?10
            """)
        select.bind(1, after)
        select.bind(2, through)
        select.bind(3, filter.since)
        select.bind(4, filter.until)
        select.bind(5, Int64(filter.includeVoided ? 1 : 0))
        select.bind(6, try id(filter.verb, "verbs", "iri"))
        select.bind(7, try id(filter.activity, "activities", "iri"))
        select.bind(8, filter.registration)
        select.bind(9, try id(filter.agent?.storageKey, "agents", "ifi"))
        select.bind(10, Int64(limit))
        defer { select.reset() }
        var records: [ExportRecord] = []
        while try select.step() {
            records.append(ExportRecord(
                seq: select.int64(0), chain: select.blob(1), content: select.blob(2), voided: select.int64(3) == 1, body: select.blob(4)))
        }
        return records
    }
}
