import Foundation
import Logging
import NIOCore
import PostgresNIO
import TesseraAnalytics
import TesseraCrypto
import TesseraLRS
import XAPI

/// Everything one flush of a write transaction adds, as one array per column: the statements,
/// their link rows, references, attachment links and chain rows, and their learning facts; all
/// inserted by one statement (`insert`), whatever the number of statements. A missing id is
/// written 0, a missing UUID '', a missing score or success flagged in a column of its own
/// (arrays carry no NULLs here); the SQL turns them into NULL.
struct StatementRows {
    private var statements = Columns()
    private var agentLinks = (agent: [Int64](), seq: [Int64](), role: [Int16]())
    private var activityLinks = (activity: [Int64](), seq: [Int64](), role: [Int16]())
    private var attachmentLinks = (sha2: [String](), seq: [Int64]())
    private var references = (referrer: [Int64](), target: [Int64]())
    private var chain = (seq: [Int64](), content: [ByteBuffer](), chain: [ByteBuffer]())
    /// Tombstones of erased statements (only a copy brings them: `appendErased`).
    private var erased = (seq: [Int64](), id: [UUID](), stored: [Int64](), erasure: [Int64]())
    /// learning_events rows: keyed by the object activity, with the verb beside.
    private var events = Facts()
    private var eventVerbs: [Int64] = []
    private var skills = Facts()
    private var programs = Facts()
    private var completions = Facts()
    /// What the flush adds to the roll-ups, one entry per key (an upsert takes each key once).
    private var standings: [Pair: (first: Point, latest: Point)] = [:]
    private var baselines: [Pair: Point] = [:]
    private var enrolments: [Pair: Int64] = [:]

    private struct Pair: Hashable {
        let key: Int64
        let agent: Int64
    }

    /// A score at a time, ordered by time then storage order.
    private struct Point {
        let at: Int64
        let seq: Int64
        let score: Double

        func isBefore(_ other: Point) -> Bool { (at, seq) < (other.at, other.seq) }
    }

    private struct Columns {
        var seq: [Int64] = [], id: [UUID] = [], actor: [Int64] = [], verb: [Int64] = [], objectAgent: [Int64] = []
        var objectActivity: [Int64] = [], objectStatement: [String] = [], registration: [String] = [], authority: [Int64] = []
        var stored: [Int64] = [], isVoiding: [Bool] = [], voided: [Bool] = [], body: [ByteBuffer] = []
    }

    /// Rows of a fact table: (key, agent, at, seq), and for events and skills the rest.
    private struct Facts {
        var key: [Int64] = [], agent: [Int64] = [], at: [Int64] = [], seq: [Int64] = [], kind: [Int16] = []
        var score: [Double] = [], scored: [Bool] = [], success: [Int16] = []

        mutating func append(_ key: Int64, _ agent: Int64, _ at: Int64, _ seq: Int64, kind: Int16 = 0, score: Double? = nil, success: Bool? = nil) {
            self.key.append(key)
            self.agent.append(agent)
            self.at.append(at)
            self.seq.append(seq)
            self.kind.append(kind)
            self.score.append(score ?? 0)
            scored.append(score != nil)
            self.success.append(success.map { $0 ? 1 : 0 } ?? -1)
        }
    }

    /// Adds `statement`, stored at `seq` and time `stored` with `body`, chained after
    /// `previous`; returns its chain value. `voided`: a voiding statement already targets it
    /// (it gets no facts).
    mutating func append(
        _ statement: PreparedStatement, seq: Int64, stored: Int64, body: [UInt8], after previous: [UInt8], ids: Interned,
        delivered: Set<String>, voided: Bool
    ) -> [UInt8] {
        let keys = statement.keys
        statements.seq.append(seq)
        statements.id.append(statement.id.foundation)
        statements.actor.append(keys.actor.map { ids.agents[$0]! } ?? 0)
        statements.verb.append(ids.verbs[keys.verb]!)
        statements.objectAgent.append(keys.objectAgent.map { ids.agents[$0]! } ?? 0)
        statements.objectActivity.append(keys.objectActivity.map { ids.activities[$0]! } ?? 0)
        statements.objectStatement.append(keys.objectStatement?.description ?? "")
        statements.registration.append(keys.registration?.description ?? "")
        statements.authority.append(keys.authority.map { ids.agents[$0]! } ?? 0)
        statements.stored.append(stored)
        statements.isVoiding.append(statement.voids != nil)
        statements.voided.append(voided)
        statements.body.append(ByteBuffer(bytes: body))
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
        return appendChain(seq: seq, content: Digest.sha256(body), after: previous)
    }

