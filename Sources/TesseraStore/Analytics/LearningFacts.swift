import Logging
import TesseraAnalytics
import XAPI

/// Keeps analytics' fact tables in step with the statements, on the writer's connection and in
/// the writer's transactions: `learning_events` for every statement with an identified Agent as
/// actor, `skill_events` and `proficiency` under the current catalog. A voided statement's
/// facts are removed; loading a catalog re-derives the catalog-dependent ones.
final class LearningFacts {
    /// The interned ids of a statement's actor, verb and object activity.
    struct IDs {
        let agent: Int64
        let verb: Int64
        let activity: Int64?
    }

    private var index: CatalogIndex

    /// Facts under the catalog stored on `connection` (or the empty default one).
    init(connection: SQLiteConnection) throws {
        index = CatalogIndex(try CatalogAndRoster.catalog(on: connection) ?? Catalog())
        connection.finishStatements()
    }

    /// Records the facts of the statement just stored at `seq`, which happened at `at`.
    func record(_ event: LearningEvent, seq: Int64, at: Int64, ids: IDs, on connection: SQLiteConnection) throws {
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
        for program in index.programs(of: event) {
            try Self.insertProgramEvent(program, at: at, agent: ids.agent, seq: seq, on: connection)
        }
        let facts = index.skillFacts(verb: event.verb, activity: event.activity, score: event.score, skills: event.skills(in: index))
        for fact in facts {
            try Self.insert(fact, agent: ids.agent, at: at, seq: seq, score: event.score, success: event.success, on: connection)
            if fact.kind.contains(.assessment), let score = event.score {
                try Self.run(Self.advanceProficiency, skill: fact.skill, agent: ids.agent, Point(at: at, seq: seq, score: score), on: connection)
            }
            if fact.kind.contains(.passed), let score = event.score {
                try Self.run(Self.advanceBaseline, skill: fact.skill, agent: ids.agent, Point(at: at, seq: seq, score: score), on: connection)
            }
        }
    }

    /// Removes the facts of the statement at `seq` (it was voided) and recomputes the
    /// proficiency it took part in.
    func forget(seq: Int64, on connection: SQLiteConnection) throws {
        let affected = try connection.prepared("SELECT skill, agent_id, kind FROM skill_events WHERE seq = ? AND kind & 3 != 0")
        affected.bind(1, seq)
        var pairs: [(skill: String, agent: Int64, kind: SkillFact.Kind)] = []
        while try affected.step() {
            pairs.append((affected.text(0), affected.int64(1), SkillFact.Kind(rawValue: affected.int64(2))))
        }
        affected.reset()
        for sql in [
            "DELETE FROM learning_events WHERE seq = ?", "DELETE FROM skill_events WHERE seq = ?", "DELETE FROM program_events WHERE seq = ?",
        ] {
            let delete = try connection.prepared(sql)
            delete.bind(1, seq)
            try delete.step()
        }
        for pair in pairs {
            if pair.kind.contains(.assessment) { try Self.recomputeProficiency(pair.skill, agent: pair.agent, on: connection) }
            if pair.kind.contains(.passed) { try Self.recomputeBaseline(pair.skill, agent: pair.agent, on: connection) }
        }
    }

