import Foundation
import Logging
import NIOCore
import PostgresNIO
import TesseraCrypto
import TesseraLRS
import XAPI

/// Erases a person in the writer's transaction (docs/audit.md "Erasure"), as the SQLite backend
/// does: every statement that mentions them becomes a tombstone that keeps its chain row, its
/// analytics facts go, their State and Agent Profile documents, attachment content left without
/// a statement and their roster entry are deleted, the agent's row keeps its id but loses its
/// identifier, and the audit log records the erasure.
enum PostgresErasure {
    static func erase(
        agentKey: String, requestedBy: String, at time: XAPITimestamp, on connection: PostgresConnection, logger: Logger
    ) async throws -> ErasureReport {
        let subject = ErasureSubject(agentKey)
        func matching(_ column: String) -> String { subject.comparable(column) + " = ANY($1)" }
        var keys = PostgresBindings()
        keys.append(subject.keys)
        let auditID = try await scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM audit_log", on: connection, logger: logger)
        let agentIDs = try await column(
            Int64.self, PostgresQuery(unsafeSQL: "SELECT id FROM agents WHERE " + matching("ifi"), binds: keys), on: connection, logger: logger)
        let seqs = try await column(
            Int64.self, "SELECT DISTINCT seq FROM statement_agents WHERE agent_id = ANY(\(agentIDs)) ORDER BY seq", on: connection, logger: logger)
        try await PostgresFacts.forget(seqs: seqs, on: connection, logger: logger)
        let candidates = try await column(
            String.self, "SELECT DISTINCT sha2 FROM statement_attachments WHERE seq = ANY(\(seqs))", on: connection, logger: logger)
        try await tombstone(seqs, erasure: auditID, on: connection, logger: logger)
        // The ids stay taken (facts may still name them); the identifiers go.
        try await connection.query("UPDATE agents SET ifi = 'erased' || chr(31) || id WHERE id = ANY(\(agentIDs))", logger: logger)
        let attachments = try await count("""
            DELETE FROM attachments a WHERE a.sha2 = ANY(\(candidates))
              AND NOT EXISTS (SELECT 1 FROM statement_attachments l WHERE l.sha2 = a.sha2) RETURNING 1
            """, on: connection, logger: logger)
        let documents = try await count(
            PostgresQuery(unsafeSQL: "DELETE FROM documents WHERE kind IN (1, 3) AND " + matching("agent") + " RETURNING 1", binds: keys),
            on: connection, logger: logger)
        let rosterEntries = try await count(
            PostgresQuery(unsafeSQL: "DELETE FROM roster WHERE " + matching("agent") + " RETURNING 1", binds: keys), on: connection, logger: logger)
        let report = ErasureReport(
            auditID: auditID, at: time.text, subject: ErasureReport.subject(agentKey: agentKey), statements: seqs.count, documents: documents,
            attachments: attachments, rosterEntries: rosterEntries, requestedBy: requestedBy)
        try await appendToAuditLog(report.entry, id: auditID, on: connection, logger: logger)
        return report
    }

    /// Moves the statements at `seqs` out of `statements` and every table that indexes them,
    /// leaving tombstones; their chain rows stay. The link rows are found from each statement's
    /// own keys (the link tables are keyed by agent and activity, not by seq).
    private static func tombstone(_ seqs: [Int64], erasure: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        guard !seqs.isEmpty else { return }
        var agentLinks: (key: [String], seq: [Int64]) = ([], [])
        var activityLinks: (iri: [String], seq: [Int64]) = ([], [])
        let bodies = try await connection.query("SELECT seq, body FROM statements WHERE seq = ANY(\(seqs))", logger: logger)
        for try await (seq, body) in bodies.decode((Int64, ByteBuffer).self) {
            guard let statement = StatementReader.readStored(body.bytes) else { continue }
            let keys = StatementKeys(statement)
            for agent in keys.relatedAgents {
                agentLinks.key.append(agent)
                agentLinks.seq.append(seq)
            }
            for activity in keys.relatedActivities.keys {
                activityLinks.iri.append(activity)
                activityLinks.seq.append(seq)
            }
        }
        try await connection.query("""
            INSERT INTO erased_statements (seq, id, stored_ms, erasure) SELECT seq, id, stored_ms, \(erasure) FROM statements WHERE seq = ANY(\(seqs))
            """, logger: logger)
        try await connection.query("""
            DELETE FROM statement_agents l USING unnest(\(agentLinks.key)::text[], \(agentLinks.seq)::bigint[]) AS d (key, seq), agents a
            WHERE a.ifi = d.key AND l.agent_id = a.id AND l.seq = d.seq
            """, logger: logger)
        try await connection.query("""
            DELETE FROM statement_activities l USING unnest(\(activityLinks.iri)::text[], \(activityLinks.seq)::bigint[]) AS d (iri, seq), activities a
            WHERE a.iri = d.iri AND l.activity_id = a.id AND l.seq = d.seq
            """, logger: logger)
        // Statements that reached others through these (a StatementRef chain) no longer do.
        try await connection.query("DELETE FROM statement_refs WHERE target = ANY(\(seqs)) OR referrer = ANY(\(seqs))", logger: logger)
        try await connection.query("DELETE FROM statement_attachments WHERE seq = ANY(\(seqs))", logger: logger)
        try await connection.query("DELETE FROM statements WHERE seq = ANY(\(seqs))", logger: logger)
    }

    /// Appends `entry` to the audit log as entry `id`, chained to the last one.
    private static func appendToAuditLog(_ entry: [UInt8], id: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        var previous = ChainLink.genesis
        for try await chain in try await connection.query("SELECT chain FROM audit_log ORDER BY id DESC LIMIT 1", logger: logger)
            .decode(ByteBuffer.self)
        {
            previous = chain.bytes
        }
        let chain = ChainLink.link(previous, Digest.sha256(entry))
        try await connection.query(
            "INSERT INTO audit_log (id, entry, chain) VALUES (\(id), \(ByteBuffer(bytes: entry)), \(ByteBuffer(bytes: chain)))", logger: logger)
    }

    private static func scalar(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        try await column(Int64.self, query, on: connection, logger: logger).first ?? 0
    }

    private static func count(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await column(Int.self, query, on: connection, logger: logger).count
    }
}

/// Every value of a one-column query.
func column<Value: PostgresDecodable & Sendable>(
    _ type: Value.Type, _ query: PostgresQuery, on runner: some PostgresQueryRunner, logger: Logger
) async throws -> [Value] {
    var values: [Value] = []
    for try await value in try await runner.run(query, logger: logger).decode(Value.self) { values.append(value) }
    return values
}
