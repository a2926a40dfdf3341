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

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.ordinal < rhs.ordinal }

    /// `YYYY-MM-DD`.
    public var description: String {
        String(XAPITimestamp(milliseconds: startMilliseconds).text.prefix(10))
    }
}
