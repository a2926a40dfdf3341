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
}
