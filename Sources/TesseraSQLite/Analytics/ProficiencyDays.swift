import TesseraLRS
import TesseraAnalytics

/// A score at a time; ordered by time, then storage order.
struct ScorePoint: Comparable {
    let at: Int64
    let seq: Int64
    let score: Double

    static func < (lhs: ScorePoint, rhs: ScorePoint) -> Bool { (lhs.at, lhs.seq) < (rhs.at, rhs.seq) }
}

extension SQLiteStatement {
    /// The point in three columns from `column`: time, storage order, score.
    func scorePoint(_ column: Int32) -> ScorePoint {
        ScorePoint(at: int64(column), seq: int64(column + 1), score: double(column + 2))
    }
}

/// The `proficiency_days` roll-up: how each day's assessments changed the proficiency report,
/// per (skill, team, level), so that the report as of the end of a day is a sum over earlier
/// days whatever the number of learners.
///
/// A learner's *standing* in a skill after an assessment is their first and latest score so far;
/// it adds one learner and the latest score to the row of its level, and — with two scores or
/// more — one gain learner and latest minus first. Each assessment replaces the standing before
/// it, on the day it happened.
struct ProficiencyDays {
    /// A learner's first and latest assessment as of some time.
    struct Standing {
        let first: ScorePoint
        let latest: ScorePoint
    }

    /// A row's key within one (skill, team).
    struct Key: Hashable {
        let level: Int
        let day: Int64
    }

    /// Changes to one row's figures.
    struct Change {
        var learners: Int64 = 0
        var scoreSum = 0.0
        var gainLearners: Int64 = 0
        var gainSum = 0.0

        /// Adds the standing (sign 1) or takes it away (sign -1).
        mutating func add(_ standing: Standing, sign: Int64) {
            let first = standing.latest.seq != standing.first.seq ? standing.first.score : nil
            add(Change(latest: standing.latest.score, first: first), sign: sign)
        }

        var isZero: Bool { learners == 0 && scoreSum == 0 && gainLearners == 0 && gainSum == 0 }

        /// Adds another change to this one (sign 1), or takes it away (sign -1).
        mutating func add(_ other: Change, sign: Int64 = 1) {
            learners += sign * other.learners
            scoreSum += Double(sign) * other.scoreSum
            gainLearners += sign * other.gainLearners
            gainSum += Double(sign) * other.gainSum
        }
    }

    /// The days a span of `proficiency_spans` covers.
    static let spanDays: Int64 = 32

    /// The span `day` falls in.
    static func span(of day: Int64) -> Int64 {
        day >= 0 ? day / spanDays : (day - spanDays + 1) / spanDays
    }

    /// The catalog's level minimums, ascending.
    let levelMinimums: [Double]

    init(_ catalog: Catalog) {
        levelMinimums = catalog.levels.map(\.min)
    }

    /// The index of the level `score` falls in, or -1 below every level.
    func level(of score: Double) -> Int {
        levelMinimums.lastIndex { score >= $0 } ?? -1
    }

    /// Records that on the day of `at`, the learner's standing went from `old` to `new`.
    func replace(_ old: Standing?, with new: Standing?, at: Int64, in changes: inout [Key: Change]) {
        let day = Day(containing: at).ordinal
        if let new { changes[Key(level: level(of: new.latest.score), day: day), default: Change()].add(new, sign: 1) }
        if let old { changes[Key(level: level(of: old.latest.score), day: day), default: Change()].add(old, sign: -1) }
    }

    /// Adds (sign 1) or takes away (sign -1) what a learner's whole timeline of assessments, in
    /// time order, contributes.
    func add(timeline: [ScorePoint], sign: Int64, to changes: inout [Key: Change]) {
        guard let first = timeline.first else { return }
        var previous: Standing?
        for point in timeline {
            let standing = Standing(first: first, latest: point)
            if sign > 0 {
                replace(previous, with: standing, at: point.at, in: &changes)
            } else {
                replace(standing, with: previous, at: point.at, in: &changes)
            }
            previous = standing
        }
    }

    /// Changes not yet written, summed per row: a group commit's statements mostly change the
    /// same few rows (the same day), so each row is written once per transaction.
    struct Pending {
        private struct Row: Hashable {
            let skill: Int64
            let team: String
            let key: Key
        }

        private var rows: [Row: Change] = [:]

        /// Adds the changes to the rows of (skill, team).
        mutating func add(_ changes: [Key: Change], skill: Int64, team: String) {
            for (key, change) in changes {
                rows[Row(skill: skill, team: team, key: key), default: Change()].add(change)
            }
        }

