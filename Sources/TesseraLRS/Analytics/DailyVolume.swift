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
