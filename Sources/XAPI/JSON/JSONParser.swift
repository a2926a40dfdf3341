/// The byte-level RFC 8259 parser behind `JSONDocument.parse`.
///
/// Strict: UTF-8 is validated (no overlongs, surrogates or code points past U+10FFFF), escapes
/// must be well formed with paired surrogates, control characters must be escaped, duplicate
/// object keys are rejected, and depth, size, string and number lengths are bounded.
struct JSONParser {
    let limits: JSONLimits
    private var nodes = TapeBuilder()
    private var position = 0
    private var depth = 0

    init(limits: JSONLimits) {
        self.limits = limits
    }

    /// Parses `input`; the returned tape is allocated for the caller, who must free it.
    mutating func parse(_ input: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> UnsafeMutableBufferPointer<JSONNode> {
        guard input.count <= limits.maxBytes else {
            throw JSONSyntaxError(offset: 0, reason: "document is larger than \(limits.maxBytes) bytes")
        }
        if input.count >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF {
            throw JSONSyntaxError(offset: 0, reason: "byte order mark is not allowed")
        }
        nodes.reserve(input.count / 6 + 4)
        do throws(JSONSyntaxError) {
            skipWhitespace(input)
            try parseValue(input)
            skipWhitespace(input)
            guard position == input.count else {
                throw JSONSyntaxError(offset: position, reason: "unexpected data after the JSON value")
            }
        } catch {
            nodes.deallocate()
            throw error
        }
        return nodes.take()
    }

    private mutating func skipWhitespace(_ input: UnsafeBufferPointer<UInt8>) {
        while position < input.count {
            switch input[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private func fail(_ reason: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? position, reason: reason)
    }

    private mutating func parseValue(_ input: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        guard position < input.count else { throw fail("unexpected end of input, expected a value") }
        switch input[position] {
        case UInt8(ascii: "{"): try parseObject(input)
        case UInt8(ascii: "["): try parseArray(input)
        case UInt8(ascii: "\""): try parseString(input)
        case UInt8(ascii: "t"): try parseLiteral(input, "true", kind: .true)
        case UInt8(ascii: "f"): try parseLiteral(input, "false", kind: .false)
        case UInt8(ascii: "n"): try parseLiteral(input, "null", kind: .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber(input)
        default: throw fail("unexpected character, expected a value")
        }
    }

    private mutating func parseLiteral(
        _ input: UnsafeBufferPointer<UInt8>, _ word: StaticString, kind: JSONKind
    ) throws(JSONSyntaxError) {
        let length = word.utf8CodeUnitCount
        guard position + length <= input.count else { throw fail("invalid literal") }
        let expected = word.utf8Start
        for offset in 0..<length where input[position + offset] != expected[offset] {
            throw fail("invalid literal")
        }
        nodes.append(JSONNode(kind: kind, flag: 0, start: UInt32(position), end: UInt32(position + length), count: 0))
        position += length
    }

    private mutating func enterContainer() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= limits.maxDepth else {
            throw fail("nesting deeper than \(limits.maxDepth) levels")
        }
    }

    private mutating func parseArray(_ input: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        try enterContainer()
        let nodeIndex = nodes.count
        nodes.append(JSONNode(kind: .array, flag: 0, start: UInt32(position), end: 0, count: 0))
        position += 1
        skipWhitespace(input)
        var count: UInt32 = 0
        if position < input.count, input[position] == UInt8(ascii: "]") {
            position += 1
        } else {
            while true {
                try parseValue(input)
                count += 1
                skipWhitespace(input)
                guard position < input.count else { throw fail("unexpected end of input in an array") }
                let byte = input[position]
                position += 1
                if byte == UInt8(ascii: "]") { break }
                guard byte == UInt8(ascii: ",") else { throw fail("expected ',' or ']'", at: position - 1) }
                skipWhitespace(input)
            }
        }
        nodes[nodeIndex].end = UInt32(nodes.count)
        nodes[nodeIndex].count = count
        depth -= 1
    }

    private mutating func parseObject(_ input: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        try enterContainer()
        let nodeIndex = nodes.count
        let objectStart = position
        nodes.append(JSONNode(kind: .object, flag: 0, start: UInt32(position), end: 0, count: 0))
        position += 1
        skipWhitespace(input)
        var count: UInt32 = 0
        if position < input.count, input[position] == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                guard position < input.count, input[position] == UInt8(ascii: "\"") else {
                    throw fail("expected a string key")
                }
                try parseString(input)
                skipWhitespace(input)
                guard position < input.count, input[position] == UInt8(ascii: ":") else {
                    throw fail("expected ':' after an object key")
                }
                position += 1
                skipWhitespace(input)
                try parseValue(input)
                count += 1
                skipWhitespace(input)
                guard position < input.count else { throw fail("unexpected end of input in an object") }
                let byte = input[position]
                position += 1
                if byte == UInt8(ascii: "}") { break }
                guard byte == UInt8(ascii: ",") else { throw fail("expected ',' or '}'", at: position - 1) }
                skipWhitespace(input)
            }
        }
        nodes[nodeIndex].end = UInt32(nodes.count)
        nodes[nodeIndex].count = count
        depth -= 1
        if count > 1, let duplicate = duplicateKey(input, objectIndex: nodeIndex, count: Int(count)) {
            throw fail("duplicate key \"\(duplicate)\"", at: objectStart)
        }
    }

    /// The first key that occurs twice in the object at `objectIndex`, if any.
    private func duplicateKey(_ input: UnsafeBufferPointer<UInt8>, objectIndex: Int, count: Int) -> String? {
        if count > 16 || anyKeyEscaped(objectIndex: objectIndex, count: count) {
            var seen = Set<String>(minimumCapacity: count)
            var index = objectIndex + 1
            for _ in 0..<count {
                let key = JSONStringDecoder.decode(input, nodes[index])
                if !seen.insert(key).inserted { return key }
                index = nextKeyIndex(after: index)
            }
            return nil
        }
        var keyIndex = objectIndex + 1
        for _ in 0..<count {
            var earlier = objectIndex + 1
            while earlier < keyIndex {
                if rawEqual(input, nodes[keyIndex], nodes[earlier]) {
                    return JSONStringDecoder.decode(input, nodes[keyIndex])
                }
                earlier = nextKeyIndex(after: earlier)
            }
            keyIndex = nextKeyIndex(after: keyIndex)
        }
        return nil
    }

    private func anyKeyEscaped(objectIndex: Int, count: Int) -> Bool {
        var index = objectIndex + 1
        for _ in 0..<count {
            if nodes[index].flag != 0 { return true }
            index = nextKeyIndex(after: index)
        }
        return false
    }

    /// The tape index of the key after the member whose key is at `keyIndex`.
    private func nextKeyIndex(after keyIndex: Int) -> Int {
        let value = nodes[keyIndex + 1]
        return value.kind == .array || value.kind == .object ? Int(value.end) : keyIndex + 2
    }

    private func rawEqual(_ input: UnsafeBufferPointer<UInt8>, _ a: JSONNode, _ b: JSONNode) -> Bool {
        let length = Int(a.end - a.start)
        guard length == Int(b.end - b.start) else { return false }
        let aStart = Int(a.start)
        let bStart = Int(b.start)
        for offset in 0..<length where input[aStart + offset] != input[bStart + offset] {
            return false
        }
        return true
    }

    private mutating func parseString(_ input: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        let quote = position
        position += 1
        let start = position
        var escaped: UInt8 = 0
        while true {
            // Fast path: runs of printable ASCII other than the quote and the backslash.
            var scan = position
            let end = input.count
            let raw = UnsafeRawPointer(input.baseAddress!)
            while scan + 8 <= end, !Self.hasSpecialByte(raw.loadUnaligned(fromByteOffset: scan, as: UInt64.self)) {
                scan += 8
            }
            while scan < end {
                let byte = input[scan]
                guard byte &- 0x20 < 0x60, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") else { break }
                scan += 1
            }
            position = scan
            guard position < input.count else { throw fail("unterminated string", at: quote) }
            let byte = input[position]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                escaped = 1
                try scanEscape(input)
            } else if byte < 0x20 {
                throw fail("control character in a string must be escaped")
            } else if byte < 0x80 {
                position += 1
            } else {
                try scanMultibyte(input)
            }
        }
        guard position - start <= limits.maxStringBytes else {
            throw fail("string longer than \(limits.maxStringBytes) bytes", at: quote)
        }
        nodes.append(JSONNode(kind: .string, flag: escaped, start: UInt32(start), end: UInt32(position), count: 0))
        position += 1
    }