    /// Adds the tombstone of an erased statement at `seq` whose body had the hash `content`
    /// (`tessera copy`), chained after `previous`; returns its chain value.
    mutating func appendErased(_ tombstone: ErasedStatement, after previous: [UInt8]) -> [UInt8] {
        erased.seq.append(tombstone.seq)
        erased.id.append(tombstone.id.foundation)
        erased.stored.append(tombstone.storedMilliseconds)
        erased.erasure.append(tombstone.erasure)
        return appendChain(seq: tombstone.seq, content: tombstone.content, after: previous)
    }

    private mutating func appendChain(seq: Int64, content: [UInt8], after previous: [UInt8]) -> [UInt8] {
        let link = ChainLink.link(previous, content)
        chain.seq.append(seq)
        chain.content.append(ByteBuffer(bytes: content))
        chain.chain.append(ByteBuffer(bytes: link))
        return link
    }

    /// Inserts every row, then brings the follow-ups of the baselines it touches up to date.
    func write(on connection: PostgresConnection, logger: Logger) async throws {
        try await insert(on: connection, logger: logger)
        let scored = Set(standings.keys).union(baselines.keys)
        try await PostgresRollups.refreshFollowUps(skills: scored.map(\.key), agents: scored.map(\.agent), on: connection, logger: logger)
    }

    /// Adds a direct StatementRef reference between two stored statements.
    mutating func reference(from referrer: Int64, to target: Int64) {
        references.referrer.append(referrer)
        references.target.append(target)
    }

    /// Adds the learning facts of the statement at `seq` (not voided), as `facts` describes them.
    mutating func appendFacts(_ facts: LearningFactsOfStatement, seq: Int64, ids: Interned) {
        let keys = facts.statement.keys
        let event = facts.event
        let agent = ids.agents[keys.actor!]!
        let activity = keys.objectActivity.map { ids.activities[$0]! }
        events.append(activity ?? 0, agent, facts.at, seq, score: event.score, success: event.success)
        eventVerbs.append(ids.verbs[keys.verb]!)
        if facts.completes, let activity { completions.append(activity, agent, facts.at, seq) }
        for program in facts.programs {
            programs.append(ids.terms[program]!, agent, facts.at, seq)
            enrolments[Pair(key: ids.terms[program]!, agent: agent), default: 0] += 1
        }
        for fact in facts.skills {
            let skill = ids.terms[fact.skill]!
            skills.append(skill, agent, facts.at, seq, kind: Int16(fact.kind.rawValue), score: event.score, success: event.success)
            guard let score = event.score else { continue }
            let point = Point(at: facts.at, seq: seq, score: score), pair = Pair(key: skill, agent: agent)
            if fact.kind.contains(.assessment) {
                let known = standings[pair]
                standings[pair] = (
                    known.map { $0.first.isBefore(point) ? $0.first : point } ?? point,
                    known.map { point.isBefore($0.latest) ? $0.latest : point } ?? point)
            }
            if fact.kind.contains(.passed), baselines[pair].map({ point.isBefore($0) }) ?? true { baselines[pair] = point }
        }
    }

    /// Inserts every row, in one statement (data-modifying common table expressions), with the
    /// roll-ups: the standings, baselines and enrolments it adds to are upserted, and the
    /// per-day proficiency changes of the learners it assesses are their timelines with the new
    /// assessments less their timelines without (`PostgresProficiencyDays.changes`; every common
    /// table expression reads the database as it was before the statement). When every new
    /// assessment of a learner in a skill comes after their latest (the usual case), their
    /// first and latest scores stand for the timeline before it: the rest of it contributes the
    /// same to both sides.
    private func insert(on connection: PostgresConnection, logger: Logger) async throws {
        _ = try await connection.execute(StatementRowsInsert(rows: self), logger: logger)
    }

