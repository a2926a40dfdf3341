import Logging
import NIOCore
import PostgresNIO
import TesseraAnalytics
import TesseraLRS
import XAPI

/// Analytics' fact tables (Schemas/postgres/0003) beyond what a write adds with its statements
/// (`LearningFactsOfStatement`, `StatementRows`): an erased statement's facts are deleted, and
/// a new catalog derives the catalog's facts again.
enum PostgresFacts {
    /// Deletes the facts of the statements at `seqs` (voided or erased) and recomputes the
    /// roll-ups they took part in.
    static func forget(seqs: [Int64], on connection: PostgresConnection, logger: Logger) async throws {
        guard !seqs.isEmpty else { return }
        // Their learners' per-day proficiency changes are taken away now and added again
        // from the assessments that remain.
        var assessed: (skills: [Int64], agents: [Int64]) = ([], [])
        for try await (skill, agent) in try await connection.query(
            "SELECT DISTINCT skill, agent_id FROM skill_events WHERE seq = ANY(\(seqs)) AND kind & 1 != 0", logger: logger
        ).decode((Int64, Int64).self) {
            assessed.skills.append(skill)
            assessed.agents.append(agent)
        }
        try await PostgresProficiencyDays.add(sign: -1, skills: assessed.skills, agents: assessed.agents, on: connection, logger: logger)
        let rows = try await connection.query("""
            WITH e AS (DELETE FROM learning_events WHERE seq = ANY(\(seqs))),
                 s AS (DELETE FROM skill_events WHERE seq = ANY(\(seqs)) RETURNING skill, agent_id),
                 p AS (DELETE FROM program_events WHERE seq = ANY(\(seqs)) RETURNING program, agent_id),
                 c AS (DELETE FROM completion_events WHERE seq = ANY(\(seqs)))
            SELECT 0, skill, agent_id FROM s UNION SELECT 1, program, agent_id FROM p
            """, logger: logger)
        var pairs = PostgresRollups.Pairs()
        for try await (table, key, agent) in rows.decode((Int, Int64, Int64).self) {
            if table == 0 {
                pairs.skill.append(key)
                pairs.skillAgent.append(agent)
            } else {
                pairs.program.append(key)
                pairs.programAgent.append(agent)
            }
        }
        try await PostgresRollups.recompute(pairs, on: connection, logger: logger)
        try await PostgresProficiencyDays.add(sign: 1, skills: assessed.skills, agents: assessed.agents, on: connection, logger: logger)
    }

    /// Derives the catalog's facts from `learning_events` again, under `catalog`: enrolment,
    /// completions and skill events, in the SQLite backend's order of sources (category skills,
    /// activities a skill assesses, then behaviours about their object; the first source of a
    /// (skill, statement) wins).
    static func derive(_ catalog: Catalog, on connection: PostgresConnection, logger: Logger) async throws {
        let index = CatalogIndex(catalog)
        try await connection.query("DELETE FROM skill_events", logger: logger)
        try await connection.query("DELETE FROM program_events", logger: logger)
        try await connection.query("DELETE FROM completion_events", logger: logger)
        let terms = try await Interned.intern(
            catalog.programs.map(\.id) + catalog.skills.map(\.id), table: "analytics_terms", column: "iri", on: connection, logger: logger)
        var targets: (program: [Int64], iri: [String]) = ([], [])
        for program in catalog.programs {
            for target in Set([program.id] + program.activities) {
                targets.program.append(terms[program.id]!)
                targets.iri.append(target)
            }
        }
        try await connection.query("""
            INSERT INTO program_events (program, at_ms, agent_id, seq)
            SELECT t.program, e.at_ms, e.agent_id, e.seq FROM unnest(\(targets.program)::bigint[], \(targets.iri)::text[]) AS t (program, iri)
                JOIN activities a ON a.iri = t.iri
                JOIN statement_activities sa ON sa.activity_id = a.id AND sa.role & 7 != 0
                JOIN learning_events e ON e.seq = sa.seq
            ON CONFLICT DO NOTHING
            """, logger: logger)
        try await connection.query("""
            INSERT INTO completion_events (activity_id, agent_id, at_ms, seq)
            SELECT e.activity_id, e.agent_id, e.at_ms, e.seq FROM learning_events e
                JOIN activities a ON a.id = e.activity_id JOIN verbs v ON v.id = e.verb_id
            WHERE a.iri = ANY(\(catalog.programs.flatMap(\.activities))) AND v.iri = ANY(\(Array(index.completionVerbs)))
            ON CONFLICT DO NOTHING
            """, logger: logger)
        try await deriveSkillEvents(index, terms: terms, on: connection, logger: logger)
        try await PostgresRollups.rebuild(on: connection, logger: logger)
    }

