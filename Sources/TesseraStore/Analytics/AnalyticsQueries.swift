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
