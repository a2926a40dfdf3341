/// One person on the roster and when they completed each of the catalog's programs: the
/// latest, over the program's activities, of their first completion of each
/// (`ProgramCompletion`). Programs they have not completed are absent.
public struct PersonCompletions: Sendable, Equatable {
    public let person: Roster.Person
    /// Program id → completion time (milliseconds).
    public let completed: [String: Int64]

    public init(person: Roster.Person, completed: [String: Int64]) {
        self.person = person
        self.completed = completed
    }

    /// True when they completed `program` (any program when nil) at or before `time`.
    public func completed(_ program: String?, by time: Int64) -> Bool {
        guard let program else { return completed.values.contains { $0 <= time } }
        return completed[program].map { $0 <= time } ?? false
    }

    /// The person as employee retention sees them: trained when they completed `program` (or
    /// any) at or before `from`.
    public func member(program: String?, from: Int64) -> EmployeeRetention.Member {
        EmployeeRetention.Member(team: person.team, hired: person.hired, left: person.left, participated: completed(program, by: from))
    }
}
