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

/// Where export records come from: the server's readers (`SQLiteStore`) or a read-only
/// connection of its own (`ExportReader`).
public protocol ExportSource {
    /// The seq of the last stored statement (0 for none).
    func lastStoredSeq() throws -> Int64
    /// Up to `limit` records with seq in (after, through] that `filter` admits, in storage order.
    func exportRecords(after: Int64, through: Int64, filter: ExportFilter, limit: Int) throws -> [ExportRecord]
}

/// Reads export records straight from a database file, read-only: `tessera export` runs beside
/// a running server.
public final class ExportReader: ExportSource {
    private let connection: SQLiteConnection

    public init(path: String) throws {
        connection = try SQLiteConnection(path: path, mode: .readOnly)
    }

    public func lastStoredSeq() throws -> Int64 {
        try ExportQuery.lastSeq(on: connection)
    }

    public func exportRecords(after: Int64, through: Int64, filter: ExportFilter, limit: Int) throws -> [ExportRecord] {
        try ExportQuery.records(after: after, through: through, filter: filter, limit: limit, on: connection)
    }
}

/// Walks an export chunk by chunk in storage order, up to the last statement stored when it
/// began (so the export is a consistent prefix of the chain), in constant memory.
public struct ExportCursor<Source: ExportSource> {
    /// Records read at a time.
    public static var chunkSize: Int { 1_000 }

    private let source: Source
    private let filter: ExportFilter
    /// The last seq the export covers.
    public let through: Int64
    private var after: Int64 = 0
    private var finished = false

    /// A cursor over what `source` holds now that `filter` admits.
    public init(_ source: Source, filter: ExportFilter) throws {
        self.source = source
        self.filter = filter
        through = try source.lastStoredSeq()
    }

    /// The next chunk, or nil when the export is complete.
    public mutating func next() throws -> [ExportRecord]? {
        guard !finished else { return nil }
        let records = try source.exportRecords(after: after, through: through, filter: filter, limit: Self.chunkSize)
        finished = records.count < Self.chunkSize
        guard let last = records.last else { return nil }
        after = last.seq
        return records
    }
}

extension ExportCursor: Sendable where Source: Sendable {}

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