    /// The statement `insert` runs (its text is the same whatever the rows: every value is a
    /// bound array).
    var query: PostgresQuery {
        let s = statements
        let standing = standings.map { ($0.key, $0.value) }
        let baseline = baselines.map { ($0.key, $0.value) }
        let enrolment = enrolments.map { ($0.key, $0.value) }
        // Compared with a stored standing, a new point replaces the first when earlier and the
        // latest when later.
        func earlier(_ column: String) -> String {
            "CASE WHEN (excluded.first_at, excluded.first_seq) < (r.first_at, r.first_seq) THEN excluded.\(column) ELSE r.\(column) END"
        }
        func later(_ column: String) -> String {
            "CASE WHEN (excluded.latest_at, excluded.latest_seq) > (r.latest_at, r.latest_seq) THEN excluded.\(column) ELSE r.\(column) END"
        }
        return """
            WITH stored AS (
                INSERT INTO statements (seq, id, actor_id, verb_id, object_agent_id, object_activity_id, object_statement, registration,
                                        authority_id, stored_ms, is_voiding, voided, body)
                SELECT seq, id, NULLIF(actor, 0), verb, NULLIF(object_agent, 0), NULLIF(object_activity, 0),
                       NULLIF(object_statement, '')::uuid, NULLIF(registration, '')::uuid, NULLIF(authority, 0), stored,
                       is_voiding, voided, body
                FROM unnest(\(s.seq)::bigint[], \(s.id)::uuid[], \(s.actor)::bigint[], \(s.verb)::bigint[], \(s.objectAgent)::bigint[],
                            \(s.objectActivity)::bigint[], \(s.objectStatement)::text[], \(s.registration)::text[], \(s.authority)::bigint[],
                            \(s.stored)::bigint[], \(s.isVoiding)::boolean[], \(s.voided)::boolean[], \(s.body)::bytea[])
                     AS row (seq, id, actor, verb, object_agent, object_activity, object_statement, registration, authority, stored,
                             is_voiding, voided, body)),
            tombstones AS (
                INSERT INTO erased_statements (seq, id, stored_ms, erasure)
                SELECT * FROM unnest(\(erased.seq)::bigint[], \(erased.id)::uuid[], \(erased.stored)::bigint[], \(erased.erasure)::bigint[])),
            agent_links AS (
                INSERT INTO statement_agents (agent_id, seq, role)
                SELECT * FROM unnest(\(agentLinks.agent)::bigint[], \(agentLinks.seq)::bigint[], \(agentLinks.role)::smallint[])),
            activity_links AS (
                INSERT INTO statement_activities (activity_id, seq, role)
                SELECT * FROM unnest(\(activityLinks.activity)::bigint[], \(activityLinks.seq)::bigint[], \(activityLinks.role)::smallint[])),
            attachment_links AS (
                INSERT INTO statement_attachments (sha2, seq) SELECT * FROM unnest(\(attachmentLinks.sha2)::text[], \(attachmentLinks.seq)::bigint[])),
            refs AS (
                INSERT INTO statement_refs (referrer, target) SELECT * FROM unnest(\(references.referrer)::bigint[], \(references.target)::bigint[])
                ON CONFLICT DO NOTHING),
            chained AS (
                INSERT INTO statement_chain (seq, content, chain)
                SELECT * FROM unnest(\(chain.seq)::bigint[], \(chain.content)::bytea[], \(chain.chain)::bytea[])),
            learning AS (
                INSERT INTO learning_events (seq, agent_id, verb_id, activity_id, at_ms, score, success)
                SELECT seq, agent, verb, NULLIF(activity, 0), at, CASE WHEN scored THEN score END, CASE WHEN success >= 0 THEN success = 1 END
                FROM unnest(\(events.seq)::bigint[], \(events.agent)::bigint[], \(eventVerbs)::bigint[], \(events.key)::bigint[],
                            \(events.at)::bigint[], \(events.score)::float8[], \(events.scored)::boolean[], \(events.success)::smallint[])
                     AS row (seq, agent, verb, activity, at, score, scored, success)),
            skill AS (
                INSERT INTO skill_events (skill, agent_id, at_ms, seq, kind, score, success)
                SELECT skill, agent, at, seq, kind, CASE WHEN scored THEN score END, CASE WHEN success >= 0 THEN success = 1 END
                FROM unnest(\(skills.key)::bigint[], \(skills.agent)::bigint[], \(skills.at)::bigint[], \(skills.seq)::bigint[],
                            \(skills.kind)::smallint[], \(skills.score)::float8[], \(skills.scored)::boolean[], \(skills.success)::smallint[])
                     AS row (skill, agent, at, seq, kind, score, scored, success)
                ON CONFLICT DO NOTHING
                RETURNING skill, agent_id, at_ms, seq, kind, score),
            assessed AS (SELECT skill, agent_id, at_ms, seq, score FROM skill WHERE kind & 1 != 0),
            earliest AS (SELECT DISTINCT ON (skill, agent_id) skill, agent_id, at_ms, seq FROM assessed ORDER BY skill, agent_id, at_ms, seq),
            known AS (
                SELECT e.skill, e.agent_id, p.first_at, p.first_seq, p.first_score, p.latest_at, p.latest_seq, p.latest_score,
                       p.skill IS NULL OR (e.at_ms, e.seq) > (p.latest_at, p.latest_seq) AS appends
                FROM earliest e LEFT JOIN proficiency p ON p.skill = e.skill AND p.agent_id = e.agent_id),
            assessed_before (skill, agent_id, at_ms, seq, score) AS (
                SELECT skill, agent_id, first_at, first_seq, first_score FROM known WHERE appends AND first_seq IS NOT NULL
                UNION ALL
                SELECT skill, agent_id, latest_at, latest_seq, latest_score FROM known WHERE appends AND latest_seq <> first_seq
                UNION ALL
                SELECT e.skill, e.agent_id, e.at_ms, e.seq, e.score FROM skill_events e JOIN known k ON e.skill = k.skill AND e.agent_id = k.agent_id
                WHERE NOT k.appends AND e.kind & 1 != 0),
            assessed_points (sign, skill, agent_id, at_ms, seq, score) AS (
                SELECT -1, * FROM assessed_before UNION ALL SELECT 1, * FROM assessed_before UNION ALL SELECT 1, * FROM assessed),
            \(unescaped: PostgresProficiencyDays.changes(of: "assessed_points")),
            program AS (
                INSERT INTO program_events (program, at_ms, agent_id, seq)
                SELECT key, at, agent, seq FROM unnest(\(programs.key)::bigint[], \(programs.at)::bigint[], \(programs.agent)::bigint[],
                                                       \(programs.seq)::bigint[]) AS row (key, at, agent, seq)
                ON CONFLICT DO NOTHING),
            standing AS (
                INSERT INTO proficiency AS r (skill, agent_id, first_at, first_seq, first_score, latest_at, latest_seq, latest_score, team)
                SELECT u.*, (SELECT t.team FROM agents a JOIN roster t ON t.agent = a.ifi WHERE a.id = u.agent)
                FROM unnest(\(standing.map(\.0.key))::bigint[], \(standing.map(\.0.agent))::bigint[],
                            \(standing.map(\.1.first.at))::bigint[], \(standing.map(\.1.first.seq))::bigint[],
                            \(standing.map(\.1.first.score))::float8[], \(standing.map(\.1.latest.at))::bigint[],
                            \(standing.map(\.1.latest.seq))::bigint[], \(standing.map(\.1.latest.score))::float8[])
                     AS u (skill, agent, first_at, first_seq, first_score, latest_at, latest_seq, latest_score)
                ON CONFLICT (skill, agent_id) DO UPDATE SET team = excluded.team,
                    first_at = \(unescaped: earlier("first_at")), first_seq = \(unescaped: earlier("first_seq")),
                    first_score = \(unescaped: earlier("first_score")), latest_at = \(unescaped: later("latest_at")),
                    latest_seq = \(unescaped: later("latest_seq")), latest_score = \(unescaped: later("latest_score"))),
            baseline AS (
                INSERT INTO retention_baseline AS r (skill, agent_id, at_ms, seq, score)
                SELECT * FROM unnest(\(baseline.map(\.0.key))::bigint[], \(baseline.map(\.0.agent))::bigint[], \(baseline.map(\.1.at))::bigint[],
                                     \(baseline.map(\.1.seq))::bigint[], \(baseline.map(\.1.score))::float8[])
                ON CONFLICT (skill, agent_id) DO UPDATE SET at_ms = excluded.at_ms, seq = excluded.seq, score = excluded.score
                    WHERE (excluded.at_ms, excluded.seq) < (r.at_ms, r.seq)),
            enrolled AS (
                INSERT INTO program_learners AS r (program, agent_id, events)
                SELECT * FROM unnest(\(enrolment.map(\.0.key))::bigint[], \(enrolment.map(\.0.agent))::bigint[], \(enrolment.map(\.1))::bigint[])
                ON CONFLICT (program, agent_id) DO UPDATE SET events = r.events + excluded.events)
            INSERT INTO completion_events (activity_id, agent_id, at_ms, seq)
            SELECT * FROM unnest(\(completions.key)::bigint[], \(completions.agent)::bigint[], \(completions.at)::bigint[], \(completions.seq)::bigint[])
            ON CONFLICT DO NOTHING
            """
    }
}

