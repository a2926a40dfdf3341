/// A parsed JSON text: the input bytes plus a flat "tape" of nodes that index into them.
///
/// Parsing allocates one array of fixed-size nodes and nothing per value; strings and numbers
/// are decoded only when asked for. Objects and arrays record where their subtree ends, so a
/// reader can skip a value in O(1).
///
/// The document owns copies of the input and the tape in buffers of its own, immutable after
/// parsing, so a value is one reference and an index.
public final class JSONDocument: @unchecked Sendable {
    @usableFromInline let input: UnsafeMutableBufferPointer<UInt8>
    @usableFromInline let nodes: UnsafeMutableBufferPointer<JSONNode>

    /// The descriptor cursors point at (two words per cursor instead of five).
    let tapePointer: UnsafeMutablePointer<JSONTape>

    /// Takes ownership of `nodes`; copies `input`.
    private init(input: [UInt8], nodes: UnsafeMutableBufferPointer<JSONNode>) {
        self.input = .allocate(capacity: input.count)
        _ = self.input.initialize(from: input)
        self.nodes = nodes
        tapePointer = .allocate(capacity: 1)
        tapePointer.initialize(to: JSONTape(input: UnsafeBufferPointer(self.input), nodes: UnsafeBufferPointer(nodes)))
    }

    deinit {
        input.deallocate()
        nodes.deallocate()
        tapePointer.deallocate()
    }

    /// The UTF-8 input the document was parsed from.
    public var bytes: [UInt8] { Array(input) }

    /// The top-level value.
    public var root: JSONValue { JSONValue(document: self, index: 0) }

    /// Parses `bytes` as one JSON text (RFC 8259), strictly.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .default) throws(JSONSyntaxError) -> JSONDocument {
        var parser = JSONParser(limits: limits)
        let nodes = try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
            try parser.parse(buffer)
        }
        return JSONDocument(input: bytes, nodes: nodes)
    }

    /// Parses a string as one JSON text.
    public static func parse(_ text: String, limits: JSONLimits = .default) throws(JSONSyntaxError) -> JSONDocument {
        try parse(Array(text.utf8), limits: limits)
    }

    /// The document's buffers, for cursors that do not retain it.
    var tape: UnsafePointer<JSONTape> { UnsafePointer(tapePointer) }

    /// The decoded text of a string node.
    func decodedString(_ node: JSONNode) -> String {
        JSONStringDecoder.decode(UnsafeBufferPointer(input), node)
    }
}

/// The buffers of a live `JSONDocument`, without a reference count: valid only while the
/// document is kept alive by someone else.
struct JSONTape {
    let input: UnsafeBufferPointer<UInt8>
    let nodes: UnsafeBufferPointer<JSONNode>

    /// The raw bytes of a string or number node (escapes unresolved).
    @inline(__always)
    func rawBytes(_ node: JSONNode) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: input[Int(node.start)..<Int(node.end)])
    }

    /// The decoded text of a string node.
    func decodedString(_ node: JSONNode) -> String {
        JSONStringDecoder.decode(input, node)
    }
}

/// Bounds that keep hostile input from exhausting memory or the stack.
public struct JSONLimits: Sendable {
    /// Largest accepted input, in bytes.
    public var maxBytes: Int
    /// Deepest accepted nesting of objects and arrays.
    public var maxDepth: Int
    /// Longest accepted string, in encoded bytes.
    public var maxStringBytes: Int
    /// Longest accepted number literal, in characters.
    public var maxNumberLength: Int

    /// Creates limits.
    public init(maxBytes: Int, maxDepth: Int, maxStringBytes: Int, maxNumberLength: Int) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes
        self.maxNumberLength = maxNumberLength
    }

    /// 64 MiB documents, 64 levels, 8 MiB strings, 64-character numbers.
    public static let `default` = JSONLimits(
        maxBytes: 64 << 20, maxDepth: 64, maxStringBytes: 8 << 20, maxNumberLength: 64)
}

/// The kind of a JSON value.
public enum JSONKind: UInt8, Sendable {
    case null, `false`, `true`, number, string, array, object

    /// The name used in error messages ("a string", "an object", ...).
    public var article: String {
        switch self {
        case .null: "null"
        case .false, .true: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// One entry of the tape.
///
/// - strings: `start..<end` is the raw content between the quotes; `flag` is 1 when it holds
///   escapes.
/// - numbers: `start..<end` is the literal; `flag` is 1 when it has a fraction or exponent.
/// - arrays and objects: `end` is the index of the first node after the subtree, `count` the
///   number of elements or members. An object's members are laid out as key node, value subtree.
@usableFromInline
struct JSONNode: Sendable {
    @usableFromInline var kind: JSONKind
    @usableFromInline var flag: UInt8
    @usableFromInline var start: UInt32
    @usableFromInline var end: UInt32
    @usableFromInline var count: UInt32
}

/// A syntax error with the byte offset where it was found.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset into the input.
    public let offset: Int
    /// What was wrong.
    public let reason: String

    /// Creates an error.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}
