import XAPI

/// A Statement resource query as SQL over the index tables every backend keeps (`statements`,
/// `statement_agents`, `statement_activities`, `statement_refs`; agents, verbs and activities
/// interned to integer ids). The plan is written once; a backend resolves the keys it names to
/// its ids, runs the SQL it produces (parameters written `?`, in order) and hands back the rows.
///
/// A statement matches when it meets the content filters itself, or when a statement it
/// targets with a StatementRef (directly or along a chain) meets them; time, authority and
/// paging apply to the statement returned. The two sets are read separately, each in storage
/// order and limited, and merged (`page(direct:targeting:)`).
public struct StatementQueryPlan: Sendable {
    /// A value bound to a query parameter.
    public enum Binding: Sendable {
        case integer(Int64)
        case uuid(XAPIUUID)
    }

    /// A condition with the values its parameters take, in order.
    public struct Clause: Sendable {
        public var sql: String
        public var bindings: [Binding]

        public init(_ sql: String, _ bindings: Binding...) {
            self.sql = sql
            self.bindings = bindings
        }

        public init(_ sql: String, _ bindings: [Binding]) {
            self.sql = sql
            self.bindings = bindings
        }
    }

    /// SQL with its parameters' values.
    public struct Command: Sendable {
        public let sql: String
        public let bindings: [Binding]

        public init(sql: String, bindings: [Binding]) {
            self.sql = sql
            self.bindings = bindings
        }
    }

    /// A key a filter names, which the backend turns into its interned id.
    public enum Lookup: Hashable, Sendable {
        case agent(String)
        case verb(String)
        case activity(String)

        /// The SQL that finds the id (one parameter: the key).
        public var sql: String {
            switch self {
            case .agent: "SELECT id FROM agents WHERE ifi = ?"
            case .verb: "SELECT id FROM verbs WHERE iri = ?"
            case .activity: "SELECT id FROM activities WHERE iri = ?"
            }
        }

        public var key: String {
            switch self {
            case .agent(let key), .verb(let key), .activity(let key): key
            }
        }
    }

    /// How the backend's SQL differs: the join that keeps its left side driving the query
    /// (SQLite's `CROSS JOIN`; a plain `JOIN` where the planner chooses).
    public struct Dialect: Sendable {
        public let drivingJoin: String

        public init(drivingJoin: String) {
            self.drivingJoin = drivingJoin
        }
    }

    /// The keys `query`'s filters name (authority included); each must be resolved.
    public static func lookups(_ query: StatementQuery) -> [Lookup] {
        var lookups: [Lookup] = []
        if let agent = query.agent { lookups.append(.agent(agent.storageKey)) }
        if let verb = query.verb { lookups.append(.verb(verb)) }
        if let activity = query.activity { lookups.append(.activity(activity)) }
        if let authority = query.authority { lookups.append(.agent(authority.storageKey)) }
        return lookups
    }

    /// The SQL for the last statement stored at or before a time (one parameter: milliseconds).
    public static let lastSeqStoredAtOrBefore = "SELECT seq FROM statements WHERE stored_ms <= ? ORDER BY stored_ms DESC, seq DESC LIMIT 1"

    /// A link-table filter that can drive the query: rows of `table` with the key, in storage
    /// order.
    private struct Driver: Sendable {
        let table: String
        let clause: Clause
        let position: Int
    }

    private let query: StatementQuery
    private let dialect: Dialect
    /// The content filters as conditions on one `statements` row (written `@`), so that they
    /// apply to a statement or to the statements it targets.
    private var templates: [Clause] = []
    private var driver: Driver?
    private var authorityID: Int64?

