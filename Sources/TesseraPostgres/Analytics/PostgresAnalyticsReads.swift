import Logging
import NIOCore
import PostgresNIO
import TesseraAnalytics
import TesseraLRS
import XAPI

/// The analytics reports, aggregated from the fact tables when asked, each inside one snapshot.
/// Per-learner standings come from SQL; the figures from them are TesseraAnalytics' definitions.
enum PostgresAnalyticsReads {
    /// SQL for a learner's roster team (`Roster.unassignedTeam` when none), given `a` (agents)
    /// and `r` (roster, left-joined on the agent key); the team name is parameter `$team`.
    private static func team(_ parameter: Int) -> String { "COALESCE(r.team, '\(Roster.unassignedTeam)') = $\(parameter)" }

    /// The id of a skill or program IRI (nil: no statement was ever about it).
    static func term(_ iri: String, on connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        try await column(Int64.self, "SELECT id FROM analytics_terms WHERE iri = \(iri)", on: connection, logger: logger).first
    }

    /// The proficiency report as of `asOf` (nil: everything stored), for one skill and team or
    /// all: each learner's standing from the `proficiency` roll-up (or, when its latest score is
    /// later than `asOf`, the latest before it in `skill_events`), summed in SQL per (team,
    /// skill, level). A learner's level is the last of the catalog's levels whose minimum their
    /// latest score reaches (-1: none), written as one CASE.
    static func proficiency(
        asOf: Int64?, skill: String?, team: String?, catalog: Catalog, on connection: PostgresConnection, logger: Logger
    ) async throws -> [ProficiencyRow] {
        var skillID: Int64?
        if let skill {
            guard let known = try await term(skill, on: connection, logger: logger) else { return [] }
            skillID = known
        }
        var binds = PostgresBindings()
        binds.append(asOf ?? Int64.max)
        binds.append(skillID)
        binds.append(team)
        for level in catalog.levels { binds.append(level.min) }
        let level = catalog.levels.isEmpty
            ? "-1" : "CASE " + catalog.levels.indices.reversed().map { "WHEN x.latest >= $\($0 + 4) THEN \($0)" }.joined(separator: " ") + " ELSE -1 END"
        
        let before = "SELECT e.%@ FROM skill_events e WHERE e.skill = p.skill AND e.agent_id = p.agent_id AND e.kind & 1 != 0 AND e.at_ms <= $1 ORDER BY e.at_ms DESC, e.seq DESC LIMIT 1"
        // Materialized: each standing's latest score is looked up once, though used three times.
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            WITH x AS MATERIALIZED (
                SELECT p.skill, COALESCE(p.team, '\(Roster.unassignedTeam)') AS team, p.first_seq, p.first_score AS first,
                       CASE WHEN p.latest_at <= $1 THEN p.latest_seq ELSE (\(before.replacingOccurrences(of: "%@", with: "seq"))) END AS latest_seq,
                       CASE WHEN p.latest_at <= $1 THEN p.latest_score ELSE (\(before.replacingOccurrences(of: "%@", with: "score"))) END AS latest
                FROM proficiency p
                WHERE p.first_at <= $1 AND ($2::bigint IS NULL OR p.skill = $2)
                  AND ($3::text IS NULL OR COALESCE(p.team, '\(Roster.unassignedTeam)') = $3))
            SELECT x.team, x.skill, \(level), COUNT(*)::int, SUM(x.latest),
                   (COUNT(*) FILTER (WHERE x.latest_seq <> x.first_seq))::int,
                   COALESCE(SUM(x.latest - x.first) FILTER (WHERE x.latest_seq <> x.first_seq), 0)
            FROM x GROUP BY 1, 2, 3
            """, binds: binds), logger: logger)
        struct Key: Hashable {
            let team: String
            let skill: Int64
        }
        struct Totals {
            var assessed = 0, scoreSum = 0.0, gainLearners = 0, gainSum = 0.0
            var levels: [Int: Int] = [:]
        }
        var totals: [Key: Totals] = [:]
        for try await (team, skill, level, learners, scores, gainLearners, gains) in rows.decode((String, Int64, Int, Int, Double, Int, Double).self) {
            var entry = totals[Key(team: team, skill: skill), default: Totals()]
            entry.assessed += learners
            entry.scoreSum += scores
            entry.gainLearners += gainLearners
            entry.gainSum += gains
            if level >= 0 { entry.levels[level, default: 0] += learners }
            totals[Key(team: team, skill: skill)] = entry
        }
        let names = try await termNames(Array(Set(totals.keys.map(\.skill))), on: connection, logger: logger)
        return totals.map { key, entry in
            ProficiencyRow(
                team: key.team, skill: names[key.skill] ?? "", assessed: entry.assessed, meanProficiency: entry.scoreSum / Double(entry.assessed),
                meanGain: entry.gainLearners == 0 ? nil : entry.gainSum / Double(entry.gainLearners), gainLearners: entry.gainLearners,
                levels: catalog.levels.enumerated().map { ($1.name, entry.levels[$0] ?? 0) })
        }.sorted { ($0.team, $0.skill) < ($1.team, $1.skill) }
    }

    /// The IRIs of analytics terms, by id.
    private static func termNames(_ ids: [Int64], on connection: PostgresConnection, logger: Logger) async throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        for try await (id, iri) in try await connection.query("SELECT id, iri FROM analytics_terms WHERE id = ANY(\(ids))", logger: logger)
            .decode((Int64, String).self)
        {
            names[id] = iri
        }
        return names
    }

    /// Completion and behaviour change per program in [from, to]: enrolled (anyone with a
    /// statement about the program), completed (every activity, within the window) and, of
    /// those, who showed a behaviour on one of its skills in (completedAt, completedAt +
    /// windowDays], inside the window.
    static func outcomes(
        programs: [Catalog.Program], from: Int64, to: Int64, windowDays: Int, team: String?, on connection: PostgresConnection, logger: Logger
    ) async throws -> [ProgramOutcome] {
        var outcomes: [ProgramOutcome] = []
        for program in programs {
            let enrolled: Int
            if let id = try await term(program.id, on: connection, logger: logger) {
                var binds = PostgresBindings()
                binds.append(id)
                binds.append(from)
                binds.append(to)
                binds.append(team)
                // From `program_learners` (one row per person) when the window holds all of the
                // program's events, otherwise from the events in the window.
                enrolled = try await column(Int.self, PostgresQuery(unsafeSQL: """
                    SELECT CASE WHEN $2 <= (SELECT MIN(at_ms) FROM program_events WHERE program = $1)
                                 AND (SELECT MAX(at_ms) FROM program_events WHERE program = $1) <= $3
                        THEN (SELECT COUNT(*) FROM program_learners p JOIN agents a ON a.id = p.agent_id LEFT JOIN roster r ON r.agent = a.ifi
                              WHERE p.program = $1 AND ($4::text IS NULL OR \(Self.team(4))))
                        ELSE (SELECT COUNT(DISTINCT p.agent_id) FROM program_events p JOIN agents a ON a.id = p.agent_id
                              LEFT JOIN roster r ON r.agent = a.ifi
                              WHERE p.program = $1 AND p.at_ms BETWEEN $2 AND $3 AND ($4::text IS NULL OR \(Self.team(4))))
                    END::int
                    """, binds: binds), on: connection, logger: logger).first ?? 0
            } else {
                enrolled = 0
            }
            let completed = try await completions(program, from: from, to: to, team: team, on: connection, logger: logger)
            let skills = try await column(
                Int64.self, "SELECT id FROM analytics_terms WHERE iri = ANY(\(program.skills))", on: connection, logger: logger)
            let agents = Array(completed.keys)
            let changed = try await column(Int.self, """
                SELECT COUNT(*) FROM unnest(\(agents)::bigint[], \(agents.map { completed[$0]! })::bigint[]) AS c (agent, completed_at)
                WHERE EXISTS (SELECT 1 FROM skill_events s WHERE s.skill = ANY(\(skills)) AND s.agent_id = c.agent AND s.kind & 4 != 0
                    AND (s.success IS NULL OR s.success) AND s.at_ms > c.completed_at
                    AND s.at_ms <= LEAST(\(to), c.completed_at + \(Int64(windowDays) * 86_400_000)))
                """, on: connection, logger: logger).first ?? 0
            outcomes.append(ProgramOutcome(program: program, enrolled: enrolled, completed: completed.count, behaviorChanged: changed))
        }
        return outcomes
    }

    /// When each person (of `team`, when named) completed `program` within [from, to]
    /// (`ProgramCompletion`).
    static func completions(
        _ program: Catalog.Program, from: Int64, to: Int64, team: String?, on connection: PostgresConnection, logger: Logger
    ) async throws -> [Int64: Int64] {
        let activities = try await column(
            Int64.self, "SELECT id FROM activities WHERE iri = ANY(\(program.activities))", on: connection, logger: logger)
        guard activities.count == Set(program.activities).count else { return [:] }
        var binds = PostgresBindings()
        binds.append(activities)
        binds.append(from)
        binds.append(to)
        binds.append(team)
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT c.agent_id, MIN(c.at_ms) FROM completion_events c JOIN agents a ON a.id = c.agent_id LEFT JOIN roster r ON r.agent = a.ifi
            WHERE c.activity_id = ANY($1) AND c.at_ms BETWEEN $2 AND $3 AND ($4::text IS NULL OR \(Self.team(4)))
            GROUP BY c.activity_id, c.agent_id
            """, binds: binds), logger: logger)
        var firsts: [(agent: Int64, at: Int64)] = []
        for try await (agent, at) in rows.decode((Int64, Int64).self) { firsts.append((agent, at)) }
        return ProgramCompletion.completedAt(firsts, activities: activities.count)
    }

    /// Knowledge retention per skill: each learner's baseline (the `retention_baseline`
    /// roll-up: first `passed` score on the skill) paired with their first assessment score at
    /// least `minDays` later — kept in the roll-up for the default gap, looked up in
    /// `skill_events` for any other — summed per skill in SQL.
    static func knowledgeRetention(
        skill: String?, minDays: Int, masteryScore: Double, team: String?, on connection: PostgresConnection, logger: Logger
    ) async throws -> [KnowledgeRetention] {
        var skillID: Int64?
        if let skill {
            guard let known = try await term(skill, on: connection, logger: logger) else { return [] }
            skillID = known
        }
        var binds = PostgresBindings()
        binds.append(skillID)
        binds.append(Int64(minDays) * 86_400_000)
        binds.append(team)
        binds.append(masteryScore)
        // Grouped by the skill's id (grouping by its IRI would compare text row by row).
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT t.iri, x.pairs, x.baselines, x.follow_ups, x.retained FROM (
            SELECT x.skill, COUNT(*)::int AS pairs, SUM(x.baseline) AS baselines, SUM(x.follow_up) AS follow_ups,
                   (COUNT(*) FILTER (WHERE x.follow_up >= $4))::int AS retained
            FROM (SELECT b.skill, b.score AS baseline,
                         CASE WHEN $2 = \(PostgresRollups.followUpGap) THEN b.follow_score ELSE
                         (SELECT e.score FROM skill_events e WHERE e.skill = b.skill AND e.agent_id = b.agent_id
                              AND e.kind & 1 != 0 AND e.at_ms >= b.at_ms + $2 ORDER BY e.at_ms, e.seq LIMIT 1) END AS follow_up
                  FROM retention_baseline b JOIN agents a ON a.id = b.agent_id LEFT JOIN roster r ON r.agent = a.ifi
                  WHERE ($1::bigint IS NULL OR b.skill = $1) AND ($3::text IS NULL OR \(Self.team(3)))) x
            WHERE x.follow_up IS NOT NULL
            GROUP BY x.skill) x JOIN analytics_terms t ON t.id = x.skill
            """, binds: binds), logger: logger)
        var results: [KnowledgeRetention] = []
        for try await (skill, pairs, baselines, followUps, retained) in rows.decode((String, Int, Double, Double, Int).self) {
            let count = Double(pairs)
            results.append(KnowledgeRetention(
                skill: skill, pairs: pairs, meanBaseline: baselines / count, meanFollowUp: followUps / count,
                meanChange: (followUps - baselines) / count, retainedRate: Double(retained) / count))
        }
        return results.sorted { $0.skill < $1.skill }
    }

    /// Employee retention over (from, to] of those who completed one of `programs` at or before
    /// `from` versus everyone else in the roster's population.
    static func employeeRetention(
        programs: [Catalog.Program], from: Int64, to: Int64, byTeam: Bool, on connection: PostgresConnection, logger: Logger
    ) async throws -> [EmployeeRetention] {
        var participants = Set<Int64>()
        for program in programs {
            participants.formUnion(try await completions(program, from: Int64.min, to: from, team: nil, on: connection, logger: logger).keys)
        }
        let rows = try await connection.query(
            "SELECT a.id, r.team, r.hired_day, r.left_day FROM roster r LEFT JOIN agents a ON a.ifi = r.agent", logger: logger)
        var members: [EmployeeRetention.Member] = []
        for try await (agent, team, hired, left) in rows.decode((Int64?, String?, Int32, Int32?).self) {
            members.append(EmployeeRetention.Member(
                team: team, hired: Day(ordinal: Int64(hired)), left: left.map { Day(ordinal: Int64($0)) },
                participated: agent.map(participants.contains) ?? false))
        }
        return EmployeeRetention.report(members: members, from: from, to: to, byTeam: byTeam)
    }

    /// The first and last day with a learning statement; nil when there is none.
    static func learningDays(on runner: some PostgresQueryRunner, logger: Logger) async throws -> ClosedRange<Day>? {
        let rows = try await runner.run("SELECT MIN(at_ms), MAX(at_ms) FROM learning_events", logger: logger)
        var days: ClosedRange<Day>?
        for try await (first, last) in rows.decode((Int64?, Int64?).self) {
            if let first, let last { days = Day(containing: first)...Day(containing: last) }
        }
        return days
    }

    /// Learning statements per day from `from` to `to`: of `team`'s learners, and about
    /// `program` (enrolment's reading) when named; days without statements are absent.
    static func statementVolume(
        from: Day, to: Day, team: String?, program: String?, on connection: PostgresConnection, logger: Logger
    ) async throws -> [DailyVolume] {
        var source = "learning_events e"
        var binds = PostgresBindings()
        binds.append(from.startMilliseconds)
        binds.append(to.endMilliseconds)
        binds.append(team)
        if let program {
            guard let id = try await term(program, on: connection, logger: logger) else { return [] }
            source = "program_events e"
            binds.append(id)
        }
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT (e.at_ms - (((e.at_ms % 86400000) + 86400000) % 86400000)) / 86400000 AS day, COUNT(*)
            FROM \(source) JOIN agents a ON a.id = e.agent_id LEFT JOIN roster r ON r.agent = a.ifi
            WHERE e.at_ms BETWEEN $1 AND $2 AND ($3::text IS NULL OR \(Self.team(3)))\(program == nil ? "" : " AND e.program = $4")
            GROUP BY day ORDER BY day
            """, binds: binds), logger: logger)
        var days: [DailyVolume] = []
        for try await (day, count) in rows.decode((Int64, Int).self) { days.append(DailyVolume(day: Day(ordinal: day), statements: count)) }
        return days
    }
}
