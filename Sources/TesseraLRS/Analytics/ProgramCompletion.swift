/// When people completed a program, from each person's first completion of each of its
/// activities: the latest of those, for the people who completed every activity.
public enum ProgramCompletion {
    /// `firsts` holds (person, first completion time) once per (person, activity) completed;
    /// `activities` is how many activities the program has.
    public static func completedAt(_ firsts: some Sequence<(agent: Int64, at: Int64)>, activities: Int) -> [Int64: Int64] {
        var progress: [Int64: (activities: Int, completedAt: Int64)] = [:]
        for (agent, at) in firsts {
            let previous = progress[agent] ?? (0, Int64.min)
            progress[agent] = (previous.activities + 1, max(previous.completedAt, at))
        }
        return progress.filter { $0.value.activities == activities }.mapValues(\.completedAt)
    }
}