    /// Switches to `catalog` and re-derives `skill_events` and `proficiency` from the
    /// catalog-independent facts.
    func replace(_ catalog: Catalog, on connection: SQLiteConnection) throws {
        index = CatalogIndex(catalog)
        try connection.execute("""
            DELETE FROM skill_events; DELETE FROM proficiency; DELETE FROM retention_baseline; DELETE FROM program_events
            """)
        // Enrolment: statements whose object, parent or grouping is a program or its activity.
        let enrolment = try connection.prepared("""
            INSERT OR IGNORE INTO program_events (program, at_ms, agent_id, seq)
            SELECT ?1, e.at_ms, e.agent_id, e.seq FROM activities a
                JOIN statement_activities sa ON sa.activity_id = a.id AND sa.role & 7 != 0
                JOIN learning_events e ON e.seq = sa.seq
            WHERE a.iri = ?2
            """)
        for program in catalog.programs {
            for target in Set([program.id] + program.activities) {
                enrolment.reset()
                enrolment.bind(1, program.id)
                enrolment.bind(2, target)
                try enrolment.step()
            }
        }
        var skillsBySeq: [Int64: Set<String>] = [:]
        // Category activities that are skills, and the statements that carry them.
        let activities = try connection.prepared("SELECT id, iri FROM activities")
        var categoryIDs: [(Int64, String)] = []
        while try activities.step() {
            let iri = activities.text(1)
            if index.isSkillCategory(iri) { categoryIDs.append((activities.int64(0), iri)) }
        }
        activities.reset()
        let tagged = try connection.prepared("SELECT seq FROM statement_activities WHERE activity_id = ? AND role & 8 != 0")
        for (id, skill) in categoryIDs {
            tagged.reset()
            tagged.bind(1, id)
            while try tagged.step() { skillsBySeq[tagged.int64(0), default: []].insert(skill) }
        }
        // Statements whose object is an activity that assesses a skill.
        let assessed = try connection.prepared("""
            SELECT e.seq FROM learning_events e JOIN activities a ON a.id = e.activity_id WHERE a.iri = ?
            """)
        for skill in catalog.skills {
            for activity in skill.activities {
                assessed.reset()
                assessed.bind(1, activity)
                while try assessed.step() { skillsBySeq[assessed.int64(0), default: []].insert(skill.id) }
            }
        }
        // Behaviour statements count for their object even without a tagged skill.
        let behaviors = try connection.prepared("""
            SELECT e.seq FROM learning_events e JOIN verbs v ON v.id = e.verb_id WHERE v.iri = ?
            """)
        for verb in catalog.behaviorVerbs {
            behaviors.reset()
            behaviors.bind(1, verb)
            while try behaviors.step() { skillsBySeq[behaviors.int64(0), default: []].formUnion([]) }
        }
        let event = try connection.prepared("""
            SELECT e.agent_id, e.at_ms, e.score, e.success, v.iri, a.iri
            FROM learning_events e JOIN verbs v ON v.id = e.verb_id LEFT JOIN activities a ON a.id = e.activity_id
            WHERE e.seq = ?
            """)
        var proficiency: [ProficiencyKey: (first: Point, latest: Point)] = [:]
        var baselines: [ProficiencyKey: Point] = [:]
        for seq in skillsBySeq.keys.sorted() {
            event.reset()
            event.bind(1, seq)
            guard try event.step() else { continue }  // voided: no event
            let agent = event.int64(0), at = event.int64(1)
            let score = event.isNull(2) ? nil : event.double(2)
            let success = event.isNull(3) ? nil : event.int64(3) == 1
            let facts = index.skillFacts(
                verb: event.text(4), activity: event.isNull(5) ? nil : event.text(5), score: score, skills: skillsBySeq[seq] ?? [])
            for fact in facts {
                try Self.insert(fact, agent: agent, at: at, seq: seq, score: score, success: success, on: connection)
                guard let score else { continue }
                let point = Point(at: at, seq: seq, score: score)
                let key = ProficiencyKey(skill: fact.skill, agent: agent)
                if fact.kind.contains(.passed) { baselines[key] = min(baselines[key] ?? point, point) }
                guard fact.kind.contains(.assessment) else { continue }
                if let known = proficiency[key] {
                    proficiency[key] = (min(known.first, point), max(known.latest, point))
                } else {
                    proficiency[key] = (point, point)
                }
            }
        }
        event.reset()
        for (key, value) in proficiency {
            try Self.writeProficiency(key.skill, agent: key.agent, first: value.first, latest: value.latest, on: connection)
        }
        for (key, point) in baselines { try Self.run(Self.writeBaseline, skill: key.skill, agent: key.agent, point, on: connection) }
    }