/// A flush's one statement (`StatementRows.query`), prepared once per connection and planned
/// by PostgreSQL once rather than at every flush: a plan for twenty-odd common table
/// expressions costs as much as running them for a few statements.
struct StatementRowsInsert: PostgresPreparedStatement {
    typealias Row = ()

    static let sql = StatementRows().query.sql

    let rows: StatementRows

    func makeBindings() -> PostgresBindings { rows.query.binds }

    func decodeRow(_ row: PostgresRow) throws {}
}

/// What analytics derives from one statement under the current catalog.
struct LearningFactsOfStatement {
    let statement: PreparedStatement
    let event: LearningEvent
    /// The statement's timestamp, else its storage time (milliseconds).
    let at: Int64
    let skills: [SkillFact]
    let programs: Set<String>
    /// A completion verb about an activity of a program.
    let completes: Bool

    /// The facts of `statement` stored at `storedAt`, nil when its actor is not an identified
    /// Agent.
    init?(_ statement: PreparedStatement, storedAt: Int64, catalog: CatalogIndex) {
        guard let event = statement.learningEvent, statement.keys.actor != nil else { return nil }
        self.statement = statement
        self.event = event
        at = event.timestamp?.milliseconds ?? storedAt
        skills = catalog.skillFacts(verb: event.verb, activity: event.activity, score: event.score, skills: event.skills(in: catalog))
        programs = catalog.programs(of: event)
        completes = catalog.isCompletion(verb: event.verb, activity: event.activity)
    }

