import XAPI

/// Turns a `StatementQuery` into SQL over the narrow index tables (bound parameters only).
enum StatementQueryEngine {
    /// Runs `query` on a read connection.
    static func run(_ query: StatementQuery, on connection: SQLiteConnection) throws -> StatementPage {
        var conditions = ["s.voided = 0"]
        var parameters: [Int64] = []
        if let agent = query.agent {
            guard let id = try lookup(connection, "SELECT id FROM agents WHERE ifi = ?", agent.storageKey) else {
                return .empty
            }
            if query.relatedAgents {
                conditions.append("s.seq IN (SELECT seq FROM statement_agents WHERE agent_id = ?)")
                parameters.append(id)
            } else {
                conditions.append("(s.actor_id = ? OR s.object_agent_id = ?)")
                parameters += [id, id]
            }
        }
        if let authority = query.authority {
            guard let id = try lookup(connection, "SELECT id FROM agents WHERE ifi = ?", authority.storageKey) else {
                return .empty
            }
            conditions.append("s.authority_id = ?")
            parameters.append(id)
        }
        if let verb = query.verb {
            guard let id = try lookup(connection, "SELECT id FROM verbs WHERE iri = ?", verb) else {
                return .empty
            }
            conditions.append("s.verb_id = ?")
            parameters.append(id)
        }
        if let activity = query.activity {
            guard let id = try lookup(connection, "SELECT id FROM activities WHERE iri = ?", activity) else {
                return .empty
            }
            if query.relatedActivities {
                conditions.append("s.seq IN (SELECT seq FROM statement_activities WHERE activity_id = ?)")
            } else {
                conditions.append("s.object_activity_id = ?")
            }
            parameters.append(id)
        }
        if let since = query.since {
            conditions.append("s.stored_ms > ?")
            parameters.append(since.milliseconds)
        }
        if let until = query.until {
            conditions.append("s.stored_ms <= ?")
            parameters.append(until.milliseconds)
        }
        if let after = query.after {
            conditions.append(query.ascending ? "s.seq > ?" : "s.seq < ?")
            parameters.append(after)
        }
        let limit = min(max(query.limit, 1), StatementQuery.maximumLimit)
        let registrationCondition = query.registration == nil ? "" : " AND s.registration = ?"
        let sql = "SELECT s.seq, s.body, s.stored_ms FROM statements s WHERE " + conditions.joined(separator: " AND ")
            + registrationCondition + " ORDER BY s.seq " + (query.ascending ? "ASC" : "DESC") + " LIMIT ?"
        let statement = try connection.prepared(sql)
        var index: Int32 = 1
        for parameter in parameters {
            statement.bind(index, parameter)
            index += 1
        }
        if let registration = query.registration {
            statement.bind(index, registration)
            index += 1
        }
        // One more than the page, to know whether another page follows.
        statement.bind(index, Int64(limit + 1))
        var bodies: [[UInt8]] = []
        var lastSeq: Int64?
        var latestStored: Int64?
        var hasMore = false
        while try statement.step() {
            // The row past the page only says that another page follows.
            if bodies.count == limit {
                hasMore = true
                break
            }
            lastSeq = statement.int64(0)
            bodies.append(statement.blob(1))
            latestStored = max(latestStored ?? .min, statement.int64(2))
        }
        return StatementPage(
            statements: bodies, next: hasMore ? lastSeq : nil, lastStored: latestStored.map(XAPITimestamp.init(milliseconds:)))
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
