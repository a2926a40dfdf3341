/// Who has completed a mandatory program, who has not, and who is overdue against its due rule
/// (docs/analytics.md "Compliance").
public struct ProgramCompliance: Sendable, Equatable {
    /// Where one person stands.
    public enum Status: String, Sendable, CaseIterable {
        /// Completed on or before the day asked about.
        case completed
        /// Not completed, and the due day has passed.
        case overdue
        /// Not completed, due on or after the day asked about.
        case notYetDue
        /// Not completed, and the program has no due rule.
        case notCompleted
    }

    /// One person of the population.
    public struct Entry: Sendable, Equatable {
        public let person: Roster.Person
        public let status: Status
        /// The last day to complete on time (nil without a due rule).
        public let dueDay: Day?
        /// When they completed it (nil until they have).
        public let completedAt: Int64?

        /// Days past the due day (overdue people only): 1 on the day after it.
        public func daysOverdue(asOf: Day) -> Int? {
            guard status == .overdue, let dueDay else { return nil }
            return Int(asOf.ordinal - dueDay.ordinal)
        }

        /// The first day they were overdue (overdue people only).
        public var overdueSince: Day? { status == .overdue ? dueDay.map { Day(ordinal: $0.ordinal + 1) } : nil }

        /// True when they completed it after the due day.
        public var completedLate: Bool {
            guard let completedAt, let dueDay else { return false }
            return Day(containing: completedAt) > dueDay
        }
    }

    /// Counts over a group of people (the program's population, or one team of it).
    public struct Counts: Sendable, Equatable {
        public var people = 0
        public var completed = 0
        public var completedLate = 0
        public var overdue = 0
        public var notYetDue = 0
        public var notCompleted = 0

        mutating func add(_ entry: Entry) {
            people += 1
            switch entry.status {
            case .completed:
                completed += 1
                if entry.completedLate { completedLate += 1 }
            case .overdue: overdue += 1
            case .notYetDue: notYetDue += 1
            case .notCompleted: notCompleted += 1
            }
        }
    }

    public let program: Catalog.Program
    public let counts: Counts
    /// Per team (the roster's; `Roster.unassignedTeam` for people in none), by name.
    public let teams: [(team: String, counts: Counts)]
    /// Everyone of the population who has not completed it: the longest overdue first, then the
    /// soonest due, then by team and name.
    public let outstanding: [Entry]

    public static func == (lhs: ProgramCompliance, rhs: ProgramCompliance) -> Bool {
        lhs.program == rhs.program && lhs.counts == rhs.counts && lhs.outstanding == rhs.outstanding
            && lhs.teams.map(\.team) == rhs.teams.map(\.team) && lhs.teams.map(\.counts) == rhs.teams.map(\.counts)
    }

    /// The report as of the end of `asOf` for `program` over `people` (of `team` when named):
    /// the population is everyone of the teams the program is mandatory for who was hired on
    /// or before `asOf` and not gone before it (a person who left on day D is still counted on D).
    public init(program: Catalog.Program, people: [PersonCompletions], asOf: Day, team: String?) {
        self.program = program
        var entries: [Entry] = []
        for record in people {
            let person = record.person
            guard person.hired <= asOf, person.left.map({ $0 >= asOf }) ?? true else { continue }
            if let team, (person.team ?? Roster.unassignedTeam) != team { continue }
            guard program.isRequired(ofTeam: person.team) else { continue }
            entries.append(Self.entry(program, person: person, completedAt: record.completed[program.id], asOf: asOf))
        }
        var counts = Counts()
        var byTeam: [String: Counts] = [:]
        for entry in entries {
            counts.add(entry)
            byTeam[entry.person.team ?? Roster.unassignedTeam, default: Counts()].add(entry)
        }
        self.counts = counts
        teams = byTeam.keys.sorted().map { ($0, byTeam[$0]!) }
        outstanding = entries.filter { $0.status != .completed }.sorted { a, b in
            let keyA = (a.dueDay?.ordinal ?? Int64.max, a.person.team ?? Roster.unassignedTeam, a.person.name ?? "", a.person.agent.storageKey)
            let keyB = (b.dueDay?.ordinal ?? Int64.max, b.person.team ?? Roster.unassignedTeam, b.person.name ?? "", b.person.agent.storageKey)
            return keyA < keyB
        }
    }

    /// Where `person` stands on `program` at the end of `asOf`, having completed it at
    /// `completedAt` (nil: not yet).
    public static func entry(_ program: Catalog.Program, person: Roster.Person, completedAt: Int64?, asOf: Day) -> Entry {
        let dueDay = program.due?.dueDay(hired: person.hired)
        let completedAt = completedAt.flatMap { $0 <= asOf.endMilliseconds ? $0 : nil }
        let status: Status
        switch (completedAt, dueDay) {
        case (_?, _): status = .completed
        case (nil, let due?): status = due < asOf ? .overdue : .notYetDue
        case (nil, nil): status = .notCompleted
        }
        return Entry(person: person, status: status, dueDay: dueDay, completedAt: completedAt)
    }

    /// completed / people (nil for nobody).
    public var completionRate: Double? { ProgramOutcome.rate(counts.completed, counts.people) }
}
