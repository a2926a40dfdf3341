/// Builds HTML (and inline SVG) text with everything from outside escaped.
struct HTML {
    private(set) var text = ""

    /// Appends markup written here (never data).
    mutating func raw(_ markup: String) { text += markup }

    /// Appends `value` as text content or an attribute value.
    mutating func escaped(_ value: String) { text += Self.escape(value) }

    /// `value` with `& < > " '` replaced by character references.
    static func escape(_ value: String) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        // By Unicode scalar, not by character: a quote followed by a combining mark is one
        // grapheme ("\"\u{338}"), and the quote inside it must be escaped all the same.
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A number of SVG user units, without a trailing `.0`.
    static func unit(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// `0.793` → `79%`.
    static func percent(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }

    /// `0.7934` → `0.79`.
    static func score(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let sign = hundredths < 0 ? "−" : ""
        let magnitude = abs(hundredths)
        return "\(sign)\(magnitude / 100).\(magnitude % 100 < 10 ? "0" : "")\(magnitude % 100)"
    }

    /// A difference in percentage points with its sign and one decimal: `+15.2`, `−3.0`.
    static func points(_ value: Double) -> String {
        let tenths = Int((abs(value) * 10).rounded())
        return (value < 0 && tenths > 0 ? "−" : "+") + "\(tenths / 10).\(tenths % 10)"
    }

    /// A count with thousands separated: `1,301`.
    static func count(_ value: Int) -> String {
        let digits = String(abs(value))
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return (value < 0 ? "−" : "") + grouped
    }
}
