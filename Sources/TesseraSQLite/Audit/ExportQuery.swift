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
        let select = try StatementQueryEngine.prepared(
            ExportFilter.tombstoneRecordsSQL,
            [.integer(after), .integer(through), .integer(filter.since ?? Int64.min), .integer(filter.until ?? Int64.max), .integer(Int64(limit))],
            on: connection)
        defer { select.reset() }
        var records: [ExportRecord] = []
        while try select.step() {
            records.append(ExportRecord(
                seq: select.int64(0), chain: select.blob(1), content: select.blob(2), voided: false, body: nil, erasure: select.int64(3)))
        }
        return records
    }

    /// Up to `limit` stored statements' records with seq in (after, through] that `filter`
    /// admits, in storage order (`ExportFilter.storedRecordsCommand`).
    private static func storedRecords(
        after: Int64, through: Int64, filter: ExportFilter, limit: Int, on connection: SQLiteConnection
    ) throws -> [ExportRecord] {
        // Nil when a filter names an agent, verb or activity never stored: nothing matches.
        guard let plan = try StatementQueryEngine.plan(filter.contentQuery, on: connection) else { return [] }
        let command = filter.storedRecordsCommand(plan: plan, after: after, through: through, limit: limit)
        let select = try StatementQueryEngine.prepared(command.sql, command.bindings, on: connection)
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
