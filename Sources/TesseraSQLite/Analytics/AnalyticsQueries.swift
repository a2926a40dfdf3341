import TesseraLRS
import TesseraAnalytics
import XAPI

/// Reads the analytics roll-ups (never statement JSON).
enum AnalyticsQueries {
    /// The proficiency report as of `asOf` (nil: everything stored). Everything stored comes
    /// from `proficiency_totals`; the end of a day (what a bare date means) from the per-day
    /// `proficiency_days`; any other instant from each learner's standing (`proficiency`, and
    /// `skill_events` for learners whose latest score is later).
    static func proficiencyRows(
        asOf: Int64?, skill: String?, team: String?, catalog: Catalog, on connection: SQLiteConnection
    ) throws -> [ProficiencyRow] {
        var skillID: Int64?
        if let skill {
            guard let known = try AnalyticsTerms.id(of: skill, on: connection) else { return [] }
            skillID = known
        }
        guard let asOf else { return try ProficiencyDays.rows(upTo: nil, skill: skillID, team: team, catalog: catalog, on: connection) }
        let day = Day(containing: asOf)
        if day.endMilliseconds == asOf {
            return try ProficiencyDays.rows(upTo: day.ordinal, skill: skillID, team: team, catalog: catalog, on: connection)
        }
        return try learnerProficiencyRows(asOf: asOf, skill: skillID, team: team, catalog: catalog, on: connection)
    }

    /// The proficiency report from the `proficiency` roll-up: each learner's latest score as of
    /// `asOf` is the roll-up's, or — when that is later than `asOf` —
    /// the latest before it in `skill_events`. Rows come in (skill, learner) order with integer
    /// learner ids, and are summed per (team, skill) here rather than sorted by text in SQL.
    private static func learnerProficiencyRows(
        asOf: Int64, skill: Int64?, team: String?, catalog: Catalog, on connection: SQLiteConnection
    ) throws -> [ProficiencyRow] {
        let terms = try AnalyticsTerms.all(on: connection)
        // Team slots: learners map to a slot, rows are summed per slot for one skill at a time.
        var teamNames: [String] = [], slotOfTeam: [String: Int] = [:], slotOfLearner: [Int64: Int] = [:]
        func slot(_ name: String) -> Int {
            if let known = slotOfTeam[name] { return known }
            teamNames.append(name)
            slotOfTeam[name] = teamNames.count - 1
            return teamNames.count - 1
        }
        for (learner, name) in try CatalogAndRoster.teams(on: connection) { slotOfLearner[learner] = slot(name) }
        let unassigned = slot(Roster.unassignedTeam)
        let wanted = team.map(slot)
        let select = try connection.prepared("""
            SELECT p.skill, p.agent_id, p.first_seq, p.first_score,
                CASE WHEN p.latest_at <= ?1 THEN p.latest_seq ELSE (
                    SELECT e.seq FROM skill_events e WHERE e.skill = p.skill AND e.agent_id = p.agent_id
                        AND e.kind & 1 != 0 AND e.at_ms <= ?1 ORDER BY e.at_ms DESC, e.seq DESC LIMIT 1) END,
                CASE WHEN p.latest_at <= ?1 THEN p.latest_score ELSE (
                    SELECT e.score FROM skill_events e WHERE e.skill = p.skill AND e.agent_id = p.agent_id
                        AND e.kind & 1 != 0 AND e.at_ms <= ?1 ORDER BY e.at_ms DESC, e.seq DESC LIMIT 1) END
            FROM proficiency p WHERE p.first_at <= ?1 AND (?2 IS NULL OR p.skill = ?2) ORDER BY p.skill
            """)
        select.bind(1, asOf)
        select.bind(2, skill)
        let days = ProficiencyDays(catalog)
        var rows: [ProficiencyRow] = []
        var currentSkill: Int64 = -1
        var totals: [ProficiencyTotals] = []
        func close() {
            for (slot, entry) in totals.enumerated() {
                if let row = entry.row(team: teamNames[slot], skill: terms[currentSkill] ?? "") { rows.append(row) }
            }
        }
        while try select.step() {
            if select.int64(0) != currentSkill {
                close()
                currentSkill = select.int64(0)
                totals = Array(repeating: ProficiencyTotals(catalog), count: teamNames.count)
            }
            let learnerSlot = slotOfLearner[select.int64(1)] ?? unassigned
            if let wanted, learnerSlot != wanted { continue }
            let latest = select.double(5)
            let first = select.int64(4) != select.int64(2) ? select.double(3) : nil
            totals[learnerSlot].add(ProficiencyDays.Change(latest: latest, first: first), level: days.level(of: latest))
        }
        close()
        return rows.sorted { ($0.team, $0.skill) < ($1.team, $1.skill) }
    }
}

