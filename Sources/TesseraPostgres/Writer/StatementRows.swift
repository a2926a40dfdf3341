import Foundation
import Logging
import NIOCore
import PostgresNIO
import TesseraCrypto
import TesseraLRS
import XAPI

/// The rows a group of statements adds to `statements`, its link tables and the hash chain, as
/// one array per column, inserted with one `unnest` query per table. A missing id is written 0
/// and a missing UUID '' (arrays carry no NULLs here); the queries turn both into NULL.
struct StatementRows {
    private var seq: [Int64] = [], id: [UUID] = [], actor: [Int64] = [], verb: [Int64] = []
    private var objectAgent: [Int64] = [], objectActivity: [Int64] = [], objectStatement: [String] = []
    private var registration: [String] = [], authority: [Int64] = [], isVoiding: [Bool] = [], voided: [Bool] = []
    private var body: [ByteBuffer] = []
    private var agentLinks: (agent: [Int64], seq: [Int64], role: [Int16]) = ([], [], [])
    private var activityLinks: (activity: [Int64], seq: [Int64], role: [Int16]) = ([], [], [])
    private var attachmentLinks: (sha2: [String], seq: [Int64]) = ([], [])
    private var chain: (seq: [Int64], content: [ByteBuffer], chain: [ByteBuffer]) = ([], [], [])

    /// Adds `statement`, stored at `seq` with `body`, chained after `previous`; returns its
    /// chain value.
    mutating func append(
        _ statement: PreparedStatement, seq: Int64, body: [UInt8], after previous: [UInt8], ids: Interned, delivered: Set<String>,
        voided: Bool
    ) -> [UInt8] {
        let keys = statement.keys
        self.seq.append(seq)
        id.append(statement.id.foundation)
        actor.append(keys.actor.map { ids.agents[$0]! } ?? 0)
        verb.append(ids.verbs[keys.verb]!)
        objectAgent.append(keys.objectAgent.map { ids.agents[$0]! } ?? 0)
        objectActivity.append(keys.objectActivity.map { ids.activities[$0]! } ?? 0)
        objectStatement.append(keys.objectStatement?.description ?? "")
        registration.append(keys.registration?.description ?? "")
        authority.append(keys.authority.map { ids.agents[$0]! } ?? 0)
        isVoiding.append(statement.voids != nil)
        self.voided.append(voided)
        self.body.append(ByteBuffer(bytes: body))
        for key in keys.relatedAgents {
            agentLinks.agent.append(ids.agents[key]!)
            agentLinks.seq.append(seq)
            agentLinks.role.append(Int16((key == keys.actor ? 1 : 0) | (key == keys.objectAgent ? 2 : 0)))
        }
        for (iri, role) in keys.relatedActivities {
            activityLinks.activity.append(ids.activities[iri]!)
            activityLinks.seq.append(seq)
            activityLinks.role.append(Int16(role))
        }
        for sha2 in delivered {
            attachmentLinks.sha2.append(sha2)
            attachmentLinks.seq.append(seq)
        }
        let content = Digest.sha256(body)
        let link = ChainLink.link(previous, content)
        chain.seq.append(seq)
        chain.content.append(ByteBuffer(bytes: content))
        chain.chain.append(ByteBuffer(bytes: link))
        return link
    }

