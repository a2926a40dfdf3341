/// The proficiency report as of the end of several days, in one pass over the per-day changes
/// the stores keep (`proficiency_days`: for each skill, team, level and day, the learners whose
/// standing entered or left that level that day, and their score and gain sums). A report as
/// of day D is the sum of every change up to D; the changes arrive grouped by (skill, team,
/// level), days ascending within a group, so each group's running sum is read off at each day
/// asked as it passes.
public struct ProficiencyTrendBuilder {
    /// The days asked, ascending (days since 1970-01-01).
    private let days: [Int64]
    private let catalog: Catalog
    /// Per day asked: the (team, skill) rows finished so far.
    private var reports: [[ProficiencyRow]]
    /// The group being read, its running sum and the first day asked it has not reached.
    private var group: (skill: String, team: String, level: Int)?
    private var running = Sums()
    private var nextDay = 0
    /// Per day asked: the current (skill, team)'s sums and learners per level.
    private var totals: [Totals]

    private struct Sums {
        var learners = 0, scoreSum = 0.0, gainLearners = 0, gainSum = 0.0

        mutating func add(_ other: Sums) {
            learners += other.learners
            scoreSum += other.scoreSum
            gainLearners += other.gainLearners
            gainSum += other.gainSum
        }
    }

    private struct Totals {
        var sums = Sums()
        var levels: [Int]
    }

    /// A builder for the reports as of the end of each of `days` (ascending) under `catalog`.
    public init(days: [Int64], catalog: Catalog) {
        self.days = days
        self.catalog = catalog
        reports = Array(repeating: [], count: days.count)
        totals = Array(repeating: Totals(levels: Array(repeating: 0, count: catalog.levels.count)), count: days.count)
    }

    /// Adds one day's change of one (skill, team, level); `level` indexes the catalog's levels
    /// (-1: below every level). Changes must come grouped by skill, then team, then level, days
    /// ascending within each group.
    public mutating func add(skill: String, team: String, level: Int, day: Int64, learners: Int, scoreSum: Double, gainLearners: Int, gainSum: Double) {
        if let group, group != (skill, team, level) {
            closeLevel()
            if group.skill != skill || group.team != team { closeRow(group) }
        }
        if group == nil || group! != (skill, team, level) {
            group = (skill, team, level)
            running = Sums()
            nextDay = 0
        }
        while nextDay < days.count && days[nextDay] < day {
            addRunning(to: nextDay)
            nextDay += 1
        }
        running.add(Sums(learners: learners, scoreSum: scoreSum, gainLearners: gainLearners, gainSum: gainSum))
    }

    /// The reports, one per day asked, rows sorted by team then skill.
    public mutating func finish() -> [[ProficiencyRow]] {
        if let group {
            closeLevel()
            closeRow(group)
        }
        group = nil
        return reports.map { $0.sorted { ($0.team, $0.skill) < ($1.team, $1.skill) } }
    }

    /// The running sum stands for every day asked from `nextDay` on.
    private mutating func closeLevel() {
        for index in nextDay..<days.count { addRunning(to: index) }
    }

    private mutating func addRunning(to index: Int) {
        guard let group else { return }
        totals[index].sums.add(running)
        if totals[index].levels.indices.contains(group.level) { totals[index].levels[group.level] += running.learners }
    }

    /// Each day's row of the (skill, team) just finished (nobody assessed: none).
    private mutating func closeRow(_ group: (skill: String, team: String, level: Int)) {
        for index in days.indices {
            let entry = totals[index]
            if entry.sums.learners > 0 {
                reports[index].append(ProficiencyRow(
                    team: group.team, skill: group.skill, assessed: entry.sums.learners,
                    meanProficiency: entry.sums.scoreSum / Double(entry.sums.learners),
                    meanGain: entry.sums.gainLearners == 0 ? nil : entry.sums.gainSum / Double(entry.sums.gainLearners),
                    gainLearners: entry.sums.gainLearners, levels: zip(catalog.levels, entry.levels).map { ($0.name, $1) }))
            }
            totals[index] = Totals(levels: Array(repeating: 0, count: catalog.levels.count))
        }
    }
}
