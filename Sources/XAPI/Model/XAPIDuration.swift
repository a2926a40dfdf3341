/// ISO 8601:2004 section 4.4.3.2 durations as `result.duration` uses them: `PnYnMnDTnHnMnS`
/// or `PnW`, at least one component, a decimal fraction only on the last component given.
public enum XAPIDuration {
    /// True when `text` is a duration in the format-with-designators.
    public static func isValid(_ text: String) -> Bool {
        parse(text) != nil
    }

    /// The duration with the seconds' fraction truncated to hundredths, which is all xAPI 2.0
    /// compares (`PT1.2567S` becomes `PT1.25S`); nil when `text` is not a valid duration.
    public static func truncatedToHundredths(_ text: String) -> String? {
        guard parse(text) != nil else { return nil }
        guard text.hasSuffix("S"), let dot = text.lastIndex(of: ".") else { return text }
        let digits = text[text.index(after: dot)..<text.index(before: text.endIndex)]
        guard digits.count > 2 else { return text }
        return String(text[...dot]) + digits.prefix(2) + "S"
    }

    private static let dateDesignators: [UInt8] = Array("YMWD".utf8)
    private static let timeDesignators: [UInt8] = Array("HMS".utf8)

    /// The number of components of a valid duration; nil if `text` is not one.
    private static func parse(_ text: String) -> Int? {
        var text = text
        return text.withUTF8(parse)
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard bytes.first == UInt8(ascii: "P"), bytes.count > 1 else { return nil }
        var components = 0
        var inTime = false
        var lastRank = -1
        var lastHadFraction = false
        var sawWeek = false
        var sawTimeComponent = false
        var index = 1
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "T") {
                guard !inTime else { return nil }
                inTime = true
                index += 1
                continue
            }
            let numberStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > numberStart else { return nil }
            var hasFraction = false
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
                hasFraction = true
                index += 1
                let fractionStart = index
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
                guard index > fractionStart else { return nil }
            }
            guard index < bytes.count, !lastHadFraction else { return nil }
            let designators = inTime ? timeDesignators : dateDesignators
            guard let position = designators.firstIndex(of: bytes[index]) else { return nil }
            let rank = (inTime ? 10 : 0) + position
            guard rank > lastRank else { return nil }
            lastRank = rank
            lastHadFraction = hasFraction
            sawWeek = sawWeek || bytes[index] == UInt8(ascii: "W")
            sawTimeComponent = sawTimeComponent || inTime
            components += 1
            index += 1
        }
        guard components > 0, !inTime || sawTimeComponent else { return nil }
        // PnW stands alone.
        if sawWeek && components > 1 { return nil }
        return components
    }
}
