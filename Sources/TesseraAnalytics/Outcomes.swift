/// Completion versus behaviour change for one program (DESIGN.md "Analytics contract").
public struct ProgramOutcome: Sendable, Equatable {
    public let program: Catalog.Program
    /// People with a statement about the program or one of its activities in the window.
    public let enrolled: Int
    /// Enrolled people with a completion of every activity of the program in the window.
    public let completed: Int
    /// Completers who showed a skill of the program in the behaviour window after completing.
    public let behaviorChanged: Int

    public init(program: Catalog.Program, enrolled: Int, completed: Int, behaviorChanged: Int) {
        self.program = program
        self.enrolled = enrolled
        self.completed = completed
        self.behaviorChanged = behaviorChanged
    }

    /// completed / enrolled (nil with nobody enrolled).
    public var completionRate: Double? { Self.rate(completed, enrolled) }
    /// behaviorChanged / completed (nil with nobody completed).
    public var behaviorChangeRate: Double? { Self.rate(behaviorChanged, completed) }

    static func rate(_ part: Int, _ whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) }
}

/// Sums of outcomes over a group of programs (a kind or a mode).
public struct OutcomeTotals: Sendable, Equatable {
    public let group: String
    public let programs: Int
    public let enrolled: Int
    public let completed: Int
    public let behaviorChanged: Int

    public var completionRate: Double? { ProgramOutcome.rate(completed, enrolled) }
    public var behaviorChangeRate: Double? { ProgramOutcome.rate(behaviorChanged, completed) }

    /// Totals by kind (upskilling, reskilling) and by mode (mandatory, voluntary) of `outcomes`.
    public static func byKindAndMode(_ outcomes: [ProgramOutcome]) -> (byKind: [OutcomeTotals], byMode: [OutcomeTotals]) {
        func totals(_ name: String, _ members: [ProgramOutcome]) -> OutcomeTotals {
            OutcomeTotals(
                group: name, programs: members.count, enrolled: members.map(\.enrolled).reduce(0, +),
                completed: members.map(\.completed).reduce(0, +), behaviorChanged: members.map(\.behaviorChanged).reduce(0, +))
        }
        return (Catalog.Kind.allCases.map { kind in totals(kind.rawValue, outcomes.filter { $0.program.kind == kind }) },
                Catalog.Mode.allCases.map { mode in totals(mode.rawValue, outcomes.filter { $0.program.mode == mode }) })
    }
}

/// Knowledge retention for one skill: first `passed` score, and the first assessment score at
/// least `minDays` later.
public struct KnowledgeRetention: Sendable, Equatable {
    /// The contract's default minimum gap between baseline and follow-up, in days.
    public static let defaultMinDays = 60

    public let skill: String
    public let pairs: Int
    public let meanBaseline: Double
    public let meanFollowUp: Double
    public let meanChange: Double
    /// Share of follow-ups at or above the catalog's mastery score (whatever the baseline).
    public let retainedRate: Double
    /// Pairs whose baseline was at or above the mastery score: the people who reached mastery.
    public let reachedMastery: Int
    /// Of `reachedMastery`, those whose follow-up is still at or above it.
    public let stillAtMastery: Int

    /// Follow-ups at or above the mastery score (retainedRate's numerator).
    public var retained: Int { Int((retainedRate * Double(pairs)).rounded()) }

    /// stillAtMastery / reachedMastery: of the people who reached mastery, the share still
    /// there at the follow-up (nil when nobody reached it).
    public var stillAtMasteryRate: Double? { ProgramOutcome.rate(stillAtMastery, reachedMastery) }

    /// A row from figures already aggregated.
    public init(
        skill: String, pairs: Int, meanBaseline: Double, meanFollowUp: Double, meanChange: Double, retainedRate: Double,
        reachedMastery: Int, stillAtMastery: Int
    ) {
        self.skill = skill
        self.pairs = pairs
        self.meanBaseline = meanBaseline
        self.meanFollowUp = meanFollowUp
        self.meanChange = meanChange
        self.retainedRate = retainedRate
        self.reachedMastery = reachedMastery
        self.stillAtMastery = stillAtMastery
    }

    /// The row for `skill` from (baseline, follow-up) pairs — the definition; nil without pairs.
    public init?(skill: String, pairs: [(baseline: Double, followUp: Double)], masteryScore: Double) {
        guard !pairs.isEmpty else { return nil }
        let count = Double(pairs.count)
        self.skill = skill
        self.pairs = pairs.count
        meanBaseline = pairs.map(\.baseline).reduce(0, +) / count
        meanFollowUp = pairs.map(\.followUp).reduce(0, +) / count
        meanChange = pairs.map { $0.followUp - $0.baseline }.reduce(0, +) / count
        retainedRate = Double(pairs.filter { $0.followUp >= masteryScore }.count) / count
        let reached = pairs.filter { $0.baseline >= masteryScore }
        reachedMastery = reached.count
        stillAtMastery = reached.filter { $0.followUp >= masteryScore }.count
    }
}

/// Employee retention of training participants versus everyone else in the population.
public struct EmployeeRetention: Sendable, Equatable {
    /// The team, when split by team.
    public let team: String?
    public let participants: Group
    public let nonParticipants: Group

    /// A set of people and how many of them stayed.
    public struct Group: Sendable, Equatable {
        public let count: Int
        public let retained: Int
        /// retained / count (nil for nobody).
        public var rate: Double? { ProgramOutcome.rate(retained, count) }
    }

    /// (participants rate - non-participants rate) x 100; nil when either group is empty.
    public var differencePoints: Double? {
        guard let participating = participants.rate, let other = nonParticipants.rate else { return nil }
        return (participating - other) * 100
    }

    /// One person on the roster, as employee retention sees them.
    public struct Member: Sendable {
        public let team: String?
        public let hired: Day
        public let left: Day?
        /// Completed a program (the one asked about, or any) at or before `from`.
        public let participated: Bool

        public init(team: String?, hired: Day, left: Day?, participated: Bool) {
            self.team = team
            self.hired = hired
            self.left = left
            self.participated = participated
        }
    }

    /// The report over (from, to] for the roster's `members`: the population is those hired at
    /// or before `from` and not gone by then; participants are the members who `participated`;
    /// retained are those not gone by `to`. A person who left on day D is gone from the end of D.
    public static func report(members: [Member], from: Int64, to: Int64, byTeam: Bool) -> [EmployeeRetention] {
        let population = members.filter { $0.hired.startMilliseconds <= from && ($0.left.map { $0.endMilliseconds > from } ?? true) }
        func row(_ team: String?, _ members: [Member]) -> EmployeeRetention {
            func group(_ members: [Member]) -> Group {
                Group(count: members.count, retained: members.filter { $0.left.map { $0.endMilliseconds > to } ?? true }.count)
            }
            return EmployeeRetention(
                team: team, participants: group(members.filter(\.participated)), nonParticipants: group(members.filter { !$0.participated }))
        }
        guard byTeam else { return [row(nil, population)] }
        let teams = Dictionary(grouping: population) { $0.team ?? Roster.unassignedTeam }
        return teams.keys.sorted().map { row($0, teams[$0]!) }
    }
}
