import TesseraLRS
import XAPI

/// Runs `StatementQueryPlan`s on SQLite connections.
enum StatementQueryEngine {
    static let dialect = StatementQueryPlan.Dialect(drivingJoin: "CROSS JOIN")

    /// The plan for `query`, its keys looked up on `connection`; nil when nothing can match.
    static func plan(_ query: StatementQuery, on connection: SQLiteConnection) throws -> StatementQueryPlan? {
        var ids: [StatementQueryPlan.Lookup: Int64] = [:]
        for lookup in StatementQueryPlan.lookups(query) {
            guard let id = try self.lookup(connection, lookup.sql, lookup.key) else { return nil }
            ids[lookup] = id
        }
        return StatementQueryPlan(query, ids: ids, dialect: dialect)
    }

    /// Runs `query` on a read connection (`StatementQueryPlan`).
    static func run(_ query: StatementQuery, on connection: SQLiteConnection) throws -> StatementPage {
        guard let plan = try plan(query, on: connection) else { return .empty }
        // `stored` never decreases along `seq`, so a time window is a range of seq, found with
        // two index look-ups: every window costs the same wherever it lies.
        var above: Int64?, upTo: Int64?
        if let since = query.since { above = try lastSeq(storedAtOrBefore: since, on: connection) ?? 0 }
        if let until = query.until {
            guard let last = try lastSeq(storedAtOrBefore: until, on: connection) else { return .empty }
            upTo = last
        }
        let commands = plan.commands(above: above, upTo: upTo)
        return plan.page(direct: try fetch(commands.direct, on: connection), targeting: try commands.targeting.map { try fetch($0, on: connection) } ?? [])
    }

    /// The last statement stored at or before `time` (nil: none was).
    private static func lastSeq(storedAtOrBefore time: XAPITimestamp, on connection: SQLiteConnection) throws -> Int64? {
        let statement = try connection.prepared(StatementQueryPlan.lastSeqStoredAtOrBefore)
        statement.bind(1, time.milliseconds)
        defer { statement.reset() }
        return try statement.step() ? statement.int64(0) : nil
    }

    /// `sql` prepared with `bindings` bound to its parameters in order.
    static func prepared(_ sql: String, _ bindings: [StatementQueryPlan.Binding], on connection: SQLiteConnection) throws -> SQLiteStatement {
        let statement = try connection.prepared(sql)
        for (offset, binding) in bindings.enumerated() {
            switch binding {
            case .integer(let value): statement.bind(Int32(offset + 1), value)
            case .uuid(let value): statement.bind(Int32(offset + 1), value)
            }
        }
        return statement
    }

    private static func fetch(_ command: StatementQueryPlan.Command, on connection: SQLiteConnection) throws -> [StatementQueryPlan.Row] {
        let statement = try prepared(command.sql, command.bindings, on: connection)
        var rows: [StatementQueryPlan.Row] = []
        var bytes = 0
        while StatementQueryPlan.wantsMore(afterBytes: bytes), try statement.step() {
            let row = StatementQueryPlan.Row(seq: statement.int64(0), body: statement.blob(1), stored: statement.int64(2))
            bytes += row.body.count
            rows.append(row)
        }
        return rows
    }

    /// The stored body of one statement by id: a voided one only when `voided` is true, and
    /// then only if it is voided; with `authority`, only if stored under that authority.
    static func statement(
        id: XAPIUUID, voided: Bool, authority: InverseFunctionalIdentifier?, on connection: SQLiteConnection
    ) throws -> StoredStatement? {
        let statement = try connection.prepared("""
            SELECT s.body, s.stored_ms FROM statements s LEFT JOIN agents a ON a.id = s.authority_id
            WHERE s.id = ? AND s.voided = ? AND (? IS NULL OR a.ifi = ?)
            """)
        statement.bind(1, id)
        statement.bind(2, Int64(voided ? 1 : 0))
        statement.bind(3, authority?.storageKey)
        statement.bind(4, authority?.storageKey)
        guard try statement.step() else { return nil }
        return StoredStatement(body: statement.blob(0), stored: XAPITimestamp(milliseconds: statement.int64(1)))
    }

    private static func lookup(_ connection: SQLiteConnection, _ sql: String, _ key: String) throws -> Int64? {
        let statement = try connection.prepared(sql)
        statement.bind(1, key)
        return try statement.step() ? statement.int64(0) : nil
    }
}
