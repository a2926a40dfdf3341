import TesseraLRS
import Logging
import TesseraAnalytics
import XAPI

/// Deriving the facts in bulk: when a catalog is loaded, and at start for statements stored
/// before the fact tables existed or while analytics was off.
extension LearningFacts {
    /// Switches to `catalog` and re-derives `skill_events` and `proficiency` from the
    /// catalog-independent facts.
    func replace(_ catalog: Catalog, on connection: SQLiteConnection) throws {
        adopt(catalog)
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
    func deriveSkillEvents(on connection: SQLiteConnection) throws {
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
    func deriveCompletions(on connection: SQLiteConnection) throws {
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
    func deriveStandings(on connection: SQLiteConnection) throws {
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
    static func deriveEvents(on connection: SQLiteConnection) throws -> Int {
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
        try LearningVolume.rebuild(on: connection)
        try LearningFacts(connection: connection).replace(try CatalogAndRoster.catalog(on: connection) ?? Catalog(), on: connection)
        return count
    }
}
