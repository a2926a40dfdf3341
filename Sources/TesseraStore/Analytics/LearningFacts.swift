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
    private var days: ProficiencyDays
    /// `proficiency_days` changes of the current transaction, written by `flush`.
    private var pendingDays = ProficiencyDays.Pending()
    /// Learners' teams (or `Roster.unassignedTeam`) as read from the roster, until it changes.
    private var teams: [Int64: String] = [:]
    /// Ids of the skill and program IRIs met so far (`analytics_terms`).
    private var terms: [String: Int64] = [:]

    /// Facts under the catalog stored on `connection` (or the empty default one).
    init(connection: SQLiteConnection) throws {
        let catalog = try CatalogAndRoster.catalog(on: connection) ?? Catalog()
        index = CatalogIndex(catalog)
        days = ProficiencyDays(catalog)
        connection.finishStatements()
    }

    /// Forgets what it holds in memory and reads the stored catalog again (after a rolled-back
    /// transaction).
    func reload(on connection: SQLiteConnection) throws {
        let catalog = try CatalogAndRoster.catalog(on: connection) ?? Catalog()
        index = CatalogIndex(catalog)
        days = ProficiencyDays(catalog)
        teams = [:]
        terms = [:]
        pendingDays.discard()
    }

    /// Writes what the transaction's statements changed in the per-day roll-up; the writer
    /// calls it before each commit.
    func flush(on connection: SQLiteConnection) throws {
        try pendingDays.write(on: connection)
    }

    /// The roster changed: learners move between teams in `proficiency_days`.
    func rosterReplaced(on connection: SQLiteConnection) throws {
        teams = [:]
        pendingDays.discard()
        try days.rebuild(on: connection)
    }

    /// Records the facts of the statement just stored at `seq`, which happened at `at`.
    func record(_ event: LearningEvent, seq: Int64, at: Int64, ids: IDs, on connection: SQLiteConnection) throws {
        try Self.insertEvent(event, seq: seq, at: at, ids: ids, on: connection)
        if index.isCompletion(verb: event.verb, activity: event.activity), let activity = ids.activity {
            try Self.writeFact(
                "INSERT OR IGNORE INTO completion_events (activity_id, agent_id, at_ms, seq) VALUES (?1, ?2, ?3, ?4)",
                key: activity, agent: ids.agent, at: at, seq: seq, on: connection)
        }
        for program in index.programs(of: event) {
            try Self.insertProgramEvent(try term(program, on: connection), at: at, agent: ids.agent, seq: seq, on: connection)
        }
        let facts = index.skillFacts(verb: event.verb, activity: event.activity, score: event.score, skills: event.skills(in: index))
        for fact in facts {
            let skill = try term(fact.skill, on: connection)
            try Self.insert(fact.kind, skill: skill, agent: ids.agent, at: at, seq: seq, score: event.score, success: event.success, on: connection)
            guard let score = event.score else { continue }
            let point = ScorePoint(at: at, seq: seq, score: score)
            if fact.kind.contains(.assessment) {
                try advanceProficiency(skill, agent: ids.agent, to: point, on: connection)
                try Self.offerFollowUp(skill, agent: ids.agent, point, on: connection)
            }
            if fact.kind.contains(.passed) { try Self.advanceBaseline(skill, agent: ids.agent, point, on: connection) }
        }
    }

    /// The catalog-independent fact: the statement's row in `learning_events`.
    private static func insertEvent(_ event: LearningEvent, seq: Int64, at: Int64, ids: IDs, on connection: SQLiteConnection) throws {
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

    /// Removes the facts of the statement at `seq` (it was voided) and recomputes the
    /// proficiency it took part in.
    func forget(seq: Int64, on connection: SQLiteConnection) throws {
        // The facts `record` derived, derived again from the stored statement (voiding is rare,
        // so the fact tables need no index by statement).
        let stored = try connection.prepared("""
            SELECT e.agent_id, e.at_ms, e.activity_id, s.body FROM learning_events e JOIN statements s ON s.seq = e.seq WHERE e.seq = ?
            """)
        stored.bind(1, seq)
        guard try stored.step(), let statement = StatementReader.readStored(stored.blob(3)), let event = LearningEvent(statement) else {
            stored.reset()
            return
        }
        let (agent, at, activity) = (stored.int64(0), stored.int64(1), stored.int64(2))
        stored.reset()
        try Self.writeFact("DELETE FROM learning_events WHERE seq = ?4", key: 0, agent: agent, at: at, seq: seq, on: connection)
        try Self.writeFact(
            "DELETE FROM completion_events WHERE activity_id = ?1 AND agent_id = ?2 AND at_ms = ?3 AND seq = ?4",
            key: activity, agent: agent, at: at, seq: seq, on: connection)
        for program in index.programs(of: event) {
            let id = try term(program, on: connection)
            try Self.writeFact(
                "DELETE FROM program_events WHERE program = ?1 AND at_ms = ?3 AND agent_id = ?2 AND seq = ?4",
                key: id, agent: agent, at: at, seq: seq, on: connection)
            if connection.changes > 0 { try Self.countEnrolment(id, agent: agent, by: -1, on: connection) }
        }
        for fact in index.skillFacts(verb: event.verb, activity: event.activity, score: event.score, skills: event.skills(in: index)) {
            let skill = try term(fact.skill, on: connection)
            let scored = event.score != nil
            let old = scored && fact.kind.contains(.assessment) ? try Self.timeline(skill, agent: agent, on: connection) : nil
            try Self.writeFact(
                "DELETE FROM skill_events WHERE skill = ?1 AND agent_id = ?2 AND at_ms = ?3 AND seq = ?4",
                key: skill, agent: agent, at: at, seq: seq, on: connection)
            if let old {
                let new = old.filter { $0.seq != seq }
                var changes: [ProficiencyDays.Key: ProficiencyDays.Change] = [:]
                days.add(timeline: old, sign: -1, to: &changes)
                days.add(timeline: new, sign: 1, to: &changes)
                pendingDays.add(changes, skill: skill, team: try team(of: agent, on: connection))
                try Self.run("DELETE FROM proficiency WHERE skill = ?1 AND agent_id = ?2", skill: skill, agent: agent, on: connection)
                if let first = new.first, let latest = new.last {
                    try Self.writeProficiency(skill, agent: agent, ProficiencyDays.Standing(first: first, latest: latest), on: connection)
                }
            }
            if scored && fact.kind.contains(.passed) { try Self.recomputeBaseline(skill, agent: agent, on: connection) }
            if scored && !fact.kind.isDisjoint(with: [.assessment, .passed]) {
                try Self.refreshFollowUps(skill: skill, agent: agent, on: connection)
            }
        }
    }

    /// Runs a statement on one fact row: ?1 the skill, program or activity, ?2 the learner, ?3
    /// the time, ?4 the statement.
    private static func writeFact(_ sql: String, key: Int64, agent: Int64, at: Int64, seq: Int64, on connection: SQLiteConnection) throws {
        let delete = try connection.prepared(sql)
        delete.bind(1, key)
        delete.bind(2, agent)
        delete.bind(3, at)
        delete.bind(4, seq)
        try delete.step()
    }

    /// Switches to `catalog` and re-derives `skill_events` and `proficiency` from the
    /// catalog-independent facts.
    func replace(_ catalog: Catalog, on connection: SQLiteConnection) throws {
        index = CatalogIndex(catalog)
        days = ProficiencyDays(catalog)
        try connection.execute("""
            DELETE FROM skill_events; DELETE FROM proficiency; DELETE FROM retention_baseline; DELETE FROM program_events;
            DELETE FROM program_learners; DELETE FROM proficiency_days; DELETE FROM proficiency_spans; DELETE FROM completion_events
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
                enrolment.bind(1, try term(program.id, on: connection))
                enrolment.bind(2, target)
                try enrolment.step()
            }
        }
        try connection.execute("""
            INSERT INTO program_learners (program, agent_id, events)
            SELECT program, agent_id, COUNT(*) FROM program_events GROUP BY program, agent_id
            """)
        try deriveCompletions(on: connection)
        try deriveSkillEvents(on: connection)
        try deriveStandings(on: connection)
        try Self.refreshFollowUps(on: connection)
        pendingDays.discard()
        try days.rebuild(on: connection)
    }

    /// Fills `skill_events` from `learning_events` in bulk, one insert per skill source, so that
    /// a catalog load costs a few passes rather than a lookup per statement: category skills,
    /// activities a catalog skill assesses, then behaviours about their object. A statement's
    /// kind comes from its verb and whether it has a score (`CatalogIndex.kind`); where two
    /// sources give the same (skill, statement), the first wins, as in `CatalogIndex.skillFacts`.
    private func deriveSkillEvents(on connection: SQLiteConnection) throws {
        try connection.execute("""
            CREATE TEMP TABLE IF NOT EXISTS verb_kinds (verb_id INTEGER PRIMARY KEY, scored INTEGER NOT NULL, bare INTEGER NOT NULL);
            DELETE FROM temp.verb_kinds
            """)
        let verbs = try connection.prepared("SELECT id, iri FROM verbs")
        let verbKind = try connection.prepared("INSERT INTO temp.verb_kinds (verb_id, scored, bare) VALUES (?, ?, ?)")
        var behaviorVerbIDs: [Int64] = []
        while try verbs.step() {
            let iri = verbs.text(1)
            let scored = index.kind(verb: iri, scored: true), bare = index.kind(verb: iri, scored: false)
            if scored.contains(.behavior) { behaviorVerbIDs.append(verbs.int64(0)) }
            guard !scored.isEmpty || !bare.isEmpty else { continue }
            verbKind.reset()
            verbKind.bind(1, verbs.int64(0))
            verbKind.bind(2, scored.rawValue)
            verbKind.bind(3, bare.rawValue)
            try verbKind.step()
        }
        verbs.reset()
        let kind = "CASE WHEN e.score IS NULL THEN k.bare ELSE k.scored END"
        let insert = "INSERT OR IGNORE INTO skill_events (skill, agent_id, at_ms, seq, kind, score, success)"
        // Statements tagged with a category activity that is a skill.
        let tagged = try connection.prepared("""
            \(insert) SELECT ?1, e.agent_id, e.at_ms, e.seq, \(kind), e.score, e.success
            FROM statement_activities sa JOIN learning_events e ON e.seq = sa.seq JOIN temp.verb_kinds k ON k.verb_id = e.verb_id
            WHERE sa.activity_id = ?2 AND sa.role & 8 != 0 AND \(kind) != 0
            """)
        let activities = try connection.prepared("SELECT id, iri FROM activities")
        var categories: [(id: Int64, iri: String)] = []
        while try activities.step() {
            let iri = activities.text(1)
            if index.isSkillCategory(iri) { categories.append((activities.int64(0), iri)) }
        }
        activities.reset()
        for category in categories {
            tagged.reset()
            tagged.bind(1, try term(category.iri, on: connection))
            tagged.bind(2, category.id)
            try tagged.step()
        }
        // Statements whose object is an activity a catalog skill assesses, and behaviours (which
        // also count for their object): one scan of `learning_events` each, joined to the
        // activities in question.
        try connection.execute("""
            CREATE TEMP TABLE IF NOT EXISTS skill_activities (activity_id INTEGER NOT NULL, skill INTEGER NOT NULL, PRIMARY KEY (activity_id, skill));
            DELETE FROM temp.skill_activities
            """)
        let skillActivity = try connection.prepared("INSERT OR IGNORE INTO temp.skill_activities (activity_id, skill) VALUES (?, ?)")
        for skill in index.catalog.skills {
            for activity in try AnalyticsQueries.ids(skill.activities, in: "activities", on: connection) {
                skillActivity.reset()
                skillActivity.bind(1, activity)
                skillActivity.bind(2, try term(skill.id, on: connection))
                try skillActivity.step()
            }
        }
        try connection.execute("""
            \(insert) SELECT t.skill, e.agent_id, e.at_ms, e.seq, \(kind), e.score, e.success
            FROM learning_events e JOIN temp.skill_activities t ON t.activity_id = e.activity_id JOIN temp.verb_kinds k ON k.verb_id = e.verb_id
            WHERE \(kind) != 0;
            DELETE FROM temp.skill_activities
            """)
        guard !behaviorVerbIDs.isEmpty else { return }
        let verbList = behaviorVerbIDs.map(String.init).joined(separator: ", ")
        let objects = try connection.prepared("""
            SELECT a.id, a.iri FROM activities a
            WHERE a.id IN (SELECT DISTINCT activity_id FROM learning_events WHERE verb_id IN (\(verbList)))
            """)
        var behaviorObjects: [(id: Int64, iri: String)] = []
        while try objects.step() { behaviorObjects.append((objects.int64(0), objects.text(1))) }
        objects.reset()
        for object in behaviorObjects {
            skillActivity.reset()
            skillActivity.bind(1, object.id)
            skillActivity.bind(2, try term(object.iri, on: connection))
            try skillActivity.step()
        }
        try connection.execute("""
            \(insert) SELECT t.skill, e.agent_id, e.at_ms, e.seq, \(SkillFact.Kind.behavior.rawValue), e.score, e.success
            FROM learning_events e JOIN temp.skill_activities t ON t.activity_id = e.activity_id WHERE e.verb_id IN (\(verbList));
            DELETE FROM temp.skill_activities
            """)
    }

    /// Fills `completion_events` from `learning_events` in one scan: completion verbs about the
    /// programs' activities.
    private func deriveCompletions(on connection: SQLiteConnection) throws {
        let activities = try AnalyticsQueries.ids(index.catalog.programs.flatMap(\.activities), in: "activities", on: connection)
        let verbs = try AnalyticsQueries.ids(Array(index.completionVerbs), in: "verbs", on: connection)
        guard !activities.isEmpty, !verbs.isEmpty else { return }
        try connection.execute("""
            INSERT OR IGNORE INTO completion_events (activity_id, agent_id, at_ms, seq)
            SELECT activity_id, agent_id, at_ms, seq FROM learning_events
            WHERE activity_id IN (\(activities.map(String.init).joined(separator: ", ")))
                AND verb_id IN (\(verbs.map(String.init).joined(separator: ", ")))
            """)
    }

    /// Fills `proficiency` and `retention_baseline` from `skill_events` in one pass in key
    /// order: each learner's first and latest assessment and first `passed` score per skill.
    private func deriveStandings(on connection: SQLiteConnection) throws {
        let select = try connection.prepared("""
            SELECT skill, agent_id, at_ms, seq, kind, score FROM skill_events
            WHERE kind & 3 != 0 AND score IS NOT NULL ORDER BY skill, agent_id, at_ms, seq
            """)
        var pair: (skill: Int64, agent: Int64) = (-1, -1)
        var first: ScorePoint?, latest: ScorePoint?, baseline: ScorePoint?
        func close() throws {
            if let first, let latest {
                try Self.writeProficiency(pair.skill, agent: pair.agent, ProficiencyDays.Standing(first: first, latest: latest), on: connection)
            }
            if let baseline { try Self.run(Self.writeBaseline, skill: pair.skill, agent: pair.agent, baseline, on: connection) }
            (first, latest, baseline) = (nil, nil, nil)
        }
        while try select.step() {
            if select.int64(0) != pair.skill || select.int64(1) != pair.agent {
                try close()
                pair = (select.int64(0), select.int64(1))
            }
            let point = ScorePoint(at: select.int64(2), seq: select.int64(3), score: select.double(5))
            let kind = SkillFact.Kind(rawValue: select.int64(4))
            if kind.contains(.assessment) {
                if first == nil { first = point }
                latest = point
            }
            if kind.contains(.passed), baseline == nil { baseline = point }
        }
        try close()
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
                DELETE FROM program_events; DELETE FROM program_learners;
                DELETE FROM proficiency_days; DELETE FROM proficiency_spans; DELETE FROM completion_events
                """)
            let count = try deriveEvents(on: connection)
            try connection.execute("DELETE FROM settings WHERE name = 'facts_incomplete'")
            return count
        }
        if derived > 0 { logger.info("learning facts derived from stored statements", metadata: ["statements": "\(derived)"]) }
    }

    /// Derives `learning_events` and the context roles of `statement_activities` for every
    /// stored statement, then the catalog's facts from them in bulk (as a catalog load does);
    /// returns how many statements yielded an event.
    private static func deriveEvents(on connection: SQLiteConnection) throws -> Int {
        let statements = try connection.prepared("""
            SELECT seq, actor_id, verb_id, object_activity_id, stored_ms, body FROM statements WHERE voided = 0 ORDER BY seq
            """)
        let role = try connection.prepared("""
            UPDATE statement_activities SET role = role | ?
            WHERE seq = ? AND activity_id = (SELECT id FROM activities WHERE iri = ?)
            """)
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
            try insertEvent(
                event, seq: seq, at: event.timestamp?.milliseconds ?? statements.int64(4),
                ids: IDs(agent: statements.int64(1), verb: statements.int64(2),
                         activity: statements.isNull(3) ? nil : statements.int64(3)),
                on: connection)
            count += 1
        }
        statements.reset()
        try LearningFacts(connection: connection).replace(try CatalogAndRoster.catalog(on: connection) ?? Catalog(), on: connection)
        return count
    }

    // MARK: Rows

    private static func insert(
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

    /// Moves the learner's standing in the skill (`proficiency`, `proficiency_days`) to take
    /// in this assessment, which is already in `skill_events`. An assessment that arrives after
    /// the learner's latest (the usual case) costs one row read; one between two others changes
    /// the standing on its day and on the next assessment's; one before the first changes every
    /// standing, so the learner's timeline is read again.
    private func advanceProficiency(_ skill: Int64, agent: Int64, to point: ScorePoint, on connection: SQLiteConnection) throws {
        typealias Standing = ProficiencyDays.Standing
        var changes: [ProficiencyDays.Key: ProficiencyDays.Change] = [:]
        let known = try Self.standing(skill, agent: agent, on: connection)
        if let known, point < known.latest {
            if known.first < point {
                let previous = try Self.neighbour(skill, agent: agent, of: point, before: true, on: connection)
                let next = try Self.neighbour(skill, agent: agent, of: point, before: false, on: connection)
                guard let previous, let next else { throw InconsistentFacts(skill: skill, agent: agent) }
                let before = Standing(first: known.first, latest: previous), inserted = Standing(first: known.first, latest: point)
                days.replace(before, with: inserted, at: point.at, in: &changes)
                days.replace(inserted, with: before, at: next.at, in: &changes)
            } else {
                let timeline = try Self.timeline(skill, agent: agent, on: connection)
                days.add(timeline: timeline.filter { $0.seq != point.seq }, sign: -1, to: &changes)
                days.add(timeline: timeline, sign: 1, to: &changes)
                try Self.writeProficiency(skill, agent: agent, Standing(first: point, latest: known.latest), on: connection)
            }
        } else {
            let standing = Standing(first: known?.first ?? point, latest: point)
            days.replace(known, with: standing, at: point.at, in: &changes)
            try Self.writeProficiency(skill, agent: agent, standing, on: connection)
        }
        pendingDays.add(changes, skill: skill, team: try team(of: agent, on: connection))
    }

    /// The id of a skill or program IRI.
    private func term(_ iri: String, on connection: SQLiteConnection) throws -> Int64 {
        if let known = terms[iri] { return known }
        let id = try AnalyticsTerms.intern(iri, on: connection)
        terms[iri] = id
        return id
    }

    /// The learner's team in the roster, or `Roster.unassignedTeam`.
    private func team(of agent: Int64, on connection: SQLiteConnection) throws -> String {
        if let known = teams[agent] { return known }
        let select = try connection.prepared(
            "SELECT r.team FROM agents a JOIN roster r ON r.agent = a.ifi WHERE a.id = ? AND r.team IS NOT NULL")
        select.bind(1, agent)
        defer { select.reset() }
        let team = try select.step() ? select.text(0) : Roster.unassignedTeam
        teams[agent] = team
        return team
    }

    /// `proficiency` disagrees with `skill_events` (it cannot, unless the database was edited).
    struct InconsistentFacts: Error, CustomStringConvertible {
        let skill: Int64
        let agent: Int64
        var description: String { "proficiency and skill_events disagree for skill \(skill), agent \(agent)" }
    }

    /// The learner's stored standing in the skill.
    private static func standing(_ skill: Int64, agent: Int64, on connection: SQLiteConnection) throws -> ProficiencyDays.Standing? {
        let select = try connection.prepared("""
            SELECT first_at, first_seq, first_score, latest_at, latest_seq, latest_score FROM proficiency WHERE skill = ? AND agent_id = ?
            """)
        select.bind(1, skill)
        select.bind(2, agent)
        defer { select.reset() }
        guard try select.step() else { return nil }
        return ProficiencyDays.Standing(
            first: ScorePoint(at: select.int64(0), seq: select.int64(1), score: select.double(2)),
            latest: ScorePoint(at: select.int64(3), seq: select.int64(4), score: select.double(5)))
    }

    /// The learner's assessment just before (or after) `point` in the skill.
    private static func neighbour(
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
        return try select.step() ? ScorePoint(at: select.int64(0), seq: select.int64(1), score: select.double(2)) : nil
    }

    /// The learner's assessments of the skill, in time order.
    private static func timeline(_ skill: Int64, agent: Int64, on connection: SQLiteConnection) throws -> [ScorePoint] {
        let select = try connection.prepared("""
            SELECT at_ms, seq, score FROM skill_events WHERE skill = ? AND agent_id = ? AND kind & 1 != 0 ORDER BY at_ms, seq
            """)
        select.bind(1, skill)
        select.bind(2, agent)
        defer { select.reset() }
        var points: [ScorePoint] = []
        while try select.step() { points.append(ScorePoint(at: select.int64(0), seq: select.int64(1), score: select.double(2))) }
        return points
    }

    /// Keeps the learner's earliest `passed` score on the skill; when this one becomes it, the
    /// follow-up is looked up again. Read first: a later `passed` (the usual case) writes nothing.
    private static func advanceBaseline(_ skill: Int64, agent: Int64, _ point: ScorePoint, on connection: SQLiteConnection) throws {
        let known = try connection.prepared("SELECT at_ms, seq FROM retention_baseline WHERE skill = ? AND agent_id = ?")
        known.bind(1, skill)
        known.bind(2, agent)
        let isLater = try known.step() && (known.int64(0), known.int64(1)) <= (point.at, point.seq)
        known.reset()
        guard !isLater else { return }
        try run("""
            INSERT INTO retention_baseline (skill, agent_id, at_ms, seq, score) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (skill, agent_id) DO UPDATE SET at_ms = excluded.at_ms, seq = excluded.seq, score = excluded.score
            """, skill: skill, agent: agent, point, on: connection)
        try refreshFollowUps(skill: skill, agent: agent, on: connection)
    }

    /// The gap the stored follow-ups are kept for: the contract's default `minDays`.
    static let followUpGap = Int64(KnowledgeRetention.defaultMinDays) * 86_400_000

    /// Makes this assessment the learner's follow-up in the skill if it comes at least
    /// `followUpGap` after their baseline and before the follow-up known so far.
    private static func offerFollowUp(_ skill: Int64, agent: Int64, _ point: ScorePoint, on connection: SQLiteConnection) throws {
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
    private static let lookUpFollowUps = """
        UPDATE retention_baseline SET (follow_at, follow_seq, follow_score) = (
            SELECT e.at_ms, e.seq, e.score FROM skill_events e
            WHERE e.skill = retention_baseline.skill AND e.agent_id = retention_baseline.agent_id AND e.kind & 1 != 0
                AND e.at_ms >= retention_baseline.at_ms + ?3 ORDER BY e.at_ms, e.seq LIMIT 1)
        """
    /// The same for one baseline (a separate statement: `?1 IS NULL OR …` would scan them all).
    private static let lookUpFollowUp = lookUpFollowUps + " WHERE skill = ?1 AND agent_id = ?2"

    /// Looks the follow-up of one baseline (or, without a skill, of every baseline) up again.
    private static func refreshFollowUps(skill: Int64? = nil, agent: Int64 = 0, on connection: SQLiteConnection) throws {
        let update = try connection.prepared(skill == nil ? lookUpFollowUps : lookUpFollowUp)
        if let skill {
            update.bind(1, skill)
            update.bind(2, agent)
        }
        update.bind(3, followUpGap)
        try update.step()
    }

    private static let writeBaseline = "INSERT INTO retention_baseline (skill, agent_id, at_ms, seq, score) VALUES (?1, ?2, ?3, ?4, ?5)"

    /// Runs `sql` with ?1 the skill, ?2 the learner and, given a point, ?3 its time, ?4 its
    /// storage order and ?5 its score.
    private static func run(_ sql: String, skill: Int64, agent: Int64, _ point: ScorePoint? = nil, on connection: SQLiteConnection) throws {
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
    private static func firstPassed(_ skill: Int64, agent: Int64, on connection: SQLiteConnection) throws -> ScorePoint? {
        let select = try connection.prepared("""
            SELECT at_ms, seq, score FROM skill_events WHERE skill = ? AND agent_id = ? AND kind & 2 != 0 ORDER BY at_ms, seq LIMIT 1
            """)
        select.bind(1, skill)
        select.bind(2, agent)
        defer { select.reset() }
        return try select.step() ? ScorePoint(at: select.int64(0), seq: select.int64(1), score: select.double(2)) : nil
    }

    private static func insertProgramEvent(_ program: Int64, at: Int64, agent: Int64, seq: Int64, on connection: SQLiteConnection) throws {
        let insert = try connection.prepared(
            "INSERT OR IGNORE INTO program_events (program, at_ms, agent_id, seq) VALUES (?, ?, ?, ?)")
        insert.bind(1, program)
        insert.bind(2, at)
        insert.bind(3, agent)
        insert.bind(4, seq)
        try insert.step()
        if connection.changes > 0 { try countEnrolment(program, agent: agent, by: 1, on: connection) }
    }

    /// Adds `delta` to the person's enrolment events in the program (the row goes at zero).
    private static func countEnrolment(_ program: Int64, agent: Int64, by delta: Int64, on connection: SQLiteConnection) throws {
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
    private static func recomputeBaseline(_ skill: Int64, agent: Int64, on connection: SQLiteConnection) throws {
        let point = try firstPassed(skill, agent: agent, on: connection)
        try run("DELETE FROM retention_baseline WHERE skill = ?1 AND agent_id = ?2", skill: skill, agent: agent, on: connection)
        if let point { try run(writeBaseline, skill: skill, agent: agent, point, on: connection) }
    }

    private static func writeProficiency(
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
}
