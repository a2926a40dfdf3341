import TesseraAnalytics
import XAPI

/// Reads the analytics roll-ups (never statement JSON).
enum AnalyticsQueries {
    /// The proficiency report, aggregated in SQL from the `proficiency` roll-up: each
    /// learner's latest score as of `asOf` (nil: everything stored) is the roll-up's, or — when
    /// that is later than `asOf` — the latest before it in `skill_events`.
    static func proficiencyRows(
        asOf: Int64?, skill: String?, team: String?, catalog: Catalog, on connection: SQLiteConnection
    ) throws -> [ProficiencyRow] {
        let levelColumns = catalog.levels.indices.map { ", SUM(latest >= ?\(5 + 2 * $0) AND latest < ?\(6 + 2 * $0))" }.joined()
        let select = try connection.prepared("""
            WITH standing AS (
                SELECT COALESCE(r.team, ?1) AS team, p.skill AS skill, p.first_seq AS first_seq, p.first_score AS first_score,
                    CASE WHEN p.latest_at <= ?2 THEN p.latest_seq ELSE (
                        SELECT e.seq FROM skill_events e WHERE e.skill = p.skill AND e.agent_id = p.agent_id
                            AND e.kind & 1 != 0 AND e.at_ms <= ?2 ORDER BY e.at_ms DESC, e.seq DESC LIMIT 1) END AS latest_seq,
                    CASE WHEN p.latest_at <= ?2 THEN p.latest_score ELSE (
                        SELECT e.score FROM skill_events e WHERE e.skill = p.skill AND e.agent_id = p.agent_id
                            AND e.kind & 1 != 0 AND e.at_ms <= ?2 ORDER BY e.at_ms DESC, e.seq DESC LIMIT 1) END AS latest
                FROM proficiency p JOIN agents a ON a.id = p.agent_id LEFT JOIN roster r ON r.agent = a.ifi
                WHERE p.first_at <= ?2 AND (?3 IS NULL OR p.skill = ?3)
            )
            SELECT team, skill, COUNT(*), AVG(latest), AVG(CASE WHEN latest_seq != first_seq THEN latest - first_score END),
                SUM(latest_seq != first_seq)\(levelColumns)
            FROM standing WHERE (?4 IS NULL OR team = ?4)
            GROUP BY team, skill ORDER BY team, skill
            """)
        select.bind(1, Roster.unassignedTeam)
        select.bind(2, asOf ?? Int64.max)
        select.bind(3, skill)
        select.bind(4, team)
        var index: Int32 = 5
        for (position, level) in catalog.levels.enumerated() {
            select.bind(index, level.min)
            select.bind(index + 1, position + 1 < catalog.levels.count ? catalog.levels[position + 1].min : Double.greatestFiniteMagnitude)
            index += 2
        }
        var rows: [ProficiencyRow] = []
        while try select.step() {
            rows.append(ProficiencyRow(
                team: select.text(0), skill: select.text(1), assessed: Int(select.int64(2)), meanProficiency: select.double(3),
                meanGain: select.isNull(4) ? nil : select.double(4), gainLearners: Int(select.int64(5)),
                levels: catalog.levels.enumerated().map { ($1.name, Int(select.int64(Int32(6 + $0)))) }))
        }
        return rows
    }
}

extension AnalyticsQueries {
    /// The ids of the known `iris` in `table` (agents use `ifi`, the others `iri`).
    static func ids(_ iris: [String], in table: String, on connection: SQLiteConnection) throws -> [Int64] {
        let select = try connection.prepared("SELECT id FROM \(table) WHERE iri = ?")
        return try iris.compactMap { iri in
            select.reset()
            select.bind(1, iri)
            return try select.step() ? select.int64(0) : nil
        }
    }