        /// Forgets the changes (the rows are about to be rebuilt, or the transaction failed).
        mutating func discard() {
            rows.removeAll()
        }

        /// Adds the changes to the stored rows of their day and their span, and forgets them.
        mutating func write(on connection: SQLiteConnection) throws {
            let sums = "learners = learners + ?5, score_sum = score_sum + ?6, gain_learners = gain_learners + ?7, gain_sum = gain_sum + ?8"
            let day = try connection.prepared("""
                INSERT INTO proficiency_days (skill, team, level, day, learners, score_sum, gain_learners, gain_sum)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (skill, team, level, day) DO UPDATE SET \(sums)
                """)
            let span = try connection.prepared("""
                INSERT INTO proficiency_spans (skill, team, level, span, learners, score_sum, gain_learners, gain_sum)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (skill, team, level, span) DO UPDATE SET \(sums)
                """)
            for (row, change) in rows where !change.isZero {
                // ?4 is the day or the span.
                for (upsert, period) in [(day, row.key.day), (span, ProficiencyDays.span(of: row.key.day))] {
                    upsert.reset()
                    upsert.bind(1, row.skill)
                    upsert.bind(2, row.team)
                    upsert.bind(3, Int64(row.key.level))
                    upsert.bind(4, period)
                    upsert.bind(5, change.learners)
                    upsert.bind(6, change.scoreSum)
                    upsert.bind(7, change.gainLearners)
                    upsert.bind(8, change.gainSum)
                    try upsert.step()
                }
            }
            rows.removeAll(keepingCapacity: true)
        }
    }

    /// Records that a learner's timeline of assessments went from `old` to `new`.
    func replace(timeline old: [ScorePoint], with new: [ScorePoint], in changes: inout [Key: Change]) {
        add(timeline: old, sign: -1, to: &changes)
        add(timeline: new, sign: 1, to: &changes)
    }

    /// Replaces every row with what the assessments in `skill_events` give, learners placed in
    /// their roster team (`Roster.unassignedTeam` when absent). One pass in key order.
    func rebuild(on connection: SQLiteConnection) throws {
        try connection.execute("DELETE FROM proficiency_days; DELETE FROM proficiency_spans")
        let teams = try CatalogAndRoster.teams(on: connection)
        let select = try connection.prepared("""
            SELECT skill, agent_id, at_ms, seq, score FROM skill_events WHERE kind & 1 != 0 ORDER BY skill, agent_id, at_ms, seq
            """)
        var skill: Int64 = -1
        var agent: Int64 = -1
        var timeline: [ScorePoint] = []
        var changes: [String: [Key: Change]] = [:]
        var pending = Pending()
        func closeLearner() {
            guard !timeline.isEmpty else { return }
            add(timeline: timeline, sign: 1, to: &changes[teams[agent] ?? Roster.unassignedTeam, default: [:]])
            timeline.removeAll(keepingCapacity: true)
        }
        func closeSkill() throws {
            closeLearner()
            for (team, teamChanges) in changes { pending.add(teamChanges, skill: skill, team: team) }
            try pending.write(on: connection)
            changes.removeAll(keepingCapacity: true)
        }
        while try select.step() {
            if select.int64(0) != skill {
                try closeSkill()
                skill = select.int64(0)
            }
            if select.int64(1) != agent {
                closeLearner()
                agent = select.int64(1)
            }
            timeline.append(select.scorePoint(2))
        }
        try closeSkill()
    }