    /// True when any of 8 bytes is a quote, a backslash, a control character or non-ASCII
    /// (SWAR: each test sets the high bit of a byte lane that matches).
    @inline(__always)
    private static func hasSpecialByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let isQuote = (quote &- ones) & ~quote
        let isBackslash = (backslash &- ones) & ~backslash
        let isControl = (word &- ones &* 0x20) & ~word
        return (isQuote | isBackslash | isControl | word) & highs != 0
    }

    private mutating func scanEscape(_ input: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        guard position + 1 < input.count else { throw fail("unterminated escape") }
        switch input[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            let unit = try hexQuad(input, at: position + 2)
            position += 6
            if (0xD800...0xDBFF).contains(unit) {
                guard position + 1 < input.count, input[position] == UInt8(ascii: "\\"),
                    input[position + 1] == UInt8(ascii: "u"),
                    (0xDC00...0xDFFF).contains(try hexQuad(input, at: position + 2))
                else { throw fail("unpaired UTF-16 surrogate in \\u escape") }
                position += 6
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw fail("unpaired UTF-16 surrogate in \\u escape")
            }
        default:
            throw fail("invalid escape sequence")
        }
    }

    private func hexQuad(_ input: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONSyntaxError) -> UInt32 {
        guard offset + 4 <= input.count else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for i in offset..<offset + 4 {
            guard let digit = hexValue(input[i]) else { throw fail("invalid hex digit in \\u escape", at: i) }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence (RFC 3629 table 3-7) and advances past it.
    private mutating func scanMultibyte(_ input: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        let lead = input[position]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw fail("invalid UTF-8 byte")
        }
        guard position + length <= input.count else { throw fail("truncated UTF-8 sequence") }
        let second = input[position + 1]
        guard second >= low, second <= high else { throw fail("invalid UTF-8 sequence") }
        for i in 2..<length where input[position + i] & 0xC0 != 0x80 {
            throw fail("invalid UTF-8 sequence")
        }
        position += length
    }

    private mutating func parseNumber(_ input: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        let start = position
        var isInteger = true
        if input[position] == UInt8(ascii: "-") { position += 1 }
        guard position < input.count, isDigit(input[position]) else { throw fail("invalid number", at: start) }
        if input[position] == UInt8(ascii: "0") {
            position += 1
            if position < input.count, isDigit(input[position]) {
                throw fail("leading zeros are not allowed in numbers", at: start)
            }
        } else {
            skipDigits(input)
        }
        if position < input.count, input[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < input.count, isDigit(input[position]) else { throw fail("invalid number fraction") }
            skipDigits(input)
        }
        var hasExponent = false
        if position < input.count, input[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            hasExponent = true
            position += 1
            if position < input.count, input[position] == UInt8(ascii: "+") || input[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < input.count, isDigit(input[position]) else { throw fail("invalid number exponent") }
            skipDigits(input)
        }
        guard position - start <= limits.maxNumberLength else {
            throw fail("number literal longer than \(limits.maxNumberLength) characters", at: start)
        }
        // Integers of at most 64 digits are finite doubles; only an exponent can overflow.
        if hasExponent {
            let literal = String(decoding: UnsafeBufferPointer(rebasing: input[start..<position]), as: UTF8.self)
            guard let value = Double(literal), value.isFinite else {
                throw fail("number is out of range for a 64-bit float", at: start)
            }
        }
        nodes.append(JSONNode(
            kind: .number, flag: isInteger ? 0 : 1, start: UInt32(start), end: UInt32(position), count: 0))
    }

    private mutating func skipDigits(_ input: UnsafeBufferPointer<UInt8>) {
        while position < input.count, isDigit(input[position]) { position += 1 }
    }
}

@inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

@inline(__always) func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}

