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
    /// all, summed in SQL per (team, skill, level). Over everything stored or as of the end of a
    /// day, from the per-day roll-ups (`PostgresProficiencyDays`); as of another instant, from
    /// each learner's standing in the `proficiency` roll-up (or, when its latest score is later
    /// than `asOf`, the latest before it in `skill_events`), a learner's level being the last of
    /// the catalog's levels whose minimum their latest score reaches (-1: none), one CASE.
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
        // Everything stored, or as of the end of a day: the per-day roll-up has the sums.
        let sums: String? = switch asOf {
        case nil: PostgresProficiencyDays.sumsSQL(day: nil)
        case let asOf?: Day(containing: asOf).endMilliseconds == asOf ? PostgresProficiencyDays.sumsSQL(day: Day(containing: asOf).ordinal) : nil
        }
        let before = "SELECT e.%@ FROM skill_events e WHERE e.skill = p.skill AND e.agent_id = p.agent_id AND e.kind & 1 != 0 AND e.at_ms <= $1 ORDER BY e.at_ms DESC, e.seq DESC LIMIT 1"
        // Otherwise each standing's latest score before `asOf` is looked up (materialized: once,
        // though used three times).
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sums ?? """
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
        var levelSums: [LevelSums] = []
        for try await (team, skill, level, learners, scores, gainLearners, gains) in rows.decode((String, Int64, Int, Int, Double, Int, Double).self) {
            levelSums.append(LevelSums(team: team, skill: skill, level: level, learners: learners, scores: scores, gainLearners: gainLearners, gains: gains))
        }
        let names = try await termNames(Array(Set(levelSums.map(\.skill))), on: connection, logger: logger)
        return proficiencyRows(levelSums, catalog: catalog, names: names)
    }

    /// One (team, skill, level)'s sums, as the roll-ups and the per-learner query give them.
    struct LevelSums {
        let team: String, skill: Int64, level: Int, learners: Int, scores: Double, gainLearners: Int, gains: Double
    }

    /// The report's rows from its (team, skill, level) sums, sorted by team then skill.
    static func proficiencyRows(_ sums: [LevelSums], catalog: Catalog, names: [Int64: String]) -> [ProficiencyRow] {
        struct Key: Hashable {
            let team: String
            let skill: Int64
        }
        struct Totals {
            var assessed = 0, scoreSum = 0.0, gainLearners = 0, gainSum = 0.0
            var levels: [Int: Int] = [:]
        }
        var totals: [Key: Totals] = [:]
        for sum in sums {
            var entry = totals[Key(team: sum.team, skill: sum.skill), default: Totals()]
            entry.assessed += sum.learners
            entry.scoreSum += sum.scores
            entry.gainLearners += sum.gainLearners
            entry.gainSum += sum.gains
            if sum.level >= 0 { entry.levels[sum.level, default: 0] += sum.learners }
            totals[Key(team: sum.team, skill: sum.skill)] = entry
        }
        return totals.filter { $0.value.assessed > 0 }.map { key, entry in
            ProficiencyRow(
                team: key.team, skill: names[key.skill] ?? "", assessed: entry.assessed, meanProficiency: entry.scoreSum / Double(entry.assessed),
                meanGain: entry.gainLearners == 0 ? nil : entry.gainSum / Double(entry.gainLearners), gainLearners: entry.gainLearners,
                levels: catalog.levels.enumerated().map { ($1.name, entry.levels[$0] ?? 0) })
        }.sorted { ($0.team, $0.skill) < ($1.team, $1.skill) }
    }

    /// The IRIs of analytics terms, by id.
    static func termNames(_ ids: [Int64], on connection: PostgresConnection, logger: Logger) async throws -> [Int64: String] {
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
    /// windowDays], inside the window. Every program is asked about at once: five queries
    /// whatever their number.
    static func outcomes(
        programs: [Catalog.Program], from: Int64, to: Int64, windowDays: Int, team: String?, on connection: PostgresConnection, logger: Logger
    ) async throws -> [ProgramOutcome] {
        let terms = try await ids(programs.map(\.id) + programs.flatMap(\.skills), in: "analytics_terms", on: connection, logger: logger)
        let programIDs = programs.compactMap { terms[$0.id] }
        var binds = PostgresBindings()
        binds.append(programIDs)
        binds.append(from)
        binds.append(to)
        binds.append(team)
        // From `program_learners` (one row per person) when the window holds all of a program's
        // events, otherwise from its events in the window. For a team, its members are listed
        // once; for the people in no team, each person is looked up in the roster.
        let inTeam: String, teamCondition: String
        switch team {
        case nil: (inTeam, teamCondition) = ("", "$4::text IS NULL")
        case Roster.unassignedTeam?: (inTeam, teamCondition) = ("JOIN agents a ON a.id = p.agent_id LEFT JOIN roster r ON r.agent = a.ifi", Self.team(4))
        default: (inTeam, teamCondition) = ("JOIN members m ON m.id = p.agent_id", "TRUE")
        }
        let enrolledRows = try await connection.query(PostgresQuery(unsafeSQL: """
            WITH members AS MATERIALIZED (SELECT a.id FROM roster r JOIN agents a ON a.ifi = r.agent WHERE r.team = $4)
            SELECT u.program, CASE WHEN $2 <= s.first_at AND s.last_at <= $3
                THEN (SELECT COUNT(*) FROM program_learners p \(inTeam) WHERE p.program = u.program AND \(teamCondition))
                ELSE (SELECT COUNT(DISTINCT p.agent_id) FROM program_events p \(inTeam)
                      WHERE p.program = u.program AND p.at_ms BETWEEN $2 AND $3 AND \(teamCondition))
                END::int
            FROM unnest($1::bigint[]) AS u (program)
            CROSS JOIN LATERAL (SELECT MIN(at_ms) AS first_at, MAX(at_ms) AS last_at FROM program_events WHERE program = u.program) s
            """, binds: binds), logger: logger)
        var enrolled: [Int64: Int] = [:]
        for try await (program, count) in enrolledRows.decode((Int64, Int).self) { enrolled[program] = count }
        let completed = try await completions(programs, from: from, to: to, team: team, on: connection, logger: logger)
        // (program's place, completer, completion time) and (program's place, skill), for one
        // look-up of every completer's behaviour.
        var completers: (program: [Int], agent: [Int64], at: [Int64]) = ([], [], [])
        var skills: (program: [Int], skill: [Int64]) = ([], [])
        for (index, program) in programs.enumerated() {
            for (agent, at) in completed[index] {
                completers.program.append(index)
                completers.agent.append(agent)
                completers.at.append(at)
            }
            for skill in program.skills.compactMap({ terms[$0] }) {
                skills.program.append(index)
                skills.skill.append(skill)
            }
        }
        let changedRows = try await connection.query("""
            SELECT c.program, COUNT(*)::int
            FROM unnest(\(completers.program)::int[], \(completers.agent)::bigint[], \(completers.at)::bigint[]) AS c (program, agent, completed_at)
            WHERE EXISTS (SELECT 1 FROM unnest(\(skills.program)::int[], \(skills.skill)::bigint[]) AS k (program, skill)
                JOIN skill_events s ON s.skill = k.skill
                WHERE k.program = c.program AND s.agent_id = c.agent AND s.kind & 4 != 0 AND (s.success IS NULL OR s.success)
                  AND s.at_ms > c.completed_at AND s.at_ms <= LEAST(\(to), c.completed_at + \(Int64(windowDays) * 86_400_000)))
            GROUP BY c.program
            """, logger: logger)
        var changed: [Int: Int] = [:]
        for try await (index, count) in changedRows.decode((Int, Int).self) { changed[index] = count }
        return programs.enumerated().map { index, program in
            ProgramOutcome(
                program: program, enrolled: terms[program.id].flatMap { enrolled[$0] } ?? 0, completed: completed[index].count,
                behaviorChanged: changed[index] ?? 0)
        }
    }

    /// The ids of those of `iris` that `table` (activities or analytics_terms) holds.
    private static func ids(_ iris: [String], in table: String, on connection: PostgresConnection, logger: Logger) async throws -> [String: Int64] {
        var binds = PostgresBindings()
        binds.append(Array(Set(iris)))
        var ids: [String: Int64] = [:]
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT iri, id FROM \(table) WHERE iri = ANY($1)", binds: binds), logger: logger)
        for try await (iri, id) in rows.decode((String, Int64).self) { ids[iri] = id }
        return ids
    }

    /// When each person (of `team`, when named) completed each of `programs` within [from,
    /// to] (`ProgramCompletion`), in the programs' order; one query for all of them.
    static func completions(
        _ programs: [Catalog.Program], from: Int64, to: Int64, team: String?, on connection: PostgresConnection, logger: Logger
    ) async throws -> [[Int64: Int64]] {
        let activities = try await ids(programs.flatMap(\.activities), in: "activities", on: connection, logger: logger)
        var binds = PostgresBindings()
        binds.append(Array(activities.values))
        binds.append(from)
        binds.append(to)
        binds.append(team)
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT c.activity_id, c.agent_id, MIN(c.at_ms) FROM completion_events c JOIN agents a ON a.id = c.agent_id
            LEFT JOIN roster r ON r.agent = a.ifi
            WHERE c.activity_id = ANY($1) AND c.at_ms BETWEEN $2 AND $3 AND ($4::text IS NULL OR \(Self.team(4)))
            GROUP BY c.activity_id, c.agent_id
            """, binds: binds), logger: logger)
        var firsts: [Int64: [(agent: Int64, at: Int64)]] = [:]
        for try await (activity, agent, at) in rows.decode((Int64, Int64, Int64).self) { firsts[activity, default: []].append((agent, at)) }
        return programs.map { program in
            let ids = Set(program.activities).compactMap { activities[$0] }
            // A program with an activity no statement ever named has no completers.
            guard ids.count == Set(program.activities).count else { return [:] }
            return ProgramCompletion.completedAt(ids.flatMap { firsts[$0] ?? [] }, activities: ids.count)
        }
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
            SELECT t.iri, x.pairs, x.baselines, x.follow_ups, x.retained, x.reached, x.still_there FROM (
            SELECT x.skill, COUNT(*)::int AS pairs, SUM(x.baseline) AS baselines, SUM(x.follow_up) AS follow_ups,
                   (COUNT(*) FILTER (WHERE x.follow_up >= $4))::int AS retained,
                   (COUNT(*) FILTER (WHERE x.baseline >= $4))::int AS reached,
                   (COUNT(*) FILTER (WHERE x.baseline >= $4 AND x.follow_up >= $4))::int AS still_there
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
        for try await (skill, pairs, baselines, followUps, retained, reached, stillThere)
            in rows.decode((String, Int, Double, Double, Int, Int, Int).self) {
            let count = Double(pairs)
            results.append(KnowledgeRetention(
                skill: skill, pairs: pairs, meanBaseline: baselines / count, meanFollowUp: followUps / count,
                meanChange: (followUps - baselines) / count, retainedRate: Double(retained) / count,
                reachedMastery: reached, stillAtMastery: stillThere))
        }
        return results.sorted { $0.skill < $1.skill }
    }

    /// The roster's people for employee retention: those who completed one of `programs` at or
    /// before `from` marked as participants.
    static func retentionMembers(
        _ programs: [Catalog.Program], from: Int64, on connection: PostgresConnection, logger: Logger
    ) async throws -> [EmployeeRetention.Member] {
        var participants = Set<Int64>()
        for completed in try await completions(programs, from: Int64.min, to: from, team: nil, on: connection, logger: logger) {
            participants.formUnion(completed.keys)
        }
        let rows = try await connection.query(
            "SELECT a.id, r.team, r.hired_day, r.left_day FROM roster r LEFT JOIN agents a ON a.ifi = r.agent", logger: logger)
        var members: [EmployeeRetention.Member] = []
        for try await (agent, team, hired, left) in rows.decode((Int64?, String?, Int32, Int32?).self) {
            members.append(EmployeeRetention.Member(
                team: team, hired: Day(ordinal: Int64(hired)), left: left.map { Day(ordinal: Int64($0)) },
                participated: agent.map(participants.contains) ?? false))
        }
        return members
    }

    /// Everyone on the roster with when they completed each of `programs` at or before `until`.
    static func programCompletions(
        _ programs: [Catalog.Program], until: Int64, on connection: PostgresConnection, logger: Logger
    ) async throws -> [PersonCompletions] {
        let completers = try await completions(programs, from: Int64.min, to: until, team: nil, on: connection, logger: logger)
        return try await PostgresCatalogAndRoster.peopleWithAgentIDs(on: connection, logger: logger).map { person, id in
            var completed: [String: Int64] = [:]
            if let id {
                for (program, completers) in zip(programs, completers) { completed[program.id] = completers[id] }
            }
            return PersonCompletions(person: person, completed: completed)
        }
    }

    /// One learner's roster entry, skill events and first completion of each program activity: index scans
    /// on (skill, agent) for every term and on (activity, agent).
    static func learnerEvents(
        _ agent: InverseFunctionalIdentifier, catalog: Catalog, on connection: PostgresConnection, logger: Logger
    ) async throws -> LearnerEvents {
        let person = try await PostgresCatalogAndRoster.person(agent, on: connection, logger: logger)
        guard let agentID = try await column(Int64.self, "SELECT id FROM agents WHERE ifi = \(agent.storageKey)", on: connection, logger: logger).first else {
            return LearnerEvents(person: person, skillEvents: [], firstCompletions: [:])
        }
        let activities = try await ids(catalog.programs.flatMap(\.activities), in: "activities", on: connection, logger: logger)
        // The terms that can be skills the record shows (the catalog's, and those a category
        // prefix makes), as an array: one index scan per (skill, agent).
        let terms = try await column(Int64.self, """
            SELECT id FROM analytics_terms
            WHERE iri = ANY(\(catalog.skills.map(\.id))) OR EXISTS (SELECT 1 FROM unnest(\(catalog.skillCategoryPrefixes)::text[]) AS p(prefix) WHERE starts_with(iri, p.prefix))
            """, on: connection, logger: logger)
        let events = try await connection.query("""
            SELECT t.iri, e.at_ms, e.seq, e.kind, e.score, e.success FROM skill_events e JOIN analytics_terms t ON t.id = e.skill
            WHERE e.skill = ANY(\(terms)) AND e.agent_id = \(agentID)
            ORDER BY e.at_ms, e.seq
            """, logger: logger)
        var skillEvents: [LearnerEvents.SkillEvent] = []
        for try await (skill, at, seq, kind, score, success) in events.decode((String, Int64, Int64, Int16, Double?, Bool?).self) {
            skillEvents.append(LearnerEvents.SkillEvent(
                skill: skill, at: at, seq: seq, kind: SkillFact.Kind(rawValue: Int64(kind)), score: score, success: success))
        }
        let firsts = try await connection.query("""
            SELECT a.iri, MIN(c.at_ms) FROM completion_events c JOIN activities a ON a.id = c.activity_id
            WHERE c.activity_id = ANY(\(Array(activities.values))) AND c.agent_id = \(agentID)
            GROUP BY a.iri
            """, logger: logger)
        var firstCompletions: [String: Int64] = [:]
        for try await (activity, at) in firsts.decode((String, Int64).self) { firstCompletions[activity] = at }
        return LearnerEvents(person: person, skillEvents: skillEvents, firstCompletions: firstCompletions)
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
