import XAPI

/// One learner's standing in one skill as of a time: the latest assessment score, and the
/// first (for the gain; `first` is nil with fewer than two scores).
public struct LearnerProficiency: Sendable, Equatable {
    public let agent: InverseFunctionalIdentifier
    public let skill: String
    public let latest: Double
    /// The first score, when the learner has at least two.
    public let first: Double?

    public init(agent: InverseFunctionalIdentifier, skill: String, latest: Double, first: Double?) {
        self.agent = agent
        self.skill = skill
        self.latest = latest
        self.first = first
    }
}

/// A row of the proficiency report: one team and skill.
public struct ProficiencyRow: Sendable, Equatable {
    public let team: String
    public let skill: String
    /// Learners with a score.
    public let assessed: Int
    public let meanProficiency: Double
    /// Mean of latest minus first, over learners with two or more scores (nil when none has).
    public let meanGain: Double?
    /// Learners with two or more scores.
    public let gainLearners: Int
    /// Learners per level name, in the catalog's level order (levels without learners too).
    public let levels: [(name: String, count: Int)]

    /// Creates a row.
    public init(
        team: String, skill: String, assessed: Int, meanProficiency: Double, meanGain: Double?, gainLearners: Int,
        levels: [(name: String, count: Int)]
    ) {
        self.team = team
        self.skill = skill
        self.assessed = assessed
        self.meanProficiency = meanProficiency
        self.meanGain = meanGain
        self.gainLearners = gainLearners
        self.levels = levels
    }

    public static func == (lhs: ProficiencyRow, rhs: ProficiencyRow) -> Bool {
        lhs.team == rhs.team && lhs.skill == rhs.skill && lhs.assessed == rhs.assessed
            && abs(lhs.meanProficiency - rhs.meanProficiency) < 1e-9 && lhs.gainLearners == rhs.gainLearners
            && (lhs.meanGain == nil) == (rhs.meanGain == nil) && abs((lhs.meanGain ?? 0) - (rhs.meanGain ?? 0)) < 1e-9
            && lhs.levels.map(\.name) == rhs.levels.map(\.name) && lhs.levels.map(\.count) == rhs.levels.map(\.count)
    }
}

/// The proficiency measure (DESIGN.md "Analytics contract").
public enum ProficiencyReport {
    /// Rows per (team, skill), sorted by team then skill, from each learner's standing.
    /// Learners the roster does not list are in team "(unassigned)".
    public static func rows(
        _ learners: [LearnerProficiency], catalog: Catalog, teams: [String: String], team: String? = nil
    ) -> [ProficiencyRow] {
        struct Key: Hashable { let team: String; let skill: String }
        var groups: [Key: [LearnerProficiency]] = [:]
        for learner in learners {
            let learnerTeam = teams[learner.agent.storageKey] ?? Roster.unassignedTeam
            if let team, team != learnerTeam { continue }
            groups[Key(team: learnerTeam, skill: learner.skill), default: []].append(learner)
        }
        return groups.map { key, members in
            let gains = members.compactMap { member in member.first.map { member.latest - $0 } }
            var counts = Dictionary(uniqueKeysWithValues: catalog.levels.map { ($0.name, 0) })
            for member in members { if let level = catalog.level(of: member.latest) { counts[level.name, default: 0] += 1 } }
            return ProficiencyRow(
                team: key.team, skill: key.skill, assessed: members.count,
                meanProficiency: members.map(\.latest).reduce(0, +) / Double(members.count),
                meanGain: gains.isEmpty ? nil : gains.reduce(0, +) / Double(gains.count), gainLearners: gains.count,
                levels: catalog.levels.map { ($0.name, counts[$0.name] ?? 0) })
        }.sorted { ($0.team, $0.skill) < ($1.team, $1.skill) }
    }

    /// The name of the team of an organisation-wide row.
    public static let everyone = "(everyone)"

    /// One row per skill over every team of `rows` (team `everyone`): the learners added up,
    /// the means weighted by the learners behind them, the levels' counts summed. Exactly what
    /// the learners' own figures give, since every learner is in one team.
    public static func bySkill(_ rows: [ProficiencyRow]) -> [ProficiencyRow] {
        Dictionary(grouping: rows, by: \.skill).map { skill, teams in
            let assessed = teams.map(\.assessed).reduce(0, +)
            let gainLearners = teams.map(\.gainLearners).reduce(0, +)
            let gainSum = teams.map { ($0.meanGain ?? 0) * Double($0.gainLearners) }.reduce(0, +)
            let levels = teams[0].levels.indices.map { index in
                (teams[0].levels[index].name, teams.map { $0.levels[index].count }.reduce(0, +))
            }
            return ProficiencyRow(
                team: everyone, skill: skill, assessed: assessed,
                meanProficiency: teams.map { $0.meanProficiency * Double($0.assessed) }.reduce(0, +) / Double(assessed),
                meanGain: gainLearners == 0 ? nil : gainSum / Double(gainLearners), gainLearners: gainLearners, levels: levels)
        }.sorted { $0.skill < $1.skill }
    }

    /// Each learner's standing computed straight from scored events — the definition, used to
    /// check the store's incremental figures. `events` are (agent, skill, time, storage order,
    /// score) of non-voided statements with an assessment verb, a score and the skill.
    public static func standings(
        _ events: [(agent: InverseFunctionalIdentifier, skill: String, at: Int64, seq: Int64, score: Double)], asOf: Int64
    ) -> [LearnerProficiency] {
        struct Key: Hashable { let agent: String; let skill: String }
        var grouped: [Key: [(agent: InverseFunctionalIdentifier, skill: String, at: Int64, seq: Int64, score: Double)]] = [:]
        for event in events where event.at <= asOf {
            grouped[Key(agent: event.agent.storageKey, skill: event.skill), default: []].append(event)
        }
        return grouped.values.map { events in
            let ordered = events.sorted { ($0.at, $0.seq) < ($1.at, $1.seq) }
            return LearnerProficiency(
                agent: ordered[0].agent, skill: ordered[0].skill, latest: ordered.last!.score,
                first: ordered.count >= 2 ? ordered[0].score : nil)
        }
    }
}

/// Times in analytics parameters: an RFC 3339 timestamp, or a bare date meaning the whole UTC
/// day (its first millisecond for the start of a range, its last for the end or `asOf`).
public enum AnalyticsTime {
    /// Milliseconds since the epoch, or nil when `text` is neither form.
    public static func milliseconds(_ text: String, endOfDay: Bool) -> Int64? {
        if let day = Day(text) { return endOfDay ? day.endMilliseconds : day.startMilliseconds }
        guard case .success(let time) = XAPITimestamp.parse(text, version: .v2_0_0) else { return nil }
        return time.milliseconds
    }
}
