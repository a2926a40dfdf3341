import TesseraLRS
import TesseraAnalytics

/// Statement volume over time: the `learning_days` roll-up (learning statements per day and
/// team, kept by the writer) and, for one program, `program_events`.
enum LearningVolume {
    /// The first and last day with a learning statement; nil when there is none.
    static func days(on connection: SQLiteConnection) throws -> ClosedRange<Day>? {
        // Two subqueries: each is one seek in the primary key.
        let select = try connection.prepared("SELECT (SELECT MIN(day) FROM learning_days), (SELECT MAX(day) FROM learning_days)")
        guard try select.step(), !select.isNull(0) else { return nil }
        return Day(ordinal: select.int64(0))...Day(ordinal: select.int64(1))
    }

    /// Statements per day from `from` to `to`, of one team when named; days without
    /// statements are absent.
    static func daily(from: Day, to: Day, team: String?, on connection: SQLiteConnection) throws -> [DailyVolume] {
        let select = try connection.prepared("""
            SELECT day, SUM(statements) FROM learning_days WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR team = ?3)
            GROUP BY day HAVING SUM(statements) > 0 ORDER BY day
            """)
        select.bind(1, from.ordinal)
        select.bind(2, to.ordinal)
        select.bind(3, team)
        var days: [DailyVolume] = []
        while try select.step() { days.append(DailyVolume(day: Day(ordinal: select.int64(0)), statements: Int(select.int64(1)))) }
        return days
    }

    /// Statements about `program` (enrolment's reading: object, parent or grouping) per day,
    /// of `team`'s learners when named, from the program's events in the period.
    static func daily(from: Day, to: Day, program: String, team: TeamMembers?, on connection: SQLiteConnection) throws -> [DailyVolume] {
        guard let id = try AnalyticsTerms.id(of: program, on: connection) else { return [] }
        let select = try connection.prepared(
            "SELECT at_ms, agent_id FROM program_events WHERE program = ? AND at_ms BETWEEN ? AND ? ORDER BY at_ms")
        select.bind(1, id)
        select.bind(2, from.startMilliseconds)
        select.bind(3, to.endMilliseconds)
        // Rows come in time order (along the primary key): count runs of one day.
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

    /// Counts `learning_events` into `learning_days` again (after the roster changed, or when
    /// the facts were derived anew), with each learner in today's roster team.
    static func rebuild(on connection: SQLiteConnection) throws {
        try connection.execute("DELETE FROM learning_days")
        // The day is the floor of at_ms / 86,400,000 (SQLite's division truncates towards zero).
        let fill = try connection.prepared("""
            INSERT INTO learning_days (day, team, statements)
            SELECT e.day, COALESCE(r.team, ?1), SUM(e.statements) FROM (
                SELECT agent_id, (at_ms - ((at_ms % 86400000) + 86400000) % 86400000) / 86400000 AS day, COUNT(*) AS statements
                FROM learning_events GROUP BY agent_id, day
            ) e JOIN agents a ON a.id = e.agent_id LEFT JOIN roster r ON r.agent = a.ifi
            GROUP BY e.day, COALESCE(r.team, ?1)
            """)
        fill.bind(1, Roster.unassignedTeam)
        try fill.step()
        fill.reset()
    }

    /// Counts not yet written, per (day, team): a group commit's statements mostly fall on the
    /// same few days, so each row is written once per transaction.
    struct Pending {
        private struct Row: Hashable {
            let day: Int64
            let team: String
        }

        private var rows: [Row: Int64] = [:]

        /// Counts a statement at `at` by a learner of `team` (`by` -1: one removed).
        mutating func count(at: Int64, team: String, by change: Int64) {
            rows[Row(day: Day(containing: at).ordinal, team: team), default: 0] += change
        }

        /// Forgets the counts (the rows are about to be rebuilt, or the transaction failed).
        mutating func discard() {
            rows.removeAll()
        }

        /// Adds the counts to the stored rows, drops rows that reach zero, and forgets them.
        mutating func write(on connection: SQLiteConnection) throws {
            let upsert = try connection.prepared("""
                INSERT INTO learning_days (day, team, statements) VALUES (?1, ?2, ?3)
                ON CONFLICT (day, team) DO UPDATE SET statements = statements + ?3
                """)
            let prune = try connection.prepared("DELETE FROM learning_days WHERE day = ?1 AND team = ?2 AND statements <= 0")
            for (row, change) in rows where change != 0 {
                upsert.reset()
                upsert.bind(1, row.day)
                upsert.bind(2, row.team)
                upsert.bind(3, change)
                try upsert.step()
                guard change < 0 else { continue }
                prune.reset()
                prune.bind(1, row.day)
                prune.bind(2, row.team)
                try prune.step()
            }
            rows.removeAll()
        }
    }
}