    /// `?, ?, ?` for `count` parameters (at least one, so that `IN ()` never appears).
    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: max(count, 1)).joined(separator: ", ")
    }

    /// When each person completed `program` within [from, to]: the latest, over the program's
    /// activities, of each activity's first completion. People who did not complete every
    /// activity are absent.
    static func completions(
        _ program: Catalog.Program, completionVerbs: [String], from: Int64, to: Int64, on connection: SQLiteConnection
    ) throws -> [Int64: Int64] {
        let activities = try ids(program.activities, in: "activities", on: connection)
        let verbs = try ids(completionVerbs, in: "verbs", on: connection)
        guard activities.count == Set(program.activities).count, !verbs.isEmpty else { return [:] }
        let select = try connection.prepared("""
            SELECT agent_id, activity_id, MIN(at_ms) FROM learning_events
            WHERE activity_id IN (\(placeholders(activities.count))) AND verb_id IN (\(placeholders(verbs.count)))
                AND at_ms BETWEEN ? AND ?
            GROUP BY agent_id, activity_id
            """)
        var index: Int32 = 1
        for id in activities + verbs + [from, to] {
            select.bind(index, id)
            index += 1
        }
        var progress: [Int64: (activities: Int, completedAt: Int64)] = [:]
        while try select.step() {
            let agent = select.int64(0)
            let previous = progress[agent] ?? (0, Int64.min)
            progress[agent] = (previous.activities + 1, max(previous.completedAt, select.int64(2)))
        }
        return progress.filter { $0.value.activities == activities.count }.mapValues(\.completedAt)
    }

    /// People with a statement in [from, to] whose object, parent or grouping is the program
    /// or one of its activities (from `program_events`).
    static func enrolled(_ program: Catalog.Program, from: Int64, to: Int64, on connection: SQLiteConnection) throws -> Set<Int64> {
        let select = try connection.prepared(
            "SELECT DISTINCT agent_id FROM program_events WHERE program = ? AND at_ms BETWEEN ? AND ?")
        select.bind(1, program.id)
        select.bind(2, from)
        select.bind(3, to)
        var agents = Set<Int64>()
        while try select.step() { agents.insert(select.int64(0)) }
        return agents
    }

    /// True when the person has a behaviour statement about one of `skills`, with success not
    /// false, in (after, until].
    static func showedBehavior(agent: Int64, skills: [String], after: Int64, until: Int64, on connection: SQLiteConnection) throws -> Bool {
        let select = try connection.prepared("""
            SELECT 1 FROM skill_events
            WHERE skill = ? AND agent_id = ? AND kind & 4 != 0 AND (success IS NULL OR success = 1) AND at_ms > ? AND at_ms <= ?
            LIMIT 1
            """)
        for skill in skills {
            select.reset()
            select.bind(1, skill)
            select.bind(2, agent)
            select.bind(3, after)
            select.bind(4, until)
            if try select.step() {
                select.reset()
                return true
            }
        }
        return false
    }

    /// Knowledge retention per skill, aggregated in SQL: each learner's baseline (the
    /// `retention_baseline` roll-up: first `passed` score on the skill) paired with their first
    /// assessment score at least `minDays` later.
    static func knowledgeRetention(
        skill: String?, minDays: Int, masteryScore: Double, on connection: SQLiteConnection
    ) throws -> [KnowledgeRetention] {
        let select = try connection.prepared("""
            WITH pairs AS (
                SELECT b.skill AS skill, b.score AS baseline, (
                    SELECT e.score FROM skill_events e WHERE e.skill = b.skill AND e.agent_id = b.agent_id
                        AND e.kind & 1 != 0 AND e.at_ms >= b.at_ms + ?2 ORDER BY e.at_ms, e.seq LIMIT 1) AS follow_up
                FROM retention_baseline b WHERE ?1 IS NULL OR b.skill = ?1
            )
            SELECT skill, COUNT(*), AVG(baseline), AVG(follow_up), AVG(follow_up - baseline), AVG(follow_up >= ?3)
            FROM pairs WHERE follow_up IS NOT NULL GROUP BY skill ORDER BY skill
            """)
        select.bind(1, skill)
        select.bind(2, Int64(minDays) * 86_400_000)
        select.bind(3, masteryScore)
        var rows: [KnowledgeRetention] = []
        while try select.step() {
            rows.append(KnowledgeRetention(
                skill: select.text(0), pairs: Int(select.int64(1)), meanBaseline: select.double(2),
                meanFollowUp: select.double(3), meanChange: select.double(4), retainedRate: select.double(5)))
        }
        return rows
    }

    /// The agent keys of interned agent ids.
    static func agentKeys(_ ids: some Sequence<Int64>, on connection: SQLiteConnection) throws -> Set<String> {
        let select = try connection.prepared("SELECT ifi FROM agents WHERE id = ?")
        var keys = Set<String>()
        for id in ids {
            select.reset()
            select.bind(1, id)
            if try select.step() { keys.insert(select.text(0)) }
        }
        return keys
    }
}
