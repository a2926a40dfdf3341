import Logging
import PostgresNIO
import TesseraAnalytics

/// The roll-ups of the learning facts (Schemas/postgres/0004): each learner's first and latest
/// assessment per skill (`proficiency`), their knowledge-retention baseline per skill
/// (`retention_baseline`) and their enrolment events per program (`program_learners`). A write
/// adds to them with its statements (`StatementRows`); this recomputes them from the facts.
enum PostgresRollups {
    /// A (skill or program, person) pair whose roll-up rows are to be recomputed.
    struct Pairs {
        var skill: [Int64] = [], skillAgent: [Int64] = []
        var program: [Int64] = [], programAgent: [Int64] = []

        var isEmpty: Bool { skill.isEmpty && program.isEmpty }
    }

    /// The roll-up rows of (skill, learner) from the remaining skill events, restricted by
    /// `pairs` (a relation of (skill, agent_id)) or over everything.
    private static func proficiencySQL(from pairs: String) -> String {
        """
        INSERT INTO proficiency (skill, agent_id, first_at, first_seq, first_score, latest_at, latest_seq, latest_score, team)
        SELECT f.skill, f.agent_id, f.at_ms, f.seq, f.score, l.at_ms, l.seq, l.score,
               (SELECT t.team FROM agents g JOIN roster t ON t.agent = g.ifi WHERE g.id = f.agent_id)
        FROM (SELECT DISTINCT ON (e.skill, e.agent_id) e.skill, e.agent_id, e.at_ms, e.seq, e.score FROM skill_events e \(pairs)
              WHERE e.kind & 1 != 0 ORDER BY e.skill, e.agent_id, e.at_ms, e.seq) f
        JOIN (SELECT DISTINCT ON (e.skill, e.agent_id) e.skill, e.agent_id, e.at_ms, e.seq, e.score FROM skill_events e \(pairs)
              WHERE e.kind & 1 != 0 ORDER BY e.skill, e.agent_id, e.at_ms DESC, e.seq DESC) l USING (skill, agent_id)
        """
    }

    private static func baselineSQL(from pairs: String) -> String {
        """
        INSERT INTO retention_baseline (skill, agent_id, at_ms, seq, score)
        SELECT DISTINCT ON (e.skill, e.agent_id) e.skill, e.agent_id, e.at_ms, e.seq, e.score FROM skill_events e \(pairs)
        WHERE e.kind & 2 != 0 ORDER BY e.skill, e.agent_id, e.at_ms, e.seq
        """
    }

    private static func learnersSQL(from pairs: String) -> String {
        "INSERT INTO program_learners (program, agent_id, events) SELECT e.program, e.agent_id, COUNT(*) FROM program_events e \(pairs) GROUP BY e.program, e.agent_id"
    }

    /// The default gap between a baseline and its follow-up, in milliseconds.
    static let followUpGap = Int64(KnowledgeRetention.defaultMinDays) * 86_400_000

    /// Sets the default-gap follow-up of the baselines of `pairs` (a relation of (skill,
    /// agent) named `a`, joined by `join`), or of every baseline.
    private static func followUpSQL(where condition: String) -> String {
        """
        UPDATE retention_baseline b SET (follow_at, follow_seq, follow_score) = (
            SELECT e.at_ms, e.seq, e.score FROM skill_events e
            WHERE e.skill = b.skill AND e.agent_id = b.agent_id AND e.kind & 1 != 0 AND e.at_ms >= b.at_ms + \(followUpGap)
            ORDER BY e.at_ms, e.seq LIMIT 1)
        \(condition)
        """
    }

    /// Recomputes the default-gap follow-ups of the baselines of these (skill, agent) pairs
    /// (a write brought them assessments or baselines).
    static func refreshFollowUps(skills: [Int64], agents: [Int64], on connection: PostgresConnection, logger: Logger) async throws {
        guard !skills.isEmpty else { return }
        var binds = PostgresBindings()
        binds.append(skills)
        binds.append(agents)
        try await connection.query(PostgresQuery(unsafeSQL: followUpSQL(
            where: "FROM unnest($1::bigint[], $2::bigint[]) AS a (skill, agent) WHERE b.skill = a.skill AND b.agent_id = a.agent"),
            binds: binds), logger: logger)
    }

    /// Gives every standing its learner's team in the roster just loaded, and sums the
    /// per-day proficiency changes under the new teams.
    static func rosterReplaced(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE proficiency p SET team = (SELECT t.team FROM agents a JOIN roster t ON t.agent = a.ifi WHERE a.id = p.agent_id)",
            logger: logger)
        try await PostgresProficiencyDays.rebuild(on: connection, logger: logger)
    }

    /// Rebuilds every roll-up from the facts (a catalog was loaded).
    static func rebuild(on connection: PostgresConnection, logger: Logger) async throws {
        for table in ["proficiency", "retention_baseline", "program_learners"] {
            try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table)"), logger: logger)
        }
        for sql in [proficiencySQL(from: ""), baselineSQL(from: ""), learnersSQL(from: ""), followUpSQL(where: "")] {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
        try await PostgresProficiencyDays.rebuild(on: connection, logger: logger)
    }

    /// Recomputes the roll-up rows of `pairs` from the facts that remain.
    static func recompute(_ pairs: Pairs, on connection: PostgresConnection, logger: Logger) async throws {
        if !pairs.skill.isEmpty {
            let skills = "JOIN unnest($1::bigint[], $2::bigint[]) AS a (skill, agent) ON e.skill = a.skill AND e.agent_id = a.agent"
            for sql in [
                "DELETE FROM proficiency e USING unnest($1::bigint[], $2::bigint[]) AS a (skill, agent) WHERE e.skill = a.skill AND e.agent_id = a.agent",
                "DELETE FROM retention_baseline e USING unnest($1::bigint[], $2::bigint[]) AS a (skill, agent) WHERE e.skill = a.skill AND e.agent_id = a.agent",
                proficiencySQL(from: skills), baselineSQL(from: skills),
                followUpSQL(where: "FROM unnest($1::bigint[], $2::bigint[]) AS a (skill, agent) WHERE b.skill = a.skill AND b.agent_id = a.agent"),
            ] {
                var binds = PostgresBindings()
                binds.append(pairs.skill)
                binds.append(pairs.skillAgent)
                try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            }
        }
        if !pairs.program.isEmpty {
            let programs = "JOIN unnest($1::bigint[], $2::bigint[]) AS a (program, agent) ON e.program = a.program AND e.agent_id = a.agent"
            for sql in [
                "DELETE FROM program_learners e USING unnest($1::bigint[], $2::bigint[]) AS a (program, agent) WHERE e.program = a.program AND e.agent_id = a.agent",
                learnersSQL(from: programs),
            ] {
                var binds = PostgresBindings()
                binds.append(pairs.program)
                binds.append(pairs.programAgent)
                try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            }
        }
    }
}
