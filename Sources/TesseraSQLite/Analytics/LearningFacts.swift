import TesseraLRS
import Logging
import TesseraAnalytics
import XAPI

/// Keeps analytics' fact tables in step with the statements, on the writer's connection and in
/// the writer's transactions: `learning_events` for every statement with an identified Agent as
/// actor, and under the current catalog the skill, enrolment and completion facts and the
/// roll-ups built on them (docs/DESIGN.md, "Analytics (as built)"). A voided statement's facts
/// are removed. Bulk derivation (catalog loads, start) is in LearningFacts+Derivation.swift,
/// the single-row statements in LearningFacts+Rows.swift.
final class LearningFacts: WriterParticipant {
    /// The interned ids of a statement's actor, verb and object activity.
    struct IDs {
        let agent: Int64
        let verb: Int64
        let activity: Int64?
    }

    var index: CatalogIndex
    var days: ProficiencyDays
    /// `proficiency_days` changes of the current transaction, written by `flush`.
    var pendingDays = ProficiencyDays.Pending()
    /// `learning_days` counts of the current transaction, written by `flush`.
    var pendingVolume = LearningVolume.Pending()
    /// Learners' teams (or `Roster.unassignedTeam`) as read from the roster, until it changes.
    var teams: [Int64: String] = [:]
    /// Ids of the skill and program IRIs met so far (`analytics_terms`).
    var terms: [String: Int64] = [:]

    /// Facts under the catalog stored on `connection` (or the empty default one).
    init(connection: SQLiteConnection) throws {
        let catalog = try CatalogAndRoster.catalog(on: connection) ?? Catalog()
        index = CatalogIndex(catalog)
        days = ProficiencyDays(catalog)
        connection.finishStatements()
    }

    /// Records the facts of a statement just stored, unless it is already voided or its actor
    /// is not an identified Agent.
    func didStore(_ row: StoredStatementRow, on connection: SQLiteConnection) throws {
        guard !row.isVoided, let event = row.statement.learningEvent, let agent = row.actorID else { return }
        try record(
            event, seq: row.seq, at: event.timestamp?.milliseconds ?? row.storedAt.milliseconds,
            ids: IDs(agent: agent, verb: row.verbID, activity: row.objectActivityID), on: connection)
    }

    func didRemove(seq: Int64, on connection: SQLiteConnection) throws {
        try forget(seq: seq, on: connection)
    }

    func willCommit(on connection: SQLiteConnection) throws {
        try flush(on: connection)
    }

    /// Forgets what it holds in memory and reads the stored catalog again (after a rolled-back
    /// transaction).
    func didRollBack(on connection: SQLiteConnection) throws {
        adopt(try CatalogAndRoster.catalog(on: connection) ?? Catalog())
        teams = [:]
        terms = [:]
        pendingDays.discard()
        pendingVolume.discard()
    }

    /// Derives facts under `catalog` from now on.
    func adopt(_ catalog: Catalog) {
        index = CatalogIndex(catalog)
        days = ProficiencyDays(catalog)
    }

    /// Writes what the transaction's statements changed in the per-day roll-ups
    /// (`proficiency_days`, `learning_days`).
    private func flush(on connection: SQLiteConnection) throws {
        try pendingDays.write(on: connection)
        try pendingVolume.write(on: connection)
    }

    /// The roster changed: learners move between teams in `proficiency_days` and `learning_days`.
    func rosterReplaced(on connection: SQLiteConnection) throws {
        teams = [:]
        pendingDays.discard()
        pendingVolume.discard()
        try days.rebuild(on: connection)
        try LearningVolume.rebuild(on: connection)
    }

    /// Records the facts of the statement just stored at `seq`, which happened at `at`.
    private func record(_ event: LearningEvent, seq: Int64, at: Int64, ids: IDs, on connection: SQLiteConnection) throws {
        try Self.insertEvent(event, seq: seq, at: at, ids: ids, on: connection)
        pendingVolume.count(at: at, team: try team(of: ids.agent, on: connection), by: 1)
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

    /// Removes the facts of the statement at `seq` (it was voided) and recomputes the
    /// proficiency it took part in.
    private func forget(seq: Int64, on connection: SQLiteConnection) throws {
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
        pendingVolume.count(at: at, team: try team(of: agent, on: connection), by: -1)
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
                days.replace(timeline: old, with: new, in: &changes)
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
                days.replace(timeline: timeline.filter { $0.seq != point.seq }, with: timeline, in: &changes)
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
    func term(_ iri: String, on connection: SQLiteConnection) throws -> Int64 {
        if let known = terms[iri] { return known }
        let id = try AnalyticsTerms.intern(iri, on: connection)
        terms[iri] = id
        return id
    }

    /// The learner's team in the roster, or `Roster.unassignedTeam`.
    func team(of agent: Int64, on connection: SQLiteConnection) throws -> String {
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
}
