import TesseraLRS
import XAPI

enum ExportQuery {
    /// The last stored statement's seq (0 for none), erased or not.
    static func lastSeq(on connection: SQLiteConnection) throws -> Int64 {
        try connection.scalar("SELECT COALESCE(MAX(seq), 0) FROM statement_chain") ?? 0
    }

    /// Up to `limit` records with seq in (after, through] that `filter` admits, in storage
    /// order: statements, and the tombstones of erased ones unless the filter looks into
    /// content.
    static func records(
        after: Int64, through: Int64, filter: ExportFilter, limit: Int, on connection: SQLiteConnection
    ) throws -> [ExportRecord] {
        let statements = try storedRecords(after: after, through: through, filter: filter, limit: limit, on: connection)
        guard !filter.filtersContent else { return statements }
        let tombstones = try tombstoneRecords(after: after, through: through, filter: filter, limit: limit, on: connection)
        guard !tombstones.isEmpty else { return statements }
        return Array((statements + tombstones).sorted { $0.seq < $1.seq }.prefix(limit))
    }

    /// The tombstones of erased statements with seq in (after, through], stored in the
    /// filter's time range.
    private static func tombstoneRecords(
        after: Int64, through: Int64, filter: ExportFilter, limit: Int, on connection: SQLiteConnection
    ) throws -> [ExportRecord] {
        let select = try connection.prepared("""
            SELECT e.seq, c.chain, c.content, e.erasure FROM erased_statements e JOIN statement_chain c ON c.seq = e.seq
            WHERE e.seq > ?1 AND e.seq <= ?2 AND e.stored_ms > ?3 AND e.stored_ms <= ?4 ORDER BY e.seq LIMIT ?5
            """)
        defer { select.reset() }
        select.bind(1, after)
        select.bind(2, through)
        select.bind(3, filter.since ?? Int64.min)
        select.bind(4, filter.until ?? Int64.max)
        select.bind(5, Int64(limit))
        var records: [ExportRecord] = []
        while try select.step() {
            records.append(ExportRecord(
                seq: select.int64(0), chain: select.blob(1), content: select.blob(2), voided: false, body: nil, erasure: select.int64(3)))
        }
        return records
    }

    /// Up to `limit` stored statements' records with seq in (after, through] that `filter`
    /// admits, in storage order. The agent, verb, activity and registration filters are the
    /// Statement resource's (`StatementQueryEngine.ContentFilters`), applied to each statement
    /// itself.
    private static func storedRecords(
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
                seq: select.int64(0), chain: select.blob(1), content: select.blob(2), voided: select.int64(3) == 1, body: select.blob(4),
                erasure: nil))
        }
        return records
    }
}