    /// Brings the facts up to date at start: with analytics off, marks them incomplete; with it
    /// on, derives them again from the stored statements when they were just created or were
    /// marked incomplete.
    static func prepare(on connection: SQLiteConnection, analytics: Bool, justCreated: Bool, logger: Logger) throws {
        guard analytics else {
            try connection.execute("INSERT OR REPLACE INTO settings (name, value) VALUES ('facts_incomplete', '1')")
            return
        }
        let incomplete = try connection.scalar("SELECT COUNT(*) FROM settings WHERE name = 'facts_incomplete'") ?? 0
        guard justCreated || incomplete > 0 else { return }
        let derived = try connection.transaction {
            try connection.execute("""
                DELETE FROM learning_events; DELETE FROM skill_events; DELETE FROM proficiency; DELETE FROM retention_baseline;
                DELETE FROM program_events
                """)
            let count = try deriveEvents(on: connection)
            try connection.execute("DELETE FROM settings WHERE name = 'facts_incomplete'")
            return count
        }
        if derived > 0 { logger.info("learning facts derived from stored statements", metadata: ["statements": "\(derived)"]) }
    }

    /// Derives `learning_events` (and, under the stored catalog, `skill_events` and
    /// `proficiency`) and the context roles of `statement_activities` for every stored
    /// statement; returns how many statements yielded an event.
    private static func deriveEvents(on connection: SQLiteConnection) throws -> Int {
        let statements = try connection.prepared("""
            SELECT seq, actor_id, verb_id, object_activity_id, stored_ms, body FROM statements WHERE voided = 0 ORDER BY seq
            """)
        let role = try connection.prepared("""
            UPDATE statement_activities SET role = role | ?
            WHERE seq = ? AND activity_id = (SELECT id FROM activities WHERE iri = ?)
            """)
        let facts = try LearningFacts(connection: connection)
        var count = 0
        while try statements.step() {
            guard let statement = StatementReader.readStored(statements.blob(5)) else { continue }
            let seq = statements.int64(0)
            for (iri, bits) in StatementKeys(statement).relatedActivities where bits & ~1 != 0 {
                role.reset()
                role.bind(1, bits)
                role.bind(2, seq)
                role.bind(3, iri)
                try role.step()
            }
            guard let event = LearningEvent(statement), !statements.isNull(1) else { continue }
            try facts.record(
                event, seq: seq, at: event.timestamp?.milliseconds ?? statements.int64(4),
                ids: IDs(agent: statements.int64(1), verb: statements.int64(2),
                         activity: statements.isNull(3) ? nil : statements.int64(3)),
                on: connection)
            count += 1
        }
        statements.reset()
        return count
    }

    // MARK: Rows

    private struct ProficiencyKey: Hashable {
        let skill: String
        let agent: Int64
    }

    /// A score at a time; ordered by time, then storage order.
    private struct Point: Comparable {
        let at: Int64
        let seq: Int64
        let score: Double

        static func < (lhs: Point, rhs: Point) -> Bool { (lhs.at, lhs.seq) < (rhs.at, rhs.seq) }
    }

