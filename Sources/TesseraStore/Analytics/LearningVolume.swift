import TesseraAnalytics

/// How many learning statements there were on one day.
public struct DailyVolume: Sendable, Equatable {
    /// The UTC day of the statements' timestamps.
    public let day: Day
    /// Statements from identified learners on that day, voided ones not counted.
    public let statements: Int

    /// Creates a day's count.
    public init(day: Day, statements: Int) {
        self.day = day
        self.statements = statements
    }
}

/// Statement volume over time from `learning_events` (every non-voided statement whose actor
/// is an identified Agent) and `program_events` (those about a program), by timestamp.
enum LearningVolume {
    /// The first and last day with a learning statement; nil when there is none.
    static func days(on connection: SQLiteConnection) throws -> ClosedRange<Day>? {
        // Two subqueries: each is one seek in `learning_events_at`.
        let select = try connection.prepared(
            "SELECT (SELECT MIN(at_ms) FROM learning_events), (SELECT MAX(at_ms) FROM learning_events)")
        guard try select.step(), !select.isNull(0) else { return nil }
        return Day(containing: select.int64(0))...Day(containing: select.int64(1))
    }

    /// Statements per day in [from, to], of `team`'s learners and about `program` when named;
    /// days without statements are absent.
    static func daily(
        from: Int64, to: Int64, team: TeamMembers?, program: String?, on connection: SQLiteConnection
    ) throws -> [DailyVolume] {
        let select: SQLiteStatement
        if let program {
            guard let id = try AnalyticsTerms.id(of: program, on: connection) else { return [] }
            select = try connection.prepared(
                "SELECT at_ms, agent_id FROM program_events WHERE program = ?3 AND at_ms BETWEEN ?1 AND ?2 ORDER BY at_ms")
            select.bind(3, id)
        } else {
            select = try connection.prepared("SELECT at_ms, agent_id FROM learning_events WHERE at_ms BETWEEN ?1 AND ?2 ORDER BY at_ms")
        }
        select.bind(1, from)
        select.bind(2, to)
        // Rows come in time order (read along indexes that lead with it): count runs of one day.
        var days: [DailyVolume] = []
        var current = Int64.min, count = 0
        while try select.step() {
            if let team, !team.contains(select.int64(1)) { continue }
            let day = Day(containing: select.int64(0)).ordinal
            if day != current {
                if count > 0 { days.append(DailyVolume(day: Day(ordinal: current), statements: count)) }
                (current, count) = (day, 0)
            }
            count += 1
        }
        if count > 0 { days.append(DailyVolume(day: Day(ordinal: current), statements: count)) }
        return days
    }
}