    /// The report as of the end of `day` (whole spans, then the days of the last one) or over
    /// everything stored (nil: every span), for one skill (by term id) and team or all.
    static func rows(
        upTo day: Int64?, skill: Int64?, team: String?, catalog: Catalog, on connection: SQLiteConnection
    ) throws -> [ProficiencyRow] {
        let terms = try AnalyticsTerms.all(on: connection)
        let filters = "(?2 IS NULL OR skill = ?2) AND (?3 IS NULL OR team = ?3)"
        let select = try connection.prepared(day == nil ? """
            SELECT skill, team, level, SUM(learners), SUM(score_sum), SUM(gain_learners), SUM(gain_sum) FROM proficiency_spans
            WHERE \(filters) GROUP BY skill, team, level ORDER BY skill, team, level
            """ : """
            SELECT skill, team, level, SUM(learners), SUM(score_sum), SUM(gain_learners), SUM(gain_sum) FROM (
                SELECT skill, team, level, learners, score_sum, gain_learners, gain_sum FROM proficiency_spans
                WHERE span < ?4 AND \(filters)
                UNION ALL
                SELECT skill, team, level, learners, score_sum, gain_learners, gain_sum FROM proficiency_days
                WHERE day >= ?4 * \(spanDays) AND day <= ?1 AND \(filters))
            GROUP BY skill, team, level ORDER BY skill, team, level
            """)
        if let day {
            select.bind(1, day)
            select.bind(4, span(of: day))
        }
        select.bind(2, skill)
        select.bind(3, team)
        var rows: [ProficiencyRow] = []
        var current: (skill: Int64, team: String)?
        var totals = ProficiencyTotals(catalog)
        func close() {
            guard let current, let row = totals.row(team: current.team, skill: terms[current.skill] ?? "") else { return }
            rows.append(row)
        }
        while try select.step() {
            if current == nil || select.int64(0) != current!.skill || !select.textEquals(1, current!.team) {
                close()
                current = (select.int64(0), select.text(1))
                totals = ProficiencyTotals(catalog)
            }
            totals.add(
                Change(learners: select.int64(3), scoreSum: select.double(4), gainLearners: select.int64(5), gainSum: select.double(6)),
                level: Int(select.int64(2)))
        }
        close()
        return rows.sorted { ($0.team, $0.skill) < ($1.team, $1.skill) }
    }
}

extension ProficiencyDays.Change {
    /// One learner whose latest score is `latest` and, with two scores or more, whose first is
    /// `first`.
    init(latest: Double, first: Double?) {
        self.init(learners: 1, scoreSum: latest, gainLearners: first == nil ? 0 : 1, gainSum: first.map { latest - $0 } ?? 0)
    }
}

/// One (team, skill) row of the proficiency report while it is summed: the figures of
/// `ProficiencyDays.Change` and the learners per level.
struct ProficiencyTotals {
    private let catalog: Catalog
    private var sums = ProficiencyDays.Change()
    private var levels: [Int]

    init(_ catalog: Catalog) {
        self.catalog = catalog
        levels = Array(repeating: 0, count: catalog.levels.count)
    }

    /// Adds learners whose latest scores are in the level at index `level` (-1: none).
    mutating func add(_ change: ProficiencyDays.Change, level: Int) {
        sums.add(change)
        if levels.indices.contains(level) { levels[level] += Int(change.learners) }
    }

    /// The report's row, or nil when nobody is assessed.
    func row(team: String, skill: String) -> ProficiencyRow? {
        guard sums.learners > 0 else { return nil }
        return ProficiencyRow(
            team: team, skill: skill, assessed: Int(sums.learners), meanProficiency: sums.scoreSum / Double(sums.learners),
            meanGain: sums.gainLearners == 0 ? nil : sums.gainSum / Double(sums.gainLearners), gainLearners: Int(sums.gainLearners),
            levels: zip(catalog.levels, levels).map { ($0.name, $1) })
    }
}

extension ProficiencyDays {
    /// The report as of the end of each of `days` (ascending), for one skill (its IRI) and team
    /// or all: one pass over `proficiency_days` in its key order (`ProficiencyTrendBuilder`).
    static func trend(
        days: [Int64], skill: String?, team: String?, catalog: Catalog, on connection: SQLiteConnection
    ) throws -> [[ProficiencyRow]] {
        var skillID: Int64?
        if let skill {
            guard let known = try AnalyticsTerms.id(of: skill, on: connection) else { return days.map { _ in [] } }
            skillID = known
        }
        let terms = try AnalyticsTerms.all(on: connection)
        var builder = ProficiencyTrendBuilder(days: days, catalog: catalog)
        let select = try connection.prepared("""
            SELECT skill, team, level, day, learners, score_sum, gain_learners, gain_sum FROM proficiency_days
            WHERE day <= ?1 AND (?2 IS NULL OR skill = ?2) AND (?3 IS NULL OR team = ?3) ORDER BY skill, team, level, day
            """)
        select.bind(1, days.last ?? Int64.min)
        select.bind(2, skillID)
        select.bind(3, team)
        while try select.step() {
            builder.add(
                skill: terms[select.int64(0)] ?? "", team: select.text(1), level: Int(select.int64(2)), day: select.int64(3),
                learners: Int(select.int64(4)), scoreSum: select.double(5), gainLearners: Int(select.int64(6)), gainSum: select.double(7))
        }
        return builder.finish()
    }
}