    /// The plan for `query` with the ids its `lookups` resolved to; nil when one of them names
    /// something the store has never seen (nothing can match).
    public init?(_ query: StatementQuery, ids: [Lookup: Int64], dialect: Dialect) {
        self.query = query
        self.dialect = dialect
        if let agent = query.agent {
            guard let id = ids[.agent(agent.storageKey)] else { return nil }
            // Without related_agents, only the actor and object roles count.
            addLink("statement_agents", "agent_id", id, roles: query.relatedAgents ? nil : 3)
        }
        if let verb = query.verb {
            guard let id = ids[.verb(verb)] else { return nil }
            templates.append(Clause("@.verb_id = ?", .integer(id)))
        }
        if let activity = query.activity {
            guard let id = ids[.activity(activity)] else { return nil }
            // Without related_activities, only the object role counts.
            addLink("statement_activities", "activity_id", id, roles: query.relatedActivities ? nil : 1)
        }
        if let registration = query.registration {
            templates.append(Clause("@.registration = ?", .uuid(registration)))
        }
        if let authority = query.authority {
            guard let id = ids[.agent(authority.storageKey)] else { return nil }
            authorityID = id
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
        templates.append(Clause("EXISTS (SELECT 1 FROM \(table) WHERE \(column) = ? AND seq = @.seq\(role))", .integer(id)))
    }

    /// The statements that meet the filters themselves, as `source` (naming the statement row
    /// `s`), the column giving their storage order, and the conditions: with an agent or
    /// activity filter, its link table is walked in storage order (its key is (id, seq)), so
    /// that a query can stop at a page's end.
    public var direct: (source: String, seq: String, clauses: [Clause]) {
        guard let driver else { return ("statements s", "s.seq", clauses(on: "s", skippingDriver: false)) }
        return (
            driver.table + " d " + dialect.drivingJoin + " statements s ON s.seq = d.seq", "d.seq",
            [driver.clause] + clauses(on: "s", skippingDriver: true))
    }

    /// The conditions on the `statements` row named `alias`, without the driver's own when the
    /// driver already applies it.
    private func clauses(on alias: String, skippingDriver: Bool) -> [Clause] {
        templates.enumerated().compactMap { position, clause in
            if skippingDriver && position == driver?.position { return nil }
            return Clause(clause.sql.replacing("@.", with: alias + "."), clause.bindings)
        }
    }

    /// The page size asked for, within the store's bounds.
    private var limit: Int { min(max(query.limit, 1), StatementQuery.maximumLimit) }

    /// The queries to run (`targeting` only when there are content filters), given the seq
    /// range the time window became: above `above` and up to `upTo`. Each reads one more row
    /// than a page, to know whether another page follows.
    public func commands(above: Int64?, upTo: Int64?) -> (direct: Command, targeting: Command?) {
        var scope = [Clause("NOT s.voided")]
        if let authorityID { scope.append(Clause("s.authority_id = ?", .integer(authorityID))) }
        func page(from source: String, seq: String, _ clauses: [Clause]) -> Command {
            var clauses = clauses
            if let after = query.after { clauses.append(Clause(seq + (query.ascending ? " > ?" : " < ?"), .integer(after))) }
            if let above { clauses.append(Clause(seq + " > ?", .integer(above))) }
            if let upTo { clauses.append(Clause(seq + " <= ?", .integer(upTo))) }
            return Command(
                sql: "SELECT s.seq, s.body, s.stored_ms FROM " + source + " WHERE " + clauses.map(\.sql).joined(separator: " AND ")
                    + " ORDER BY " + seq + (query.ascending ? " ASC" : " DESC") + " LIMIT ?",
                bindings: clauses.flatMap(\.bindings) + [.integer(Int64(limit + 1))])
        }
        let direct = self.direct
        let directPage = page(from: direct.source, seq: direct.seq, direct.clauses + scope)
        guard !templates.isEmpty else { return (directPage, nil) }
        let reached = clauses(on: "t", skippingDriver: false)
        let targeting = Clause(
            // Statements that reach a match through StatementRefs, directly or along a chain.
            "s.seq IN (WITH RECURSIVE reaching (seq) AS (SELECT r.referrer FROM statement_refs r " + dialect.drivingJoin
                + " statements t ON t.seq = r.target WHERE " + reached.map(\.sql).joined(separator: " AND ")
                + " UNION SELECT r.referrer FROM statement_refs r JOIN reaching ON r.target = reaching.seq) SELECT seq FROM reaching)",
            reached.flatMap(\.bindings))
        return (directPage, page(from: "statements s", seq: "s.seq", scope + [targeting]))
    }

    /// One result row.
    public struct Row: Sendable {
        public let seq: Int64
        public let body: [UInt8]
        public let stored: Int64

        public init(seq: Int64, body: [UInt8], stored: Int64) {
            self.seq = seq
            self.body = body
            self.stored = stored
        }
    }

    /// True while a backend reading rows of a page should read another: past the page's byte
    /// budget, one more row says that more follow and none further is needed.
    public static func wantsMore(afterBytes bytes: Int) -> Bool { bytes <= StatementQuery.maximumPageBytes }

    /// The page the rows of `commands` make: merged in the query's order, cut at the page's
    /// size and byte budget (at least one statement), with where the next page starts.
    public func page(direct: [Row], targeting: [Row]) -> StatementPage {
        var rows = direct
        if !targeting.isEmpty {
            let seen = Set(direct.map(\.seq))
            rows += targeting.filter { !seen.contains($0.seq) }
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
}