extension AnalyticsQueries {
    /// The ids of the known `iris` in `table` (`activities`, `verbs` or `analytics_terms`).
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

    /// When each person completed `program` within [from, to] (from `completion_events`): the
    /// latest, over the program's activities, of each activity's first completion. People who
    /// did not complete every activity are absent.
    static func completions(_ program: Catalog.Program, from: Int64, to: Int64, on connection: SQLiteConnection) throws -> [Int64: Int64] {
        let activities = try ids(program.activities, in: "activities", on: connection)
        guard activities.count == Set(program.activities).count else { return [:] }
        let select = try connection.prepared("""
            SELECT agent_id, activity_id, MIN(at_ms) FROM completion_events
            WHERE activity_id IN (\(placeholders(activities.count))) AND at_ms BETWEEN ? AND ?
            GROUP BY activity_id, agent_id
            """)
        var index: Int32 = 1
        for id in activities + [from, to] {
            select.bind(index, id)
            index += 1
        }
        var firsts: [(agent: Int64, at: Int64)] = []
        while try select.step() { firsts.append((select.int64(0), select.int64(2))) }
        return ProgramCompletion.completedAt(firsts, activities: activities.count)
    }

    /// How many people (of `team`, when named) have a statement in [from, to] whose object,
    /// parent or grouping is the program or one of its activities: from `program_learners` (one
    /// row per person) when the window holds all of the program's events, otherwise counted
    /// from `program_events` (distinct in a Set: several times cheaper than SQL's DISTINCT,
    /// which inserts every row into a temporary B-tree).
    static func enrolledCount(
        _ program: Catalog.Program, from: Int64, to: Int64, team: TeamMembers?, on connection: SQLiteConnection
    ) throws -> Int {
        guard let id = try AnalyticsTerms.id(of: program.id, on: connection) else { return 0 }
        // Two subqueries: each is one index seek, where MIN and MAX together would scan.
        let span = try connection.prepared("""
            SELECT (SELECT MIN(at_ms) FROM program_events WHERE program = ?1), (SELECT MAX(at_ms) FROM program_events WHERE program = ?1)
            """)
        span.bind(1, id)
        guard try span.step(), !span.isNull(0) else { return 0 }
        let (earliest, latest) = (span.int64(0), span.int64(1))
        span.reset()
        let wholeSpan = from <= earliest && latest <= to
        if wholeSpan && team == nil {
            let count = try connection.prepared("SELECT COUNT(*) FROM program_learners WHERE program = ?")
            count.bind(1, id)
            defer { count.reset() }
            return try count.step() ? Int(count.int64(0)) : 0
        }
        let select = try connection.prepared(wholeSpan
            ? "SELECT agent_id FROM program_learners WHERE program = ?"
            : "SELECT agent_id FROM program_events WHERE program = ? AND at_ms BETWEEN ? AND ?")
        select.bind(1, id)
        if !wholeSpan {
            select.bind(2, from)
            select.bind(3, to)
        }
        var agents = Set<Int64>()
        while try select.step() {
            let agent = select.int64(0)
            if team?.contains(agent) ?? true { agents.insert(agent) }
        }
        return agents.count
    }

