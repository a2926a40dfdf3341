import Logging
import PostgresNIO
import TesseraAnalytics

/// The `proficiency_days` and `proficiency_spans` roll-ups (Schemas/postgres/0007): how each
/// day's assessments changed the proficiency report per (skill, team, level), so that the
/// report as of the end of a day sums rows instead of finding every learner's latest score
/// before it. What a learner contributes follows from their timeline of assessments in a skill
/// alone, so a change to the timelines of some (skill, learner) pairs is written as their new
/// timelines' contributions less their old ones', all in SQL; levels come from the stored
/// catalog and teams from the roster, and a new catalog or roster rebuilds both tables.
enum PostgresProficiencyDays {
    /// The days a span covers.
    static let spanDays = 32

    /// Adds (sign 1) or takes away (sign -1) what the assessments of the (skill, agent) pairs
    /// (`skills` and `agents` side by side) contribute.
    static func add(sign: Int, skills: [Int64], agents: [Int64], on connection: PostgresConnection, logger: Logger) async throws {
        guard !skills.isEmpty else { return }
        var binds = PostgresBindings()
        binds.append(skills)
        binds.append(agents)
        try await connection.query(PostgresQuery(unsafeSQL: """
            WITH points (sign, skill, agent_id, at_ms, seq, score) AS (
                SELECT \(sign), e.skill, e.agent_id, e.at_ms, e.seq, e.score FROM skill_events e
                JOIN unnest($1::bigint[], $2::bigint[]) AS a (skill, agent) ON e.skill = a.skill AND e.agent_id = a.agent
                WHERE e.kind & 1 != 0),
            \(changes(of: "points")) SELECT 1
            """, binds: binds), logger: logger)
    }

    /// Rebuilds both tables from every assessment (a catalog or roster was loaded).
    static func rebuild(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("DELETE FROM proficiency_days", logger: logger)
        try await connection.query("DELETE FROM proficiency_spans", logger: logger)
        try await connection.query(PostgresQuery(unsafeSQL: """
            WITH points (sign, skill, agent_id, at_ms, seq, score) AS (
                SELECT 1, e.skill, e.agent_id, e.at_ms, e.seq, e.score FROM skill_events e WHERE e.kind & 1 != 0),
            \(changes(of: "points")) SELECT 1
            """), logger: logger)
    }

    /// Common table expressions that add to both tables the contributions of the timelines in
    /// `points` (sign, skill, agent_id, at_ms, seq, score), each (sign, skill, agent) one
    /// timeline counted `sign` times: for each assessment, the standing after it (first and
    /// latest score so far) on its day, less the standing before it. A write that changes some
    /// timelines gives their old points with sign -1 and their new ones with sign 1.
    static func changes(of points: String) -> String {
        let day = "(s.at_ms / 86400000 - CASE WHEN s.at_ms % 86400000 < 0 THEN 1 ELSE 0 END)"
        let sums = "learners = r.learners + excluded.learners, score_sum = r.score_sum + excluded.score_sum, "
            + "gain_learners = r.gain_learners + excluded.gain_learners, gain_sum = r.gain_sum + excluded.gain_sum"
        return """
            levels AS MATERIALIZED (
                SELECT l.i, (l.v ->> 'min')::float8 AS min
                FROM catalog c, jsonb_array_elements(convert_from(c.document, 'UTF8')::jsonb -> 'levels') WITH ORDINALITY AS l (v, i)),
            timelines AS (
                SELECT p.sign, p.skill, p.agent_id, p.at_ms, p.score, first_value(p.score) OVER w AS first, row_number() OVER w AS n,
                       lag(p.score) OVER w AS previous
                FROM \(points) p
                WINDOW w AS (PARTITION BY p.sign, p.skill, p.agent_id ORDER BY p.at_ms, p.seq)),
            standings (sign, skill, agent_id, at_ms, learners, latest, gain_learners, gain) AS (
                SELECT sign, skill, agent_id, at_ms, 1, score, CASE WHEN n > 1 THEN 1 ELSE 0 END, CASE WHEN n > 1 THEN score - first ELSE 0 END
                FROM timelines
                UNION ALL
                SELECT sign, skill, agent_id, at_ms, -1, previous, CASE WHEN n > 2 THEN -1 ELSE 0 END, CASE WHEN n > 2 THEN first - previous ELSE 0 END
                FROM timelines WHERE n > 1),
            changes AS MATERIALIZED (
                SELECT s.skill, COALESCE(t.team, '\(Roster.unassignedTeam)') AS team,
                       COALESCE((SELECT MAX(l.i) FROM levels l WHERE s.latest >= l.min), 0)::int - 1 AS level, \(day) AS day,
                       SUM(s.sign * s.learners) AS learners, SUM(s.sign * s.learners * s.latest) AS score_sum,
                       SUM(s.sign * s.gain_learners) AS gain_learners, SUM(s.sign * s.gain) AS gain_sum
                FROM standings s LEFT JOIN agents g ON g.id = s.agent_id LEFT JOIN roster t ON t.agent = g.ifi
                GROUP BY 1, 2, 3, 4),
            days AS (
                INSERT INTO proficiency_days AS r (skill, team, level, day, learners, score_sum, gain_learners, gain_sum)
                SELECT * FROM changes
                ON CONFLICT (skill, team, level, day) DO UPDATE SET \(sums)),
            spans AS (
                INSERT INTO proficiency_spans AS r (skill, team, level, span, learners, score_sum, gain_learners, gain_sum)
                SELECT skill, team, level, day / \(spanDays) - CASE WHEN day % \(spanDays) < 0 THEN 1 ELSE 0 END,
                       SUM(learners), SUM(score_sum), SUM(gain_learners), SUM(gain_sum)
                FROM changes GROUP BY 1, 2, 3, 4
                ON CONFLICT (skill, team, level, span) DO UPDATE SET \(sums))
            """
    }

