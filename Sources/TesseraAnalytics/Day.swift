import XAPI

/// A calendar day in UTC (`YYYY-MM-DD`), as rosters record hiring and leaving.
public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let ordinal: Int64

    /// The day `text` names, if it is a valid `YYYY-MM-DD` date (the calendar rules are the
    /// xAPI timestamp's).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.map(\.count) == [4, 2, 2], parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            case .success(let midnight) = XAPITimestamp.parse(text + "T00:00:00Z", version: .v2_0_0)
        else { return nil }
        ordinal = midnight.seconds / 86_400
    }

    /// The day `ordinal` days after 1970-01-01.
    public init(ordinal: Int64) {
        self.ordinal = ordinal
    }

    /// The day containing the instant `milliseconds` (since the epoch, UTC).
    public init(containing milliseconds: Int64) {
        ordinal = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
    }

    /// The first millisecond of the day.
    public var startMilliseconds: Int64 { ordinal * 86_400_000 }

    /// The last millisecond of the day.
    public var endMilliseconds: Int64 { startMilliseconds + 86_399_999 }

    /// The first day of the day's month.
    public var firstOfMonth: Day { Day(String(description.prefix(7)) + "-01")! }

    /// The first day of the month `months` months before this day's.
    public func firstOfMonth(monthsBefore months: Int) -> Day {
        var month = firstOfMonth
        for _ in 0..<max(months, 0) { month = Day(ordinal: month.ordinal - 1).firstOfMonth }
        return month
    }

    /// The first day of the next month (a month is at most 31 days: 32 days on is in the next).
    public var firstOfNextMonth: Day { Day(ordinal: firstOfMonth.ordinal + 32).firstOfMonth }

    /// The last day of each month from `from`'s to `to`'s, with `to` itself in place of the
    /// last month's end (or as an extra point when `to` comes first in its month): the days a
    /// trend is read on. Empty when `to` is before `from`.
    public static func monthEnds(from: Day, to: Day) -> [Day] {
        var days: [Day] = []
        var month = from.firstOfMonth
        while month <= to {
            let end = Day(ordinal: month.firstOfNextMonth.ordinal - 1)
            days.append(min(end, to))
            month = month.firstOfNextMonth
        }
        return days.filter { $0 >= from }
    }

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.ordinal < rhs.ordinal }

    /// `YYYY-MM-DD`, by calendar arithmetic (reports write tens of thousands of dates).
    public var description: String {
        let (year, month, day) = civilFromDays(Int(ordinal))
        func digits(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(width - text.count, 0)) + text
        }
        return "\(digits(year, 4))-\(digits(month, 2))-\(digits(day, 2))"
    }
}