    /// True when the person has a behaviour statement about one of `skills`, with success not
    /// false, in (after, until].
    static func showedBehavior(agent: Int64, skills: [Int64], after: Int64, until: Int64, on connection: SQLiteConnection) throws -> Bool {
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

    /// Knowledge retention per skill: each learner's baseline (the `retention_baseline`
    /// roll-up: first `passed` score on the skill) paired with their first assessment score at
    /// least `minDays` later — kept in the roll-up for the default gap, looked up in
    /// `skill_events` for any other — summed per skill as the rows pass in skill order.
    static func knowledgeRetention(
        skill: String?, minDays: Int, masteryScore: Double, team: TeamMembers?, on connection: SQLiteConnection
    ) throws -> [KnowledgeRetention] {
        var skillID: Int64?
        if let skill {
            guard let known = try AnalyticsTerms.id(of: skill, on: connection) else { return [] }
            skillID = known
        }
        let terms = try AnalyticsTerms.all(on: connection)
        let select = try connection.prepared("""
            SELECT b.skill, b.score, CASE WHEN ?2 = ?3 THEN b.follow_score ELSE (
                SELECT e.score FROM skill_events e WHERE e.skill = b.skill AND e.agent_id = b.agent_id
                    AND e.kind & 1 != 0 AND e.at_ms >= b.at_ms + ?2 ORDER BY e.at_ms, e.seq LIMIT 1) END, b.agent_id
            FROM retention_baseline b WHERE ?1 IS NULL OR b.skill = ?1 ORDER BY b.skill
            """)
        select.bind(1, skillID)
        select.bind(2, Int64(minDays) * 86_400_000)
        select.bind(3, LearningFacts.followUpGap)
        // Rows come in skill order: sum each skill's pairs as they pass.
        var rows: [KnowledgeRetention] = []
        var current: Int64 = -1
        var pairs = 0, baselines = 0.0, followUps = 0.0, retained = 0, reached = 0, stillThere = 0
        func close() {
            guard pairs > 0 else { return }
            let count = Double(pairs)
            rows.append(KnowledgeRetention(
                skill: terms[current] ?? "", pairs: pairs, meanBaseline: baselines / count, meanFollowUp: followUps / count,
                meanChange: (followUps - baselines) / count, retainedRate: Double(retained) / count,
                reachedMastery: reached, stillAtMastery: stillThere))
        }
        while try select.step() {
            if select.int64(0) != current {
                close()
                current = select.int64(0)
                (pairs, baselines, followUps, retained, reached, stillThere) = (0, 0, 0, 0, 0, 0)
            }
            guard !select.isNull(2), team?.contains(select.int64(3)) ?? true else { continue }
            let (baseline, followUp) = (select.double(1), select.double(2))
            pairs += 1
            baselines += baseline
            followUps += followUp
            if followUp >= masteryScore { retained += 1 }
            if baseline >= masteryScore {
                reached += 1
                if followUp >= masteryScore { stillThere += 1 }
            }
        }
        close()
        return rows.sorted { $0.skill < $1.skill }
    }
}

extension AnalyticsQueries {
    /// One learner's roster entry, skill events and first completion of each program activity: index seeks
    /// on (skill, agent) and (activity, agent), whatever the store's size.
    static func learnerEvents(_ agent: InverseFunctionalIdentifier, catalog: Catalog, on connection: SQLiteConnection) throws -> LearnerEvents {
        let person = try CatalogAndRoster.person(agent, on: connection)
        let find = try connection.prepared("SELECT id FROM agents WHERE ifi = ?")
        find.bind(1, agent.storageKey)
        guard try find.step() else { return LearnerEvents(person: person, skillEvents: [], firstCompletions: [:]) }
        let agentID = find.int64(0)
        var skillEvents: [LearnerEvents.SkillEvent] = []
        let events = try connection.prepared(
            "SELECT at_ms, seq, kind, score, success FROM skill_events WHERE skill = ? AND agent_id = ? ORDER BY at_ms, seq")
        // The terms that can be skills the record shows (the catalog's, and those a category
        // prefix makes): one index seek each, where filtering on the agent alone would read the
        // whole table.
        let listed = Set(catalog.skills.map(\.id))
        for (id, skill) in try AnalyticsTerms.all(on: connection)
        where listed.contains(skill) || catalog.skillCategoryPrefixes.contains(where: skill.hasPrefix) {
            events.reset()
            events.bind(1, id)
            events.bind(2, agentID)
            while try events.step() {
                skillEvents.append(LearnerEvents.SkillEvent(
                    skill: skill, at: events.int64(0), seq: events.int64(1), kind: SkillFact.Kind(rawValue: events.int64(2)),
                    score: events.isNull(3) ? nil : events.double(3), success: events.isNull(4) ? nil : events.int64(4) != 0))
            }
        }
        var firstCompletions: [String: Int64] = [:]
        let activity = try connection.prepared("SELECT id FROM activities WHERE iri = ?")
        let first = try connection.prepared("SELECT MIN(at_ms) FROM completion_events WHERE activity_id = ? AND agent_id = ?")
        for iri in Set(catalog.programs.flatMap(\.activities)) {
            activity.reset()
            activity.bind(1, iri)
            guard try activity.step() else { continue }
            first.reset()
            first.bind(1, activity.int64(0))
            first.bind(2, agentID)
            if try first.step(), !first.isNull(0) { firstCompletions[iri] = first.int64(0) }
        }
        return LearnerEvents(person: person, skillEvents: skillEvents, firstCompletions: firstCompletions)
    }
}
