/// One broken rule: where (a JSON path such as `statement.actor.mbox`) and what.
public struct ValidationError: Error, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// JSON path of the offending value, rooted at `statement` (or the name the caller chose).
    public let path: String
    /// The rule that was broken, as a sentence fragment ("must be a mailto IRI").
    public let message: String

    /// Creates an error.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

extension JSONWriter {
    /// Writes one error as `{"index":i,"path":"…","message":"…"}` (`index` only when given): the
    /// shape every Tessera error report uses.
    public mutating func validationError(path: String, message: String, index: Int? = nil) {
        beginObject()
        if let index {
            key("index")
            number(String(index))
        }
        key("path")
        string(path)
        key("message")
        string(message)
        endObject()
    }
}

/// A statement (or batch) that was rejected, with every rule it broke.
public struct StatementRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broken rules, in document order (at most `StatementReader.maxErrors`).
    public let errors: [ValidationError]

    /// Creates a rejection.
    public init(errors: [ValidationError]) {
        self.errors = errors
    }

    public var description: String { errors.map(\.description).joined(separator: "; ") }
}

/// A step in a JSON path. Every case is trivial to copy, so keeping the path costs no
/// reference counting while a statement is read.
enum PathComponent {
    case key(StaticString)
    case dynamicKey(JSONKey)
    case index(Int)

    static func render(root: String, _ components: [PathComponent]) -> String {
        var text = root
        for component in components {
            switch component {
            case .key(let key): text += "." + key.description
            case .index(let index): text += "[\(index)]"
            case .dynamicKey(let jsonKey):
                let key = jsonKey.string
                let isLetter = { (byte: UInt8) in
                    (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_")
                }
                let plain = key.utf8.first.map(isLetter) == true && key.utf8.allSatisfy { isLetter($0) || isDigit($0) }
                text += plain ? "." + key : "[\"" + key.replacingQuotes() + "\"]"
            }
        }
        return text
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        var result = ""
        for character in self {
            if character == "\"" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
