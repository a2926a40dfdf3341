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

    /// Up to `limit` records with seq in (after, through] that `filter` admits, in storage
    /// order. The agent, verb, activity and registration filters are the Statement resource's
    /// (`StatementQueryEngine.ContentFilters`), applied to each statement itself.
    static func records(
        after: Int64, through: Int64, filter: ExportFilter, limit: Int, on connection: SQLiteConnection
    ) throws -> [ExportRecord] {
        typealias Clause = StatementQueryEngine.Clause
        var content = StatementQuery()
        content.agent = filter.agent
        content.verb = filter.verb
        content.activity = filter.activity
        content.registration = filter.registration
        // Nil when a filter names an agent, verb or activity never stored: nothing matches.
        guard let filters = try StatementQueryEngine.ContentFilters(content, on: connection) else { return [] }
        let direct = filters.direct
        var clauses = direct.clauses + [Clause(direct.seq + " > ?", .integer(after)), Clause(direct.seq + " <= ?", .integer(through))]
        if let since = filter.since { clauses.append(Clause("s.stored_ms > ?", .integer(since))) }
        if let until = filter.until { clauses.append(Clause("s.stored_ms <= ?", .integer(until))) }
        if !filter.includeVoided { clauses.append(Clause("s.voided = 0")) }
        let select = try StatementQueryEngine.prepared(
            "SELECT s.seq, c.chain, c.content, s.voided, s.body FROM " + direct.source
                + " JOIN statement_chain c ON c.seq = s.seq WHERE " + clauses.map(\.sql).joined(separator: " AND ")
                + " ORDER BY " + direct.seq + " LIMIT ?",
            clauses.flatMap(\.bindings) + [.integer(Int64(limit))], on: connection)
        defer { select.reset() }
        var records: [ExportRecord] = []
        while try select.step() {
            records.append(ExportRecord(
                seq: select.int64(0), chain: select.blob(1), content: select.blob(2), voided: select.int64(3) == 1, body: select.blob(4)))
        }
        return records
    }
}