    /// Inserts every row.
    func insert(storedAt time: XAPITimestamp, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO statements (seq, id, actor_id, verb_id, object_agent_id, object_activity_id, object_statement, registration,
                                    authority_id, stored_ms, is_voiding, voided, body)
            SELECT seq, id, NULLIF(actor, 0), verb, NULLIF(object_agent, 0), NULLIF(object_activity, 0), NULLIF(object_statement, '')::uuid,
                   NULLIF(registration, '')::uuid, NULLIF(authority, 0), \(time.milliseconds), is_voiding, voided, body
            FROM unnest(\(seq)::bigint[], \(id)::uuid[], \(actor)::bigint[], \(verb)::bigint[], \(objectAgent)::bigint[],
                        \(objectActivity)::bigint[], \(objectStatement)::text[], \(registration)::text[], \(authority)::bigint[],
                        \(isVoiding)::boolean[], \(voided)::boolean[], \(body)::bytea[])
                 AS row (seq, id, actor, verb, object_agent, object_activity, object_statement, registration, authority, is_voiding, voided, body)
            """, logger: logger)
        try await connection.query("""
            INSERT INTO statement_agents (agent_id, seq, role)
            SELECT * FROM unnest(\(agentLinks.agent)::bigint[], \(agentLinks.seq)::bigint[], \(agentLinks.role)::smallint[])
            """, logger: logger)
        try await connection.query("""
            INSERT INTO statement_activities (activity_id, seq, role)
            SELECT * FROM unnest(\(activityLinks.activity)::bigint[], \(activityLinks.seq)::bigint[], \(activityLinks.role)::smallint[])
            """, logger: logger)
        try await connection.query("""
            INSERT INTO statement_chain (seq, content, chain)
            SELECT * FROM unnest(\(chain.seq)::bigint[], \(chain.content)::bytea[], \(chain.chain)::bytea[])
            """, logger: logger)
        if !attachmentLinks.seq.isEmpty {
            try await connection.query("""
                INSERT INTO statement_attachments (sha2, seq) SELECT * FROM unnest(\(attachmentLinks.sha2)::text[], \(attachmentLinks.seq)::bigint[])
                """, logger: logger)
        }
    }
}

/// The integer ids of the agents, verbs and activities a group of statements names, created on
/// first sight (under the writers' lock, so no other node creates one meanwhile).
struct Interned {
    let agents: [String: Int64]
    let verbs: [String: Int64]
    let activities: [String: Int64]

    static func ids(for statements: [PreparedStatement], on connection: PostgresConnection, logger: Logger) async throws -> Interned {
        var agents = Set<String>(), verbs = Set<String>(), activities = Set<String>()
        for statement in statements {
            let keys = statement.keys
            agents.formUnion(keys.relatedAgents)
            for key in [keys.actor, keys.objectAgent, keys.authority] { if let key { agents.insert(key) } }
            verbs.insert(keys.verb)
            activities.formUnion(keys.relatedActivities.keys)
            activities.formUnion(statement.definitions.map(\.id))
        }
        return Interned(
            agents: try await intern(Array(agents), table: "agents", column: "ifi", on: connection, logger: logger),
            verbs: try await intern(Array(verbs), table: "verbs", column: "iri", on: connection, logger: logger),
            activities: try await intern(Array(activities), table: "activities", column: "iri", on: connection, logger: logger))
    }

    /// The ids of `keys` in `table`, each row created when missing.
    static func intern(
        _ keys: [String], table: String, column: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> [String: Int64] {
        guard !keys.isEmpty else { return [:] }
        var binds = PostgresBindings()
        binds.append(keys)
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            WITH input (key) AS (SELECT unnest($1::text[])),
                 added AS (INSERT INTO \(table) (\(column)) SELECT key FROM input ON CONFLICT DO NOTHING RETURNING id, \(column))
            SELECT id, \(column) FROM added UNION ALL SELECT t.id, t.\(column) FROM \(table) t JOIN input ON t.\(column) = input.key
            """, binds: binds), logger: logger)
        var ids: [String: Int64] = [:]
        for try await (id, key) in rows.decode((Int64, String).self) { ids[key] = id }
        return ids
    }
}

/// The Activities resource's canonical definitions: each definition a statement brings is
/// merged into the stored one in storage order (language maps and extensions by key, other
/// members replaced).
enum ActivityDefinitions {
    static func merge(_ definitions: [(id: String, json: [UInt8])], ids: Interned, on connection: PostgresConnection, logger: Logger) async throws {
        guard !definitions.isEmpty else { return }
        let activityIDs = Array(Set(definitions.map { ids.activities[$0.id]! }))
        var stored: [Int64: [UInt8]] = [:]
        let rows = try await connection.query(
            "SELECT activity_id, definition FROM activity_definitions WHERE activity_id = ANY(\(activityIDs))", logger: logger)
        for try await (id, definition) in rows.decode((Int64, ByteBuffer).self) { stored[id] = definition.bytes }
        var changed: [Int64: [UInt8]] = [:]
        for (iri, json) in definitions {
            let id = ids.activities[iri]!
            let current = changed[id] ?? stored[id]
            let merged = current.flatMap { JSONMerge.merge(json, into: $0, deep: ["name", "description", "extensions"]) } ?? json
            if merged != current { changed[id] = merged }
        }
        guard !changed.isEmpty else { return }
        try await connection.query("""
            INSERT INTO activity_definitions (activity_id, definition)
            SELECT * FROM unnest(\(Array(changed.keys))::bigint[], \(changed.values.map { ByteBuffer(bytes: $0) })::bytea[])
            ON CONFLICT (activity_id) DO UPDATE SET definition = excluded.definition
            """, logger: logger)
    }
}