    private static func deriveSkillEvents(
        _ index: CatalogIndex, terms: [String: Int64], on connection: PostgresConnection, logger: Logger
    ) async throws {
        // What each verb counts as, with and without a score.
        var verbs: (id: [Int64], scored: [Int16], bare: [Int16]) = ([], [], [])
        var behaviorVerbs: [Int64] = []
        for try await (id, iri) in try await connection.query("SELECT id, iri FROM verbs", logger: logger).decode((Int64, String).self) {
            let scored = index.kind(verb: iri, scored: true), bare = index.kind(verb: iri, scored: false)
            if scored.contains(.behavior) { behaviorVerbs.append(id) }
            guard !scored.isEmpty || !bare.isEmpty else { continue }
            verbs.id.append(id)
            verbs.scored.append(Int16(scored.rawValue))
            verbs.bare.append(Int16(bare.rawValue))
        }
        guard !verbs.id.isEmpty else { return }
        // Statements tagged with a category activity that is a skill.
        var categories: (activity: [Int64], iri: [String]) = ([], [])
        for try await (id, iri) in try await connection.query("SELECT id, iri FROM activities", logger: logger).decode((Int64, String).self)
        where index.isSkillCategory(iri) {
            categories.activity.append(id)
            categories.iri.append(iri)
        }
        let categoryTerms = try await Interned.intern(categories.iri, table: "analytics_terms", column: "iri", on: connection, logger: logger)
        try await insertSkillEvents(
            from: (categories.activity, categories.iri.map { categoryTerms[$0]! }), linkRole: 8, verbs: verbs, on: connection, logger: logger)
        // Statements whose object is an activity a catalog skill assesses.
        var assessed: (activity: [String], skill: [Int64]) = ([], [])
        for skill in index.catalog.skills {
            for activity in skill.activities {
                assessed.activity.append(activity)
                assessed.skill.append(terms[skill.id]!)
            }
        }
        try await connection.query("""
            INSERT INTO skill_events (skill, agent_id, at_ms, seq, kind, score, success)
            SELECT t.skill, e.agent_id, e.at_ms, e.seq, CASE WHEN e.score IS NULL THEN k.bare ELSE k.scored END, e.score, e.success
            FROM unnest(\(assessed.activity)::text[], \(assessed.skill)::bigint[]) AS t (iri, skill)
                JOIN activities a ON a.iri = t.iri JOIN learning_events e ON e.activity_id = a.id
                JOIN unnest(\(verbs.id)::bigint[], \(verbs.scored)::smallint[], \(verbs.bare)::smallint[]) AS k (verb_id, scored, bare)
                    ON k.verb_id = e.verb_id
            WHERE CASE WHEN e.score IS NULL THEN k.bare ELSE k.scored END != 0
            ON CONFLICT DO NOTHING
            """, logger: logger)
        // Behaviours also count for their object.
        guard !behaviorVerbs.isEmpty else { return }
        var objects: (id: [Int64], iri: [String]) = ([], [])
        let rows = try await connection.query("""
            SELECT a.id, a.iri FROM activities a WHERE a.id IN (SELECT DISTINCT activity_id FROM learning_events WHERE verb_id = ANY(\(behaviorVerbs)))
            """, logger: logger)
        for try await (id, iri) in rows.decode((Int64, String).self) {
            objects.id.append(id)
            objects.iri.append(iri)
        }
        let objectTerms = try await Interned.intern(objects.iri, table: "analytics_terms", column: "iri", on: connection, logger: logger)
        try await connection.query("""
            INSERT INTO skill_events (skill, agent_id, at_ms, seq, kind, score, success)
            SELECT t.skill, e.agent_id, e.at_ms, e.seq, \(Int16(SkillFact.Kind.behavior.rawValue)), e.score, e.success
            FROM unnest(\(objects.id)::bigint[], \(objects.iri.map { objectTerms[$0]! })::bigint[]) AS t (activity_id, skill)
                JOIN learning_events e ON e.activity_id = t.activity_id
            WHERE e.verb_id = ANY(\(behaviorVerbs))
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    /// Inserts the skill events of statements linked to `sources` (activity, skill) with a role
    /// bit of `linkRole`, for the verbs that count.
    private static func insertSkillEvents(
        from sources: ([Int64], [Int64]), linkRole: Int16, verbs: (id: [Int64], scored: [Int16], bare: [Int16]),
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !sources.0.isEmpty else { return }
        try await connection.query("""
            INSERT INTO skill_events (skill, agent_id, at_ms, seq, kind, score, success)
            SELECT t.skill, e.agent_id, e.at_ms, e.seq, CASE WHEN e.score IS NULL THEN k.bare ELSE k.scored END, e.score, e.success
            FROM unnest(\(sources.0)::bigint[], \(sources.1)::bigint[]) AS t (activity_id, skill)
                JOIN statement_activities sa ON sa.activity_id = t.activity_id AND sa.role & \(linkRole) != 0
                JOIN learning_events e ON e.seq = sa.seq
                JOIN unnest(\(verbs.id)::bigint[], \(verbs.scored)::smallint[], \(verbs.bare)::smallint[]) AS k (verb_id, scored, bare)
                    ON k.verb_id = e.verb_id
            WHERE CASE WHEN e.score IS NULL THEN k.bare ELSE k.scored END != 0
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }
}
