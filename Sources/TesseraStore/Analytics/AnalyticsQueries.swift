import TesseraAnalytics
import XAPI

/// Reads the analytics roll-ups (never statement JSON).
enum AnalyticsQueries {
    /// Each learner's standing per skill as of `asOf` (nil: everything stored), from the
    /// `proficiency` roll-up; for learners whose latest score is after `asOf`, the latest one
    /// before it is looked up in `skill_events`.
    static func proficiency(asOf: Int64?, skill: String?, on connection: SQLiteConnection) throws -> [LearnerProficiency] {
        let select = try connection.prepared("""
            SELECT p.skill, a.ifi, p.agent_id, p.first_at, p.first_seq, p.first_score, p.latest_at, p.latest_seq, p.latest_score
            FROM proficiency p JOIN agents a ON a.id = p.agent_id
            WHERE (?1 IS NULL OR p.skill = ?1) AND p.first_at <= ?2
            """)
        select.bind(1, skill)
        select.bind(2, asOf ?? Int64.max)
        let earlier = try connection.prepared("""
            SELECT score, seq FROM skill_events
            WHERE skill = ? AND agent_id = ? AND kind & 1 != 0 AND at_ms <= ? ORDER BY at_ms DESC, seq DESC LIMIT 1
            """)
        var standings: [LearnerProficiency] = []
        while try select.step() {
            guard let agent = InverseFunctionalIdentifier(storageKey: select.text(1)) else { continue }
            let skill = select.text(0)
            let firstSeq = select.int64(4), firstScore = select.double(5)
            var latestSeq = select.int64(7), latestScore = select.double(8)
            if let asOf, select.int64(6) > asOf {
                earlier.reset()
                earlier.bind(1, skill)
                earlier.bind(2, select.int64(2))
                earlier.bind(3, asOf)
                guard try earlier.step() else { continue }
                latestScore = earlier.double(0)
                latestSeq = earlier.int64(1)
            }
            standings.append(LearnerProficiency(
                agent: agent, skill: skill, latest: latestScore, first: latestSeq == firstSeq ? nil : firstScore))
        }
        return standings
    }

    /// The roster's teams by agent key (people without a team are left out).
    static func teams(on connection: SQLiteConnection) throws -> [String: String] {
        let select = try connection.prepared("SELECT agent, team FROM roster WHERE team IS NOT NULL")
        var teams: [String: String] = [:]
        while try select.step() { teams[select.text(0)] = select.text(1) }
        return teams
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
    /// or one of its activities.
    static func enrolled(_ program: Catalog.Program, from: Int64, to: Int64, on connection: SQLiteConnection) throws -> Set<Int64> {
        let targets = try ids([program.id] + program.activities, in: "activities", on: connection)
        guard !targets.isEmpty else { return [] }
        let select = try connection.prepared("""
            SELECT DISTINCT e.agent_id FROM statement_activities sa JOIN learning_events e ON e.seq = sa.seq
            WHERE sa.activity_id IN (\(placeholders(targets.count))) AND sa.role & 7 != 0 AND e.at_ms BETWEEN ? AND ?
            """)
        var index: Int32 = 1
        for id in targets + [from, to] {
            select.bind(index, id)
            index += 1
        }
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

    /// Each learner's knowledge-retention pair per skill: the first `passed` score and the first
    /// assessment score at least `minDays` later (learners without a follow-up are left out).
    static func retentionPairs(skill: String?, minDays: Int, on connection: SQLiteConnection) throws -> [String: [(baseline: Double, followUp: Double)]] {
        let baselines = try connection.prepared("""
            SELECT skill, agent_id, at_ms, score FROM skill_events
            WHERE kind & 2 != 0 AND (?1 IS NULL OR skill = ?1) ORDER BY skill, agent_id, at_ms, seq
            """)
        baselines.bind(1, skill)
        var firsts: [(skill: String, agent: Int64, at: Int64, score: Double)] = []
        while try baselines.step() {
            let skill = baselines.text(0), agent = baselines.int64(1)
            if let last = firsts.last, last.skill == skill, last.agent == agent { continue }
            firsts.append((skill, agent, baselines.int64(2), baselines.double(3)))
        }
        let followUp = try connection.prepared("""
            SELECT score FROM skill_events WHERE skill = ? AND agent_id = ? AND kind & 1 != 0 AND at_ms >= ?
            ORDER BY at_ms, seq LIMIT 1
            """)
        var pairs: [String: [(baseline: Double, followUp: Double)]] = [:]
        for first in firsts {
            followUp.reset()
            followUp.bind(1, first.skill)
            followUp.bind(2, first.agent)
            followUp.bind(3, first.at + Int64(minDays) * 86_400_000)
            if try followUp.step() { pairs[first.skill, default: []].append((first.score, followUp.double(0))) }
        }
        followUp.reset()
        return pairs
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