    private static func insert(
        _ fact: SkillFact, agent: Int64, at: Int64, seq: Int64, score: Double?, success: Bool?, on connection: SQLiteConnection
    ) throws {
        let insert = try connection.prepared("""
            INSERT OR IGNORE INTO skill_events (skill, agent_id, at_ms, seq, kind, score, success) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        insert.bind(1, fact.skill)
        insert.bind(2, agent)
        insert.bind(3, at)
        insert.bind(4, seq)
        insert.bind(5, fact.kind.rawValue)
        insert.bind(6, score)
        insert.bind(7, success.map { Int64($0 ? 1 : 0) })
        try insert.step()
    }

    /// Widens the learner's first and latest assessment of the skill with this one.
    private static let advanceProficiency = """
        INSERT INTO proficiency (skill, agent_id, first_at, first_seq, first_score, latest_at, latest_seq, latest_score)
        VALUES (?1, ?2, ?3, ?4, ?5, ?3, ?4, ?5)
        ON CONFLICT (skill, agent_id) DO UPDATE SET
            first_at = CASE WHEN (?3, ?4) < (first_at, first_seq) THEN ?3 ELSE first_at END,
            first_seq = CASE WHEN (?3, ?4) < (first_at, first_seq) THEN ?4 ELSE first_seq END,
            first_score = CASE WHEN (?3, ?4) < (first_at, first_seq) THEN ?5 ELSE first_score END,
            latest_at = CASE WHEN (?3, ?4) > (latest_at, latest_seq) THEN ?3 ELSE latest_at END,
            latest_seq = CASE WHEN (?3, ?4) > (latest_at, latest_seq) THEN ?4 ELSE latest_seq END,
            latest_score = CASE WHEN (?3, ?4) > (latest_at, latest_seq) THEN ?5 ELSE latest_score END
        """

    /// Keeps the learner's earliest `passed` score on the skill.
    private static let advanceBaseline = """
        INSERT INTO retention_baseline (skill, agent_id, at_ms, seq, score) VALUES (?1, ?2, ?3, ?4, ?5)
        ON CONFLICT (skill, agent_id) DO UPDATE SET
            score = CASE WHEN (?3, ?4) < (at_ms, seq) THEN ?5 ELSE score END,
            seq = CASE WHEN (?3, ?4) < (at_ms, seq) THEN ?4 ELSE seq END,
            at_ms = CASE WHEN (?3, ?4) < (at_ms, seq) THEN ?3 ELSE at_ms END
        """

    private static let writeBaseline = "INSERT INTO retention_baseline (skill, agent_id, at_ms, seq, score) VALUES (?1, ?2, ?3, ?4, ?5)"

    /// Runs `sql` with ?1 the skill, ?2 the learner and, given a point, ?3 its time, ?4 its
    /// storage order and ?5 its score.
    private static func run(_ sql: String, skill: String, agent: Int64, _ point: Point? = nil, on connection: SQLiteConnection) throws {
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

    /// The learner's first and latest assessment of the skill, read again from `skill_events`.
    private static func recomputeProficiency(_ skill: String, agent: Int64, on connection: SQLiteConnection) throws {
        let first = try point(skill, agent: agent, kind: .assessment, latest: false, on: connection)
        let latest = try point(skill, agent: agent, kind: .assessment, latest: true, on: connection)
        try run("DELETE FROM proficiency WHERE skill = ?1 AND agent_id = ?2", skill: skill, agent: agent, on: connection)
        if let first, let latest { try writeProficiency(skill, agent: agent, first: first, latest: latest, on: connection) }
    }

    /// The learner's first (or latest) score on the skill among the `skill_events` of `kind`.
    private static func point(
        _ skill: String, agent: Int64, kind: SkillFact.Kind, latest: Bool, on connection: SQLiteConnection
    ) throws -> Point? {
        let order = latest ? "DESC" : "ASC"
        let select = try connection.prepared("""
            SELECT at_ms, seq, score FROM skill_events
            WHERE skill = ? AND agent_id = ? AND kind & ? != 0 ORDER BY at_ms \(order), seq \(order) LIMIT 1
            """)
        select.bind(1, skill)
        select.bind(2, agent)
        select.bind(3, kind.rawValue)
        defer { select.reset() }
        return try select.step() ? Point(at: select.int64(0), seq: select.int64(1), score: select.double(2)) : nil
    }

    private static func insertProgramEvent(_ program: String, at: Int64, agent: Int64, seq: Int64, on connection: SQLiteConnection) throws {
        let insert = try connection.prepared(
            "INSERT OR IGNORE INTO program_events (program, at_ms, agent_id, seq) VALUES (?, ?, ?, ?)")
        insert.bind(1, program)
        insert.bind(2, at)
        insert.bind(3, agent)
        insert.bind(4, seq)
        try insert.step()
    }

    /// The learner's earliest `passed` score on the skill, read again from `skill_events`.
    private static func recomputeBaseline(_ skill: String, agent: Int64, on connection: SQLiteConnection) throws {
        let point = try point(skill, agent: agent, kind: .passed, latest: false, on: connection)
        try run("DELETE FROM retention_baseline WHERE skill = ?1 AND agent_id = ?2", skill: skill, agent: agent, on: connection)
        if let point { try run(writeBaseline, skill: skill, agent: agent, point, on: connection) }
    }

    private static func writeProficiency(_ skill: String, agent: Int64, first: Point, latest: Point, on connection: SQLiteConnection) throws {
        let insert = try connection.prepared("""
            INSERT INTO proficiency (skill, agent_id, first_at, first_seq, first_score, latest_at, latest_seq, latest_score)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
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
}
