import TesseraLRS
import XAPI

/// Erases a person from the store, in the writer's transaction (docs/audit.md "Erasure"):
/// every statement that mentions them anywhere (`statement_agents`: actor, object, instructor,
/// team, group member, authority, context agents, sub-statements) becomes a tombstone that
/// keeps its chain row; their State and Agent Profile documents, attachment content left
/// without a statement, and their roster entry are deleted; the agent's row keeps its id but
/// loses its identifier; the erasure is appended to the audit log.
enum Erasure {
    /// Erases the person with `agentKey`. `forget` removes a statement's analytics facts while
    /// it is still stored.
    static func erase(
        agentKey: String, requestedBy: String, at time: XAPITimestamp, on connection: SQLiteConnection,
        forget: (Int64) throws -> Void
    ) throws -> ErasureReport {
        let auditID = (try connection.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM audit_log")) ?? 1
        let same = ErasureSubject(agentKey)
        let agentIDs = try rows("SELECT id FROM agents WHERE " + same.condition(on: "ifi"), same.keys, on: connection) { $0.int64(0) }
        var statements = 0
        var candidates = Set<String>()
        var mentioning = Set<Int64>()
        for agentID in agentIDs {
            mentioning.formUnion(try rows("SELECT seq FROM statement_agents WHERE agent_id = ?1", [agentID], on: connection) { $0.int64(0) })
        }
        for seq in mentioning.sorted() {
            try forget(seq)
            candidates.formUnion(try rows("SELECT sha2 FROM statement_attachments WHERE seq = ?1", [seq], on: connection) { $0.text(0) })
            try tombstone(seq, erasure: auditID, on: connection)
            statements += 1
        }
        for agentID in agentIDs {
            // The id stays taken (facts and caches may still name it); the identifier goes.
            try run("UPDATE agents SET ifi = 'erased' || char(31) || id WHERE id = ?1", agentID, on: connection)
        }
        var attachments = 0
        for sha2 in candidates.sorted() {
            try run(
                "DELETE FROM attachments WHERE sha2 = ?1 AND NOT EXISTS (SELECT 1 FROM statement_attachments WHERE sha2 = ?1)",
                sha2, on: connection)
            attachments += connection.changes
        }
        _ = try rows("DELETE FROM documents WHERE kind IN (1, 3) AND " + same.condition(on: "agent"), same.keys, on: connection) { _ in () }
        let documents = connection.changes
        _ = try rows("DELETE FROM roster WHERE " + same.condition(on: "agent"), same.keys, on: connection) { _ in () }
        let report = ErasureReport(
            auditID: auditID, at: time.text, subject: ErasureReport.subject(agentKey: agentKey), statements: statements, documents: documents,
            attachments: attachments, rosterEntries: connection.changes, requestedBy: requestedBy)
        try AuditLog.append(report.entry, id: auditID, on: connection)
        return report
    }

    /// Moves the statement at `seq` out of `statements` and every table that indexes it,
    /// leaving its tombstone; its chain row stays. The link rows to delete are found from the
    /// statement's own keys (the link tables are keyed by agent and activity, not by seq).
    private static func tombstone(_ seq: Int64, erasure: Int64, on connection: SQLiteConnection) throws {
        let body = try rows("SELECT body FROM statements WHERE seq = ?1", [seq], on: connection) { $0.blob(0) }.first
        guard let body, let statement = StatementReader.readStored(body) else { return }
        let keys = StatementKeys(statement)
        try run(
            "INSERT INTO erased_statements (seq, id, stored_ms, erasure) SELECT seq, id, stored_ms, ?2 FROM statements WHERE seq = ?1",
            seq, erasure, on: connection)
        for agent in keys.relatedAgents {
            try run("DELETE FROM statement_agents WHERE agent_id = (SELECT id FROM agents WHERE ifi = ?1) AND seq = ?2", agent, seq, on: connection)
        }
        for activity in keys.relatedActivities.keys {
            try run(
                "DELETE FROM statement_activities WHERE activity_id = (SELECT id FROM activities WHERE iri = ?1) AND seq = ?2",
                activity, seq, on: connection)
        }
        for sql in [
            // Statements that reached others through this one (a StatementRef chain) no longer do.
            "DELETE FROM statement_refs WHERE target = ?1",
            "DELETE FROM statements WHERE seq = ?1", "DELETE FROM statement_refs WHERE referrer = ?1",
            "DELETE FROM statement_attachments WHERE seq = ?1",
        ] {
            try run(sql, seq, on: connection)
        }
    }

    /// Runs one statement with `values` bound to ?1, ?2, … in order.
    private static func run(_ sql: String, _ values: any SQLiteBindable..., on connection: SQLiteConnection) throws {
        _ = try rows(sql, values, on: connection) { _ in () }
    }

    /// Every row of one query with `values` bound to ?1, ?2, … in order, each read by `read`.
    private static func rows<Row>(
        _ sql: String, _ values: [any SQLiteBindable], on connection: SQLiteConnection, _ read: (SQLiteStatement) -> Row
    ) throws -> [Row] {
        let statement = try connection.prepared(sql)
        defer { statement.reset() }
        for (index, value) in values.enumerated() { value.bind(to: statement, at: Int32(index + 1)) }
        var rows: [Row] = []
        while try statement.step() { rows.append(read(statement)) }
        return rows
    }
}

extension ErasureSubject {
    /// SQL true when `column` holds one of `keys` (bound from ?1 on).
    func condition(on column: String) -> String {
        comparable(column) + " IN (" + keys.indices.map { "?\($0 + 1)" }.joined(separator: ", ") + ")"
    }
}