    /// The skill and program IRIs its facts name.
    var terms: Set<String> { Set(skills.map(\.skill)).union(programs) }
}

/// The integer ids of the agents, verbs, activities and analytics terms a flush names. Those
/// the node's writer has met are remembered (`WriterMemory`); the others are read or created
/// (under the writers' lock, so no other node creates one meanwhile) in one statement.
struct Interned {
    let agents: [String: Int64]
    let verbs: [String: Int64]
    let activities: [String: Int64]
    let terms: [String: Int64]

    /// The tables, in the order of `WriterMemory.interned`.
    static let tables = [("agents", "ifi"), ("verbs", "iri"), ("activities", "iri"), ("analytics_terms", "iri")]

    static func ids(
        for statements: [PreparedStatement], terms: Set<String>, memory: inout WriterMemory, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Interned {
        var agents = Set<String>(), verbs = Set<String>(), activities = Set<String>()
        for statement in statements {
            let keys = statement.keys
            agents.formUnion(keys.relatedAgents)
            for key in [keys.actor, keys.objectAgent, keys.authority] { if let key { agents.insert(key) } }
            verbs.insert(keys.verb)
            activities.formUnion(keys.relatedActivities.keys)
            activities.formUnion(statement.definitions.map(\.id))
        }
        let wanted = [agents, verbs, activities, terms]
        var ids = wanted.enumerated().map { table, keys in keys.reduce(into: [String: Int64]()) { $0[$1] = memory.interned[table][$1] } }
        let missing = wanted.enumerated().map { table, keys in keys.filter { ids[table][$0] == nil } }
        if missing.contains(where: { !$0.isEmpty }) {
            let found = try await lookUpOrCreate(missing.map(Array.init), in: tables, on: connection, logger: logger)
            for (table, keys) in found.enumerated() {
                for (key, id) in keys {
                    ids[table][key] = id
                    memory.remember(table: table, key: key, id: id)
                }
            }
        }
        return Interned(agents: ids[0], verbs: ids[1], activities: ids[2], terms: ids[3])
    }

    /// The ids of `keys` in `table`, each row created when missing.
    static func intern(
        _ keys: [String], table: String, column: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> [String: Int64] {
        guard !keys.isEmpty else { return [:] }
        return try await lookUpOrCreate([keys], in: [(table, column)], on: connection, logger: logger)[0]
    }

    /// The ids of `keys[n]` in table `tables[n]` (keyed by its column), in one statement:
    /// existing rows are read and only the others inserted (a conflicting insert would cost a
    /// speculative insertion and an identity value each).
    private static func lookUpOrCreate(
        _ keys: [[String]], in tables: [(table: String, column: String)], on connection: PostgresConnection, logger: Logger
    ) async throws -> [[String: Int64]] {
        var binds = PostgresBindings()
        var parts: [String] = [], selects: [String] = []
        for (number, (table, column)) in tables.enumerated() {
            binds.append(keys[number])
            parts.append("""
                in\(number) (key) AS (SELECT unnest($\(number + 1)::text[])),
                old\(number) AS (SELECT t.id, t.\(column) FROM \(table) t JOIN in\(number) ON t.\(column) = in\(number).key),
                new\(number) AS (INSERT INTO \(table) (\(column)) SELECT key FROM in\(number)
                    WHERE key NOT IN (SELECT \(column) FROM old\(number)) ON CONFLICT DO NOTHING RETURNING id, \(column))
                """)
            selects.append("SELECT \(number), id, \(column) FROM new\(number) UNION ALL SELECT \(number), id, \(column) FROM old\(number)")
        }
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: "WITH " + parts.joined(separator: ",\n") + "\n" + selects.joined(separator: "\nUNION ALL "), binds: binds),
            logger: logger)
        var ids = tables.map { _ in [String: Int64]() }
        for try await (table, id, key) in rows.decode((Int, Int64, String).self) { ids[table][key] = id }
        return ids
    }
}