    /// The report's sums as of the end of `day` (whole spans, then the days of the last one)
    /// or over everything stored (nil: every span), per (team, skill, level), for one skill
    /// (by term id, $2) and team ($3) or all; in the columns of
    /// `PostgresAnalyticsReads.proficiency`'s query.
    static func sumsSQL(day: Int64?) -> String {
        let filters = "($2::bigint IS NULL OR skill = $2) AND ($3::text IS NULL OR team = $3)"
        guard let day else {
            return """
                SELECT team, skill, level, SUM(learners)::int, SUM(score_sum), SUM(gain_learners)::int, SUM(gain_sum)
                FROM proficiency_spans WHERE \(filters) GROUP BY 1, 2, 3
                """
        }
        let span = day / Int64(spanDays) - (day % Int64(spanDays) < 0 ? 1 : 0)
        return """
            SELECT team, skill, level, SUM(learners)::int, SUM(score_sum), SUM(gain_learners)::int, SUM(gain_sum) FROM (
                SELECT team, skill, level, learners, score_sum, gain_learners, gain_sum FROM proficiency_spans
                WHERE span < \(span) AND \(filters)
                UNION ALL
                SELECT team, skill, level, learners, score_sum, gain_learners, gain_sum FROM proficiency_days
                WHERE day >= \(span * Int64(spanDays)) AND day <= \(day) AND \(filters)) AS u
            GROUP BY 1, 2, 3
            """
    }
}

extension PostgresProficiencyDays {
    /// The report as of the end of each of `days` (ascending), for one skill and team or all:
    /// each day's sums (whole spans, then the days of the last) in one query, a few hundred rows
    /// per day rather than every per-day row.
    static func trend(
        days: [Int64], skill: String?, team: String?, catalog: Catalog, on connection: PostgresConnection, logger: Logger
    ) async throws -> [[ProficiencyRow]] {
        var skillID: Int64?
        if let skill {
            guard let known = try await PostgresAnalyticsReads.term(skill, on: connection, logger: logger) else { return days.map { _ in [] } }
            skillID = known
        }
        var binds = PostgresBindings()
        binds.append(days)
        binds.append(skillID)
        binds.append(team)
        let filters = "($2::bigint IS NULL OR skill = $2) AND ($3::text IS NULL OR team = $3)"
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT d.day, x.team, x.skill, x.level, x.learners, x.scores, x.gain_learners, x.gains
            FROM unnest($1::bigint[]) AS d(day) CROSS JOIN LATERAL (
                SELECT team, skill, level, SUM(learners)::int AS learners, SUM(score_sum) AS scores,
                       SUM(gain_learners)::int AS gain_learners, SUM(gain_sum) AS gains FROM (
                    SELECT team, skill, level, learners, score_sum, gain_learners, gain_sum FROM proficiency_spans
                    WHERE span < d.day / \(spanDays) AND \(filters)
                    UNION ALL
                    SELECT team, skill, level, learners, score_sum, gain_learners, gain_sum FROM proficiency_days
                    WHERE day >= d.day / \(spanDays) * \(spanDays) AND day <= d.day AND \(filters)) AS u
                GROUP BY 1, 2, 3) AS x
            """, binds: binds), logger: logger)
        var sums: [Int64: [PostgresAnalyticsReads.LevelSums]] = [:]
        for try await (day, team, skill, level, learners, scores, gainLearners, gains)
            in rows.decode((Int64, String, Int64, Int, Int, Double, Int, Double).self) {
            sums[day, default: []].append(PostgresAnalyticsReads.LevelSums(
                team: team, skill: skill, level: level, learners: learners, scores: scores, gainLearners: gainLearners, gains: gains))
        }
        let names = try await PostgresAnalyticsReads.termNames(Array(Set(sums.values.flatMap { $0.map(\.skill) })), on: connection, logger: logger)
        return days.map { PostgresAnalyticsReads.proficiencyRows(sums[$0] ?? [], catalog: catalog, names: names) }
    }
}
