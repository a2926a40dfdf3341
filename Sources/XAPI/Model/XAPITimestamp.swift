#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point in time as xAPI writes it: ISO 8601 (1.0.3) or RFC 3339 (2.0) date-time text, plus
/// the instant it denotes.
public struct XAPITimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The text a statement carries (for 2.0, and for times the LRS assigns, always UTC).
    public let text: String
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public let seconds: Int64
    /// Nanoseconds within the second (digits past the ninth are dropped).
    public let nanoseconds: Int32

    /// Why a text is not an acceptable timestamp.
    public enum Problem: Error, Equatable, Sendable {
        /// Not a date-time in the accepted format.
        case malformed
        /// A field is out of range (month 13, February 30, hour 24, ...).
        case outOfRange
        /// `-00`, `-0000` and `-00:00` are not allowed offsets.
        case negativeZeroOffset
        /// RFC 3339 (xAPI 2.0) requires an offset or `Z`.
        case missingOffset
    }

    /// The instant `seconds` + `nanoseconds` after the epoch, written as UTC with millisecond
    /// precision (what the LRS assigns to `stored`).
    public init(seconds: Int64, nanoseconds: Int32) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        let millis = Int(nanoseconds / 1_000_000)
        let fraction = String(millis + 1000).dropFirst()
        self.text = Self.utcText(seconds: seconds, fraction: "." + fraction)
    }

    private init(text: String, seconds: Int64, nanoseconds: Int32) {
        self.text = text
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// The instant `milliseconds` after the epoch, as UTC text with millisecond precision.
    public init(milliseconds: Int64) {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        self.init(seconds: seconds, nanoseconds: Int32(milliseconds - seconds * 1000) * 1_000_000)
    }

    /// Milliseconds since the epoch (sub-millisecond digits dropped).
    public var milliseconds: Int64 { seconds * 1000 + Int64(nanoseconds / 1_000_000) }

    /// The current time.
    public static func now() -> XAPITimestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return XAPITimestamp(seconds: Int64(spec.tv_sec), nanoseconds: Int32(spec.tv_nsec / 1_000_000 * 1_000_000))
    }

    /// Parses a statement timestamp under the rules of `version`.
    ///
    /// 1.0.3 takes ISO 8601 extended date-times (offset optional, read as UTC when absent, seconds
    /// optional) and keeps the text; 2.0 takes RFC 3339 and rewrites the text in UTC.
    public static func parse(_ text: String, version: XAPIVersion) -> Result<XAPITimestamp, Problem> {
        var utf8 = text
        return utf8.withUTF8 { parse(text, bytes: $0, version: version) }
    }

    private static func parse(
        _ text: String, bytes: UnsafeBufferPointer<UInt8>, version: XAPIVersion
    ) -> Result<XAPITimestamp, Problem> {
        var scanner = DigitScanner(bytes)
        guard let year = scanner.digits(4), scanner.take("-"), let month = scanner.digits(2), scanner.take("-"),
            let day = scanner.digits(2), scanner.take("T") || scanner.take("t"),
            let hour = scanner.digits(2), scanner.take(":"), let minute = scanner.digits(2)
        else { return .failure(.malformed) }
        var second = 0
        var fraction = ""
        var nanos: Int32 = 0
        if scanner.take(":") {
            guard let value = scanner.digits(2) else { return .failure(.malformed) }
            second = value
            if scanner.take(".") {
                let digits = scanner.digitRun()
                guard !digits.isEmpty else { return .failure(.malformed) }
                fraction = String(decoding: UnsafeBufferPointer(rebasing: digits), as: UTF8.self)
                var scale: Int32 = 100_000_000
                for digit in digits.prefix(9) {
                    nanos += Int32(digit - UInt8(ascii: "0")) * scale
                    scale /= 10
                }
            }
        } else if version == .v2_0_0 {
            return .failure(.malformed)
        }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return .failure(.outOfRange) }

        var offsetMinutes = 0
        let isZulu = scanner.take("Z") || scanner.take("z")
        if !isZulu, let sign = scanner.takeSign() {
            guard let offsetHours = scanner.digits(2) else { return .failure(.malformed) }
            var offsetMins = 0
            let extended = scanner.take(":")
            if extended {
                guard let value = scanner.digits(2) else { return .failure(.malformed) }
                offsetMins = value
            } else if let value = scanner.digits(2) {
                offsetMins = value
            }
            guard offsetHours <= 23, offsetMins <= 59 else { return .failure(.outOfRange) }
            if sign < 0, offsetHours == 0, offsetMins == 0 { return .failure(.negativeZeroOffset) }
            // RFC 3339 writes offsets as ±hh:mm only.
            if version == .v2_0_0 && !extended { return .failure(.malformed) }
            offsetMinutes = sign * (offsetHours * 60 + offsetMins)
        } else if !isZulu, version == .v2_0_0 {
            return .failure(.missingOffset)
        }
        guard scanner.atEnd else { return .failure(.malformed) }

        let days = daysFromCivil(year: year, month: month, day: day)
        let local = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        let seconds = local - Int64(offsetMinutes * 60)
        let canonical = version == .v2_0_0 ? utcText(seconds: seconds, fraction: fraction.isEmpty ? "" : "." + fraction) : text
        return .success(XAPITimestamp(text: canonical, seconds: seconds, nanoseconds: nanos))
    }

    /// `YYYY-MM-DDThh:mm:ss<fraction>Z` for an instant.
    static func utcText(seconds: Int64, fraction: String) -> String {
        let (days, secondOfDay) = Self.dayAndSecond(seconds)
        let (year, month, day) = civilFromDays(days)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + Self.clockText(secondOfDay) + fraction + "Z"
    }

    /// The HTTP date of this instant, to the second (RFC 9110's IMF-fixdate, as in
    /// `Last-Modified`): `Sun, 06 Nov 1994 08:49:37 GMT`.
    public var httpDate: String {
        let (days, secondOfDay) = Self.dayAndSecond(seconds)
        let (year, month, day) = civilFromDays(days)
        let weekday = ((days % 7) + 11) % 7  // 1970-01-01 was a Thursday (4, counting from Sunday)
        return Self.weekdayNames[weekday] + ", " + pad(day, 2) + " " + Self.monthNames[month - 1] + " " + pad(year, 4) + " "
            + Self.clockText(secondOfDay) + " GMT"
    }

    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Whole days since 1970-01-01 (floored) and the second within that day.
    private static func dayAndSecond(_ seconds: Int64) -> (days: Int, second: Int) {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        return (days, Int(seconds - Int64(days) * 86_400))
    }

    /// `hh:mm:ss` for a second of the day.
    private static func clockText(_ second: Int) -> String {
        pad(second / 3600, 2) + ":" + pad(second / 60 % 60, 2) + ":" + pad(second % 60, 2)
    }

    public var description: String { text }

    public static func < (lhs: XAPITimestamp, rhs: XAPITimestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    public static func == (lhs: XAPITimestamp, rhs: XAPITimestamp) -> Bool {
        lhs.seconds == rhs.seconds && lhs.nanoseconds == rhs.nanoseconds
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(seconds)
        hasher.combine(nanoseconds)
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

func isLeapYear(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
public func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

/// A cursor over ASCII bytes for the date-time grammar.
struct DigitScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(character.value) else { return false }
        position += 1
        return true
    }

    mutating func takeSign() -> Int? {
        if take("+") { return 1 }
        if take("-") { return -1 }
        return nil
    }

    /// Exactly `count` digits as a number.
    mutating func digits(_ count: Int) -> Int? {
        guard position + count <= bytes.count else { return nil }
        var value = 0
        for i in position..<position + count {
            guard isDigit(bytes[i]) else { return nil }
            value = value * 10 + Int(bytes[i] - UInt8(ascii: "0"))
        }
        position += count
        return value
    }

    /// The longest run of digits (possibly empty).
    mutating func digitRun() -> Slice<UnsafeBufferPointer<UInt8>> {
        let start = position
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        return bytes[start..<position]
    }
}