/// What one node's writer remembers between its transactions, so that the usual statement
/// costs no lookups: the ids it interned and the last definition it merged per activity.
/// Valid only while the database agrees: a transaction that fails throws its changes away
/// (the writer keeps the memory from before it), and an erasure on any node (the audit log
/// grows) makes it forget the agents, whose identifiers an erasure removes.
struct WriterMemory: Sendable {
    /// Ids by key, per table of `Interned.tables`.
    var interned: [[String: Int64]] = [[:], [:], [:], [:]]
    /// The definition JSON last merged per activity IRI.
    var definitionsSeen: [String: [UInt8]] = [:]
    /// The last audit log entry when the agents were remembered.
    var auditHead: Int64 = 0

    private static let limit = 200_000

    mutating func remember(table: Int, key: String, id: Int64) {
        if interned[table].count >= Self.limit { interned[table] = [:] }
        interned[table][key] = id
    }

    /// Forgets the agents when the audit log moved past `auditHead` (an erasure happened).
    mutating func agentsValid(asOf auditHead: Int64) {
        guard auditHead != self.auditHead else { return }
        interned[0] = [:]
        self.auditHead = auditHead
    }

    /// Notes that `json` was merged into activity `iri`; false when it was the last one merged
    /// there (nothing to do).
    mutating func isNewDefinition(_ iri: String, _ json: [UInt8]) -> Bool {
        if definitionsSeen[iri] == json { return false }
        if definitionsSeen.count >= 50_000 { definitionsSeen = [:] }
        definitionsSeen[iri] = json
        return true
    }
}

/// The Activities resource's canonical definitions: each definition a statement brings is
/// merged into the stored one in storage order (language maps and extensions by key, other
/// members replaced).
enum ActivityDefinitions {
    static func merge(
        _ all: [(id: String, json: [UInt8])], ids: Interned, memory: inout WriterMemory, on connection: PostgresConnection, logger: Logger
    ) async throws {
        // The same definition sent again (the usual case) costs one comparison.
        let definitions = all.filter { memory.isNewDefinition($0.id, $0.json) }
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
        try await store(changed.map { ($0.key, $0.value) }, on: connection, logger: logger)
    }

    /// Stores each definition as the canonical definition of the activity with its id.
    static func store(_ definitions: [(activity: Int64, definition: [UInt8])], on connection: PostgresConnection, logger: Logger) async throws {
        guard !definitions.isEmpty else { return }
        try await connection.query("""
            INSERT INTO activity_definitions (activity_id, definition)
            SELECT * FROM unnest(\(definitions.map(\.activity))::bigint[], \(definitions.map { ByteBuffer(bytes: $0.definition) })::bytea[])
            ON CONFLICT (activity_id) DO UPDATE SET definition = excluded.definition
            """, logger: logger)
    }
}
