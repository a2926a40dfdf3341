/// A view of one value inside a `JSONDocument`; it keeps the document alive.
public struct JSONValue: Sendable {
    /// The document this value belongs to.
    public let document: JSONDocument
    /// The value's position on the document's tape.
    public let index: Int

    /// A non-retaining cursor at this value; valid while `document` is alive.
    var cursor: JSONCursor { JSONCursor(tape: document.tape, index: index) }

    /// What kind of value this is.
    public var kind: JSONKind { cursor.kind }

    /// The decoded string, or nil if this is not a string.
    public var string: String? { withExtendedLifetime(document) { cursor.string } }

    /// The boolean, or nil if this is not `true` or `false`.
    public var bool: Bool? { cursor.bool }

    /// The number as written in the input, or nil if this is not a number.
    public var numberLiteral: String? { withExtendedLifetime(document) { cursor.numberLiteral } }

    /// The number as a double, or nil if this is not a number.
    public var double: Double? { numberLiteral.flatMap(Double.init) }

    /// True when the number literal has neither fraction nor exponent.
    public var isIntegerLiteral: Bool { cursor.isIntegerLiteral }

    /// Number of elements of an array or members of an object; 0 otherwise.
    public var count: Int { cursor.count }

    /// The members of an object in document order (empty for other kinds).
    public var members: [(key: String, value: JSONValue)] {
        withExtendedLifetime(document) {
            cursor.members.map { ($0.key.string, JSONValue(document: document, index: $0.value.index)) }
        }
    }

    /// The elements of an array in document order (empty for other kinds).
    public var elements: [JSONValue] {
        withExtendedLifetime(document) { cursor.elements.map { JSONValue(document: document, index: $0.index) } }
    }

    /// The value of member `key`, if this is an object that has it.
    public subscript(key: String) -> JSONValue? {
        withExtendedLifetime(document) { cursor.member(named: key).map { JSONValue(document: document, index: $0.index) } }
    }
}

/// A position on a document's tape that touches no reference count: the reader's hot path
/// uses it while the document is kept alive by its caller.
struct JSONCursor {
    let tape: UnsafePointer<JSONTape>
    let index: Int

    @inline(__always) var node: JSONNode { tape.pointee.nodes[index] }

    var kind: JSONKind { node.kind }

    /// The tape index just past this value's subtree.
    var endIndex: Int {
        let node = self.node
        return node.kind == .array || node.kind == .object ? Int(node.end) : index + 1
    }

    /// A strong value at this position, in `document` (the one this cursor belongs to).
    func value(in document: JSONDocument) -> JSONValue { JSONValue(document: document, index: index) }

    var string: String? {
        let node = self.node
        guard node.kind == .string else { return nil }
        return tape.pointee.decodedString(node)
    }

    var bool: Bool? {
        switch node.kind {
        case .true: true
        case .false: false
        default: nil
        }
    }

    var numberLiteral: String? {
        let node = self.node
        guard node.kind == .number else { return nil }
        return String(decoding: tape.pointee.rawBytes(node), as: UTF8.self)
    }

    var isIntegerLiteral: Bool { node.kind == .number && node.flag == 0 }

    /// The raw UTF-8 content of a string without escapes (nil for other kinds and for strings
    /// with escapes), for checks that need no decoded text.
    var unescapedBytes: UnsafeBufferPointer<UInt8>? {
        let node = self.node
        guard node.kind == .string, node.flag == 0 else { return nil }
        return tape.pointee.rawBytes(node)
    }

    var count: Int { Int(node.count) }

    var members: JSONMembers { JSONMembers(object: self) }

    var elements: JSONElements { JSONElements(array: self) }

    /// The value of member `key` (compared as decoded text).
    func member(named key: String) -> JSONCursor? {
        for member in members where member.key.matches(key) { return member.value }
        return nil
    }

    /// The value of member `key`.
    func member(_ key: StaticString) -> JSONCursor? {
        for member in members where key ~= member.key { return member.value }
        return nil
    }
}

/// One member of a JSON object, as the reader sees it.
struct JSONMember {
    let key: JSONKey
    let value: JSONCursor
}

/// An object key, compared without decoding when it has no escapes.
struct JSONKey: CustomStringConvertible {
    let tape: UnsafePointer<JSONTape>
    let index: Int

    @inline(__always) var node: JSONNode { tape.pointee.nodes[index] }

    /// The decoded key.
    var string: String { tape.pointee.decodedString(node) }

    var description: String { string }

    /// True when the key is exactly `literal` (what `switch member.key { case "id": ... }` uses).
    static func ~= (literal: StaticString, key: JSONKey) -> Bool {
        let node = key.node
        guard node.flag == 0 else { return key.string == literal.description }
        let raw = key.tape.pointee.rawBytes(node)
        let count = literal.utf8CodeUnitCount
        guard raw.count == count else { return false }
        let expected = literal.utf8Start
        for offset in 0..<count where raw[offset] != expected[offset] { return false }
        return true
    }

    /// True when the key is exactly `text`.
    func matches(_ text: String) -> Bool {
        guard node.flag == 0 else { return string == text }
        var text = text
        return text.withUTF8 { expected in
            let raw = tape.pointee.rawBytes(node)
            return raw.count == expected.count && raw.elementsEqual(expected)
        }
    }
}

/// The members of an object.
struct JSONMembers: Sequence {
    let object: JSONCursor

    struct Iterator: IteratorProtocol {
        let tape: UnsafePointer<JSONTape>
        var index: Int
        var remaining: Int

        mutating func next() -> JSONMember? {
            guard remaining > 0 else { return nil }
            remaining -= 1
            let key = JSONKey(tape: tape, index: index)
            let value = JSONCursor(tape: tape, index: index + 1)
            index = value.endIndex
            return JSONMember(key: key, value: value)
        }
    }

    func makeIterator() -> Iterator {
        let isObject = object.kind == .object
        return Iterator(tape: object.tape, index: object.index + 1, remaining: isObject ? object.count : 0)
    }
}

/// The elements of an array.
struct JSONElements: Sequence {
    let array: JSONCursor

    struct Iterator: IteratorProtocol {
        let tape: UnsafePointer<JSONTape>
        var index: Int
        var remaining: Int

        mutating func next() -> JSONCursor? {
            guard remaining > 0 else { return nil }
            remaining -= 1
            let value = JSONCursor(tape: tape, index: index)
            index = value.endIndex
            return value
        }
    }

    func makeIterator() -> Iterator {
        let isArray = array.kind == .array
        return Iterator(tape: array.tape, index: array.index + 1, remaining: isArray ? array.count : 0)
    }
}

/// Decodes the raw content of a string node, resolving escapes.
enum JSONStringDecoder {
    static func decode(_ input: UnsafeBufferPointer<UInt8>, _ node: JSONNode) -> String {
        let raw = UnsafeBufferPointer(rebasing: input[Int(node.start)..<Int(node.end)])
        guard node.flag != 0 else { return String(decoding: raw, as: UTF8.self) }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let byte = raw[i]
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                i += 1
                continue
            }
            let escape = raw[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var code = quad(raw, i)
                i += 4
                if (0xD800...0xDBFF).contains(code) {
                    let low = quad(raw, i + 2)
                    i += 6
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                UTF8.encode(Unicode.Scalar(code)!) { utf8.append($0) }
            default: utf8.append(escape)
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    private static func quad(_ raw: UnsafeBufferPointer<UInt8>, _ offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for i in offset..<offset + 4 { value = value << 4 | UInt32(hexValue(raw[i])!) }
        return value
    }
}
