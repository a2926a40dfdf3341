/// RFC 4180 CSV: comma-separated fields, double quotes around fields that hold commas, quotes
/// or line breaks (a quote inside written twice), CRLF or LF between records.
public enum CSV {
    /// Why text is not CSV.
    public struct Malformed: Error, Sendable, Equatable {
        /// The 1-based line where the problem is.
        public let line: Int
        public let reason: String
    }

    /// The records of `bytes` (UTF-8); a trailing line break does not start a record.
    public static func parse(_ bytes: [UInt8]) -> Result<[[String]], Malformed> {
        var bytes = bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }  // spreadsheet BOM
        guard String(validating: bytes, as: UTF8.self) != nil else { return .failure(Malformed(line: 1, reason: "the file is not UTF-8")) }
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var line = 1
        var index = bytes.startIndex
        var quoted = false
        var fieldStarted = false
        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldStarted = false
        }
        while index < bytes.endIndex {
            let byte = bytes[index]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.endIndex, bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        quoted = false
                        let next = index + 1 < bytes.endIndex ? bytes[index + 1] : UInt8(ascii: "\n")
                        guard [UInt8(ascii: ","), UInt8(ascii: "\n"), UInt8(ascii: "\r")].contains(next) else {
                            return .failure(Malformed(line: line, reason: "text after a closing quote"))
                        }
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""):
                    guard !fieldStarted && field.isEmpty else {
                        return .failure(Malformed(line: line, reason: "a quote inside an unquoted field"))
                    }
                    quoted = true
                    fieldStarted = true
                case UInt8(ascii: ","):
                    endField()
                case UInt8(ascii: "\r") where index + 1 < bytes.endIndex && bytes[index + 1] == UInt8(ascii: "\n"):
                    break
                case UInt8(ascii: "\n"):
                    endField()
                    if !(record.count == 1 && record[0].isEmpty) { records.append(record) }
                    record.removeAll()
                    line += 1
                default:
                    field.append(byte)
                    fieldStarted = true
                }
            }
            index += 1
        }
        if quoted { return .failure(Malformed(line: line, reason: "a quoted field is not closed")) }
        if fieldStarted || !field.isEmpty || !record.isEmpty {
            endField()
            records.append(record)
        }
        return .success(records)
    }

    /// `rows` as CSV with CRLF line breaks, quoting only where needed.
    public static func write(_ rows: [[String]]) -> [UInt8] {
        var output: [UInt8] = []
        for row in rows {
            for (index, field) in row.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                output += escaped(field)
            }
            output += [13, 10]
        }
        return output
    }

    /// One field, quoted when it holds a comma, a quote or a line break, or when it begins
    /// with a character a spreadsheet would read as a formula (=, +, -, @, and TAB and CR,
    /// which spreadsheets skip before one), which is then prefixed with an apostrophe.
    static func escaped(_ field: String) -> [UInt8] {
        let quote = UInt8(ascii: "\"")
        var bytes = Array(field.utf8)
        if let first = bytes.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D].contains(first),
            Double(field) == nil
        {
            bytes.insert(UInt8(ascii: "'"), at: 0)
        }
        guard bytes.contains(where: { $0 == UInt8(ascii: ",") || $0 == quote || $0 == 0x0A || $0 == 0x0D }) else { return bytes }
        var quoted: [UInt8] = [quote]
        quoted.reserveCapacity(bytes.count + 8)
        for byte in bytes {
            quoted.append(byte)
            if byte == quote { quoted.append(quote) }
        }
        quoted.append(quote)
        return quoted
    }
}
