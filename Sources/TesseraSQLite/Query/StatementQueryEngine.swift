import TesseraLRS
import XAPI

/// Turns a `StatementQuery` into SQL over the narrow index tables (bound parameters only).
enum StatementQueryEngine {
    /// Runs `query` on a read connection.
    ///
    /// A statement matches when it meets the content filters itself, or when a statement it
    /// targets with a StatementRef (directly or along a chain) meets them; time, authority and
    /// paging apply to the statement returned. The two sets are read separately, each in
    /// storage order and limited, and merged.
    /// The last statement stored at or before `time` (nil: none was).
    private static func lastSeq(storedAtOrBefore time: XAPITimestamp, on connection: SQLiteConnection) throws -> Int64? {
        let statement = try connection.prepared("SELECT seq FROM statements WHERE stored_ms <= ? ORDER BY stored_ms DESC, seq DESC LIMIT 1")
        statement.bind(1, time.milliseconds)
        defer { statement.reset() }
        return try statement.step() ? statement.int64(0) : nil
    }

    static func run(_ query: StatementQuery, on connection: SQLiteConnection) throws -> StatementPage {
        guard let content = try ContentFilters(query, on: connection) else { return .empty }
        var scope = [Clause("s.voided = 0")]
        if let authority = query.authority {
            guard let id = try lookup(connection, "SELECT id FROM agents WHERE ifi = ?", authority.storageKey) else {
                return .empty
            }
            scope.append(Clause("s.authority_id = ?", .integer(id)))
        }
        // `stored` never decreases along `seq`, so a time window is a range of seq, found with
        // two index look-ups: every window costs the same wherever it lies.
        var seqRange: (above: Int64?, upTo: Int64?) = (nil, nil)
        if let since = query.since { seqRange.above = try lastSeq(storedAtOrBefore: since, on: connection) ?? 0 }
        if let until = query.until {
            guard let upTo = try lastSeq(storedAtOrBefore: until, on: connection) else { return .empty }
            seqRange.upTo = upTo
        }
        let limit = min(max(query.limit, 1), StatementQuery.maximumLimit)
        // One more than the page, to know whether another page follows.
        func page(from source: String, seq: String, _ clauses: [Clause]) throws -> [Row] {
            var clauses = clauses
            if let after = query.after { clauses.append(Clause(seq + (query.ascending ? " > ?" : " < ?"), .integer(after))) }
            if let above = seqRange.above { clauses.append(Clause(seq + " > ?", .integer(above))) }
            if let upTo = seqRange.upTo { clauses.append(Clause(seq + " <= ?", .integer(upTo))) }
            let sql = "SELECT s.seq, s.body, s.stored_ms FROM " + source + " WHERE "
                + clauses.map(\.sql).joined(separator: " AND ")
                + " ORDER BY " + seq + (query.ascending ? " ASC" : " DESC") + " LIMIT ?"
            return try fetch(connection, sql, clauses.flatMap(\.bindings) + [.integer(Int64(limit + 1))])
        }
        let direct = content.direct
        var rows = try page(from: direct.source, seq: direct.seq, direct.clauses + scope)
        if !content.isEmpty {
            let reached = content.clauses(on: "t", skippingDriver: false)
            let targeting = Clause(
                // Statements that reach a match through StatementRefs, directly or along a chain.
                "s.seq IN (WITH RECURSIVE reaching (seq) AS (SELECT r.referrer FROM statement_refs r CROSS JOIN statements t ON t.seq = r.target WHERE "
                    + reached.map(\.sql).joined(separator: " AND ")
                    + " UNION SELECT r.referrer FROM statement_refs r JOIN reaching ON r.target = reaching.seq) SELECT seq FROM reaching)",
                reached.flatMap(\.bindings))
            let direct = Set(rows.map(\.seq))
            rows += try page(from: "statements s", seq: "s.seq", scope + [targeting]).filter { !direct.contains($0.seq) }
            rows.sort { query.ascending ? $0.seq < $1.seq : $0.seq > $1.seq }
        }
        var shownCount = 0, bytes = 0
        for row in rows.prefix(limit) {
            bytes += row.body.count
            if shownCount > 0 && bytes > StatementQuery.maximumPageBytes { break }
            shownCount += 1
        }
        let hasMore = rows.count > shownCount
        let shown = rows.prefix(shownCount)
        return StatementPage(
            statements: shown.map(\.body), next: hasMore ? shown.last?.seq : nil,
            lastStored: shown.map(\.stored).max().map(XAPITimestamp.init(milliseconds:)))
    }

    /// A value bound to a query parameter.
    enum Binding {
        case integer(Int64)
        case uuid(XAPIUUID)
    }

