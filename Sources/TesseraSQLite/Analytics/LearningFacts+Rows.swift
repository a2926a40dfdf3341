import TesseraLRS
import TesseraAnalytics

/// The single-row reads and writes of the fact tables that recording and voiding use.
extension LearningFacts {
    /// The catalog-independent fact: the statement's row in `learning_events`.
    static func insertEvent(_ event: LearningEvent, seq: Int64, at: Int64, ids: IDs, on connection: SQLiteConnection) throws {
        let insert = try connection.prepared("""
            INSERT INTO learning_events (seq, agent_id, verb_id, activity_id, at_ms, score, success) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        insert.bind(1, seq)
        insert.bind(2, ids.agent)
        insert.bind(3, ids.verb)
        insert.bind(4, ids.activity)
        insert.bind(5, at)
        insert.bind(6, event.score)
        insert.bind(7, event.success.map { Int64($0 ? 1 : 0) })
        try insert.step()
    }

    static func insert(
        _ kind: SkillFact.Kind, skill: Int64, agent: Int64, at: Int64, seq: Int64, score: Double?, success: Bool?,
        on connection: SQLiteConnection
    ) throws {
        let insert = try connection.prepared("""
            INSERT OR IGNORE INTO skill_events (skill, agent_id, at_ms, seq, kind, score, success) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        insert.bind(1, skill)
        insert.bind(2, agent)
        insert.bind(3, at)
        insert.bind(4, seq)
        insert.bind(5, kind.rawValue)
        insert.bind(6, score)
        insert.bind(7, success.map { Int64($0 ? 1 : 0) })
        try insert.step()
    }

    /// The learner's stored standing in the skill.
    static func standing(_ skill: Int64, agent: Int64, on connection: SQLiteConnection) throws -> ProficiencyDays.Standing? {
        let select = try connection.prepared("""
            SELECT first_at, first_seq, first_score, latest_at, latest_seq, latest_score FROM proficiency WHERE skill = ? AND agent_id = ?
            """)
        select.bind(1, skill)
        select.bind(2, agent)
        defer { select.reset() }
        guard try select.step() else { return nil }
        return ProficiencyDays.Standing(first: select.scorePoint(0), latest: select.scorePoint(3))
    }

    /// The learner's assessment just before (or after) `point` in the skill.
    static func neighbour(
        _ skill: Int64, agent: Int64, of point: ScorePoint, before: Bool, on connection: SQLiteConnection
    ) throws -> ScorePoint? {
        let select = try connection.prepared(before ? """
            SELECT at_ms, seq, score FROM skill_events WHERE skill = ?1 AND agent_id = ?2 AND kind & 1 != 0
                AND (at_ms, seq) < (?3, ?4) ORDER BY at_ms DESC, seq DESC LIMIT 1
            """ : """
            SELECT at_ms, seq, score FROM skill_events WHERE skill = ?1 AND agent_id = ?2 AND kind & 1 != 0
                AND (at_ms, seq) > (?3, ?4) ORDER BY at_ms, seq LIMIT 1
            """)
        select.bind(1, skill)
        select.bind(2, agent)
        select.bind(3, point.at)
        select.bind(4, point.seq)
        defer { select.reset() }
        return try select.step() ? select.scorePoint(0) : nil
    }

    /// The learner's assessments of the skill, in time order.
    static func timeline(_ skill: Int64, agent: Int64, on connection: SQLiteConnection) throws -> [ScorePoint] {
        let select = try connection.prepared("""
            SELECT at_ms, seq, score FROM skill_events WHERE skill = ? AND agent_id = ? AND kind & 1 != 0 ORDER BY at_ms, seq
            """)
        select.bind(1, skill)
        select.bind(2, agent)
        defer { select.reset() }
        var points: [ScorePoint] = []
        while try select.step() { points.append(select.scorePoint(0)) }
        return points
    }

    /// Keeps the learner's earliest `passed` score on the skill; when this one becomes it, the
    /// follow-up is looked up again. Read first: a later `passed` (the usual case) writes nothing.
    static func advanceBaseline(_ skill: Int64, agent: Int64, _ point: ScorePoint, on connection: SQLiteConnection) throws {
        let known = try connection.prepared("SELECT at_ms, seq FROM retention_baseline WHERE skill = ? AND agent_id = ?")
        known.bind(1, skill)
        known.bind(2, agent)
        let isLater = try known.step() && (known.int64(0), known.int64(1)) <= (point.at, point.seq)
        known.reset()
        guard !isLater else { return }
        try run(writeBaseline, skill: skill, agent: agent, point, on: connection)
        try refreshFollowUps(skill: skill, agent: agent, on: connection)
    }

    /// The gap the stored follow-ups are kept for: the contract's default `minDays`.
    static let followUpGap = Int64(KnowledgeRetention.defaultMinDays) * 86_400_000

    /// Makes this assessment the learner's follow-up in the skill if it comes at least
    /// `followUpGap` after their baseline and before the follow-up known so far.
    static func offerFollowUp(_ skill: Int64, agent: Int64, _ point: ScorePoint, on connection: SQLiteConnection) throws {
        let update = try connection.prepared("""
            UPDATE retention_baseline SET follow_at = ?3, follow_seq = ?4, follow_score = ?5
            WHERE skill = ?1 AND agent_id = ?2 AND ?3 >= at_ms + ?6 AND (follow_at IS NULL OR (?3, ?4) < (follow_at, follow_seq))
            """)
        update.bind(1, skill)
        update.bind(2, agent)
        update.bind(3, point.at)
        update.bind(4, point.seq)
        update.bind(5, point.score)
        update.bind(6, followUpGap)
        try update.step()
    }

    /// Sets each baseline's follow-up to the learner's first assessment at least `?3` later.
    static let lookUpFollowUps = """
        UPDATE retention_baseline SET (follow_at, follow_seq, follow_score) = (
            SELECT e.at_ms, e.seq, e.score FROM skill_events e
            WHERE e.skill = retention_baseline.skill AND e.agent_id = retention_baseline.agent_id AND e.kind & 1 != 0
                AND e.at_ms >= retention_baseline.at_ms + ?3 ORDER BY e.at_ms, e.seq LIMIT 1)
        """

    /// The same for one baseline (a separate statement: `?1 IS NULL OR …` would scan them all).
    static let lookUpFollowUp = lookUpFollowUps + " WHERE skill = ?1 AND agent_id = ?2"

    /// Looks the follow-up of one baseline (or, without a skill, of every baseline) up again.
    static func refreshFollowUps(skill: Int64? = nil, agent: Int64 = 0, on connection: SQLiteConnection) throws {
        let update = try connection.prepared(skill == nil ? lookUpFollowUps : lookUpFollowUp)
        if let skill {
            update.bind(1, skill)
            update.bind(2, agent)
        }
        update.bind(3, followUpGap)
        try update.step()
    }

    /// Makes the point (?3–?5) the learner's (?2) baseline in the skill (?1); the follow-up stays
    /// as it was until it is looked up again.
    static let writeBaseline = """
        INSERT INTO retention_baseline (skill, agent_id, at_ms, seq, score) VALUES (?1, ?2, ?3, ?4, ?5)
        ON CONFLICT (skill, agent_id) DO UPDATE SET at_ms = excluded.at_ms, seq = excluded.seq, score = excluded.score
        """

    /// Runs `sql` with ?1 the skill, ?2 the learner and, given a point, ?3 its time, ?4 its
    /// storage order and ?5 its score.
    static func run(_ sql: String, skill: Int64, agent: Int64, _ point: ScorePoint? = nil, on connection: SQLiteConnection) throws {
        let statement = try connection.prepared(sql)
        statement.bind(1, skill)
        statement.bind(2, agent)
        if let point {
            statement.bind(3, point.at)
            statement.bind(4, point.seq)
            statement.bind(5, point.score)
        }
        try statement.step()
    }

    /// The learner's first `passed` score on the skill in `skill_events`.
    static func firstPassed(_ skill: Int64, agent: Int64, on connection: SQLiteConnection) throws -> ScorePoint? {
        let select = try connection.prepared("""
            SELECT at_ms, seq, score FROM skill_events WHERE skill = ? AND agent_id = ? AND kind & 2 != 0 ORDER BY at_ms, seq LIMIT 1
            """)
        select.bind(1, skill)
        select.bind(2, agent)
        defer { select.reset() }
        return try select.step() ? select.scorePoint(0) : nil
    }

    static func insertProgramEvent(_ program: Int64, at: Int64, agent: Int64, seq: Int64, on connection: SQLiteConnection) throws {
        try writeFact(
            "INSERT OR IGNORE INTO program_events (program, agent_id, at_ms, seq) VALUES (?1, ?2, ?3, ?4)",
            key: program, agent: agent, at: at, seq: seq, on: connection)
        if connection.changes > 0 { try countEnrolment(program, agent: agent, by: 1, on: connection) }
    }

    /// Adds `delta` to the person's enrolment events in the program (the row goes at zero).
    static func countEnrolment(_ program: Int64, agent: Int64, by delta: Int64, on connection: SQLiteConnection) throws {
        let upsert = try connection.prepared("""
            INSERT INTO program_learners (program, agent_id, events) VALUES (?1, ?2, ?3)
            ON CONFLICT (program, agent_id) DO UPDATE SET events = events + ?3
            """)
        upsert.bind(1, program)
        upsert.bind(2, agent)
        upsert.bind(3, delta)
        try upsert.step()
        if delta < 0 {
            let delete = try connection.prepared("DELETE FROM program_learners WHERE program = ? AND agent_id = ? AND events <= 0")
            delete.bind(1, program)
            delete.bind(2, agent)
            try delete.step()
        }
    }

    /// The learner's earliest `passed` score on the skill, read again from `skill_events`.
    static func recomputeBaseline(_ skill: Int64, agent: Int64, on connection: SQLiteConnection) throws {
        let point = try firstPassed(skill, agent: agent, on: connection)
        try run("DELETE FROM retention_baseline WHERE skill = ?1 AND agent_id = ?2", skill: skill, agent: agent, on: connection)
        if let point { try run(writeBaseline, skill: skill, agent: agent, point, on: connection) }
    }

    static func writeProficiency(
        _ skill: Int64, agent: Int64, _ standing: ProficiencyDays.Standing, on connection: SQLiteConnection
    ) throws {
        let (first, latest) = (standing.first, standing.latest)
        let insert = try connection.prepared("""
            INSERT INTO proficiency (skill, agent_id, first_at, first_seq, first_score, latest_at, latest_seq, latest_score)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (skill, agent_id) DO UPDATE SET
                first_at = excluded.first_at, first_seq = excluded.first_seq, first_score = excluded.first_score,
                latest_at = excluded.latest_at, latest_seq = excluded.latest_seq, latest_score = excluded.latest_score
            """)
        insert.bind(1, skill)
        insert.bind(2, agent)
        insert.bind(3, first.at)
        insert.bind(4, first.seq)
        insert.bind(5, first.score)
        insert.bind(6, latest.at)
        insert.bind(7, latest.seq)
        insert.bind(8, latest.score)
        try insert.step()
    }

    /// Runs a statement on one fact row: ?1 the skill, program or activity, ?2 the learner, ?3
    /// the time, ?4 the statement.
    static func writeFact(_ sql: String, key: Int64, agent: Int64, at: Int64, seq: Int64, on connection: SQLiteConnection) throws {
        let delete = try connection.prepared(sql)
        delete.bind(1, key)
        delete.bind(2, agent)
        delete.bind(3, at)
        delete.bind(4, seq)
        try delete.step()
    }
}