/// A growable array of tape nodes in memory the parser manages itself, so that appending and
/// patching need no uniqueness checks and the finished tape moves into the document uncopied.
struct TapeBuilder {
    private var base: UnsafeMutablePointer<JSONNode>?
    private(set) var count = 0
    private var capacity = 0

    /// Allocates room for `capacity` nodes.
    mutating func reserve(_ capacity: Int) {
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    @inline(__always)
    mutating func append(_ node: JSONNode) {
        if count == capacity { grow() }
        (base! + count).initialize(to: node)
        count += 1
    }

    @inline(__always)
    subscript(index: Int) -> JSONNode {
        get { base![index] }
        set { base![index] = newValue }
    }

    private mutating func grow() {
        let newCapacity = Swift.max(16, capacity * 2)
        let grown = UnsafeMutablePointer<JSONNode>.allocate(capacity: newCapacity)
        if let base {
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
        }
        base = grown
        capacity = newCapacity
    }

    /// Hands the nodes over; the builder is empty afterwards.
    mutating func take() -> UnsafeMutableBufferPointer<JSONNode> {
        let result = UnsafeMutableBufferPointer(start: base, count: count)
        base = nil
        count = 0
        capacity = 0
        return result
    }

    /// Frees the nodes after a failed parse.
    mutating func deallocate() {
        base?.deallocate()
        base = nil
        count = 0
        capacity = 0
    }
}