    /// A condition with the values its parameters take, in order.
    struct Clause {
        var sql: String
        var bindings: [Binding]

        init(_ sql: String, _ bindings: Binding...) {
            self.sql = sql
            self.bindings = bindings
        }

        init(_ sql: String, _ bindings: [Binding]) {
            self.sql = sql
            self.bindings = bindings
        }
    }

    /// One result row.
    private struct Row {
        let seq: Int64
        let body: [UInt8]
        let stored: Int64
    }

    /// The filters on what a statement says (agent, verb, activity, registration), as SQL
    /// conditions on one `statements` row (written `@`), so they can be applied to a statement
    /// or to the statements it targets.
    struct ContentFilters {
        /// A link-table filter that can drive the query: rows of `table` with the key, in
        /// storage order.
        struct Driver {
            let table: String
            let clause: Clause
            let position: Int
        }

        private var templates: [Clause] = []
        private(set) var driver: Driver?

        var isEmpty: Bool { templates.isEmpty }

        /// The filters of `query`; nil when one names an agent, verb or activity the store has
        /// never seen (nothing can match).
        init?(_ query: StatementQuery, on connection: SQLiteConnection) throws {
            if let agent = query.agent {
                guard let id = try lookup(connection, "SELECT id FROM agents WHERE ifi = ?", agent.storageKey) else {
                    return nil
                }
                // Without related_agents, only the actor and object roles count.
                addLink("statement_agents", "agent_id", id, roles: query.relatedAgents ? nil : 3)
            }
            if let verb = query.verb {
                guard let id = try lookup(connection, "SELECT id FROM verbs WHERE iri = ?", verb) else { return nil }
                templates.append(Clause("@.verb_id = ?", .integer(id)))
            }
            if let activity = query.activity {
                guard let id = try lookup(connection, "SELECT id FROM activities WHERE iri = ?", activity) else {
                    return nil
                }
                // Without related_activities, only the object role counts.
                addLink("statement_activities", "activity_id", id, roles: query.relatedActivities ? nil : 1)
            }
            if let registration = query.registration {
                templates.append(Clause("@.registration = ?", .uuid(registration)))
            }
        }

        /// A filter on a link table; with `roles`, only rows with one of those role bits.
        private mutating func addLink(_ table: String, _ column: String, _ id: Int64, roles: Int64?) {
            let role = roles.map { " AND role & \($0) != 0" } ?? ""
            if driver == nil {
                driver = Driver(
                    table: table, clause: Clause("d.\(column) = ?\(role.replacing("role", with: "d.role"))", .integer(id)),
                    position: templates.count)
            }
            templates.append(Clause(
                "EXISTS (SELECT 1 FROM \(table) WHERE \(column) = ? AND seq = @.seq\(role))", .integer(id)))
        }

        /// The statements that meet the filters themselves, as `source` (naming the statement
        /// row `s`), the column giving their storage order, and the conditions: with an agent or
        /// activity filter, its link table is walked in storage order (its key is (id, seq)), so
        /// that a query can stop at a page's end.
        var direct: (source: String, seq: String, clauses: [Clause]) {
            guard let driver else { return ("statements s", "s.seq", clauses(on: "s", skippingDriver: false)) }
            return (
                driver.table + " d CROSS JOIN statements s ON s.seq = d.seq", "d.seq",
                [driver.clause] + clauses(on: "s", skippingDriver: true))
        }

        /// The conditions on the `statements` row named `alias`, without the driver's own when
        /// the driver already applies it.
        func clauses(on alias: String, skippingDriver: Bool) -> [Clause] {
            templates.enumerated().compactMap { position, clause in
                if skippingDriver && position == driver?.position { return nil }
                return Clause(clause.sql.replacing("@.", with: alias + "."), clause.bindings)
            }
        }
    }

    /// `sql` prepared with `bindings` bound to its parameters in order.
    static func prepared(_ sql: String, _ bindings: [Binding], on connection: SQLiteConnection) throws -> SQLiteStatement {
        let statement = try connection.prepared(sql)
        for (offset, binding) in bindings.enumerated() {
            switch binding {
            case .integer(let value): statement.bind(Int32(offset + 1), value)
            case .uuid(let value): statement.bind(Int32(offset + 1), value)
            }
        }
        return statement
    }

    private static func fetch(_ connection: SQLiteConnection, _ sql: String, _ bindings: [Binding]) throws -> [Row] {
        let statement = try prepared(sql, bindings, on: connection)
        var rows: [Row] = []
        var bytes = 0
        // Past the page's byte budget, one more row says that more follow; none further is read.
        while bytes <= StatementQuery.maximumPageBytes, try statement.step() {
            let row = Row(seq: statement.int64(0), body: statement.blob(1), stored: statement.int64(2))
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
