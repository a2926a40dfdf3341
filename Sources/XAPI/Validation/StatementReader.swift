/// Reads statements from parsed JSON: checks every rule of the xAPI data model for the chosen
/// version and builds the `Statement` model in the same pass.
///
/// Errors are collected (up to `maxErrors`), each naming the JSON path and the rule. The path
/// is kept as a stack of components and rendered only when an error is recorded, so a valid
/// statement costs no path strings.
public struct StatementReader {
    /// The most errors reported for one statement.
    public static let maxErrors = 50

    let version: XAPIVersion
    /// The document being read (extension values keep a strong reference to it).
    let document: JSONDocument
    /// What error paths start with ("statement").
    let root: String
    var path: [PathComponent] = []
    private(set) var errors: [ValidationError] = []
    /// Every rule broken so far, also past `maxErrors`: a reader returns nil for a value only
    /// after recording a failure, so "no new failures" is what "valid" means for each part.
    private(set) var failures = 0

    /// Creates a reader for one statement, with `root` naming it in error paths.
    init(version: XAPIVersion, document: JSONDocument, root: String) {
        self.version = version
        self.document = document
        self.root = root
        self.path.reserveCapacity(12)
    }

    // MARK: Entry points

    /// Reads one statement from a JSON value.
    public static func read(
        _ value: JSONValue, version: XAPIVersion, root: String = "statement"
    ) -> Result<Statement, StatementRejection> {
        reading(value, version: version, root: root) { reader, cursor in reader.statement(cursor) }
    }

    /// Reads an Agent or Group given on its own (the `agent` query parameter), with `root`
    /// naming it in error paths.
    public static func readActor(
        _ value: JSONValue, version: XAPIVersion, root: String
    ) -> Result<Actor, StatementRejection> {
        reading(value, version: version, root: root) { reader, cursor in reader.actor(cursor, rule: .agentOrGroup) }
    }

    /// Reads an Agent or Group given as JSON text on its own (an `agent` parameter or command
    /// option); text that is not JSON is rejected at `root`.
    public static func readActor(json text: String, version: XAPIVersion, root: String) -> Result<Actor, StatementRejection> {
        do {
            return readActor(try JSONDocument.parse(text).root, version: version, root: root)
        } catch {
            return .failure(StatementRejection(errors: [ValidationError(path: root, message: "must be an Agent as JSON: \(error)")]))
        }
    }

    /// The identifier of the Agent (or, with `groups`, identified Group) given as JSON text.
    public static func readAgentIdentifier(
        json text: String, version: XAPIVersion, root: String, groups: Bool
    ) -> Result<InverseFunctionalIdentifier, StatementRejection> {
        readActor(json: text, version: version, root: root).flatMap { actor in
            if case .group = actor, !groups {
                return .failure(StatementRejection(errors: [ValidationError(path: root, message: "must be an Agent, not a Group")]))
            }
            guard let identifier = actor.identifier else {
                return .failure(StatementRejection(errors: [ValidationError(path: root, message: "must identify an agent; an anonymous Group does not")]))
            }
            return .success(identifier)
        }
    }

    /// Runs `read` on a fresh reader: the value, or every rule it broke.
    private static func reading<T>(
        _ value: JSONValue, version: XAPIVersion, root: String, _ read: (inout StatementReader, JSONCursor) -> T?
    ) -> Result<T, StatementRejection> {
        var reader = StatementReader(version: version, document: value.document, root: root)
        if let result = read(&reader, value.cursor), reader.errors.isEmpty { return .success(result) }
        return .failure(StatementRejection(errors: reader.errors))
    }

    /// Reads a stored statement, whichever version's rules it was accepted under.
    public static func readStored(_ bytes: [UInt8]) -> Statement? {
        guard let document = try? JSONDocument.parse(bytes) else { return nil }
        // The rules it was stored under first: read under 2.0's, a 1.0.3 statement's timestamp
        // would come back converted to UTC.
        let stored = document.root["version"]?.string
        let order: [XAPIVersion] = stored?.hasPrefix("1.") == true ? [.v1_0_3, .v2_0_0] : [.v2_0_0, .v1_0_3]
        for version in order {
            if case .success(let statement) = read(document.root, version: version) { return statement }
        }
        return nil
    }

    /// Reads an Activity definition kept on its own (the LRS's canonical one), under 2.0's
    /// rules or else 1.0.3's; nil when it is neither.
    public static func readActivityDefinition(_ bytes: [UInt8]) -> ActivityDefinition? {
        guard let document = try? JSONDocument.parse(bytes) else { return nil }
        for version in [XAPIVersion.v2_0_0, .v1_0_3] {
            let read = reading(document.root, version: version, root: "definition") { reader, cursor in reader.activityDefinition(cursor) }
            if case .success(let definition) = read { return definition }
        }
        return nil
    }

    // MARK: Errors and paths

    mutating func fail(_ message: String) {
        failures += 1
        guard errors.count < Self.maxErrors else { return }
        errors.append(ValidationError(path: PathComponent.render(root: root, path), message: message))
    }

    /// Reads member `key` with the path extended by it.
    @inline(__always)
    mutating func at<T>(_ key: StaticString, _ read: (inout StatementReader) -> T?) -> T? {
        path.append(.key(key))
        defer { path.removeLast() }
        return read(&self)
    }

    @inline(__always)
    mutating func at<T>(dynamic key: JSONKey, _ read: (inout StatementReader) -> T?) -> T? {
        path.append(.dynamicKey(key))
        defer { path.removeLast() }
        return read(&self)
    }

    @inline(__always)
    mutating func at<T>(index: Int, _ read: (inout StatementReader) -> T?) -> T? {
        path.append(.index(index))
        defer { path.removeLast() }
        return read(&self)
    }

    mutating func notAllowed(_ key: JSONKey, in container: String, note: String = "") {
        at(dynamic: key) { (reader: inout StatementReader) -> Void? in
            reader.fail("is not allowed in \(container)\(note)")
            return nil
        }
    }

    mutating func missing(_ key: StaticString) {
        at(key) { (reader: inout StatementReader) -> Void? in
            reader.fail("is required")
            return nil
        }
    }

    mutating func wrongKind(_ value: JSONCursor, expected: String) {
        if value.kind == .null {
            fail("must not be null")
        } else {
            fail("must be \(expected), not \(value.kind.article)")
        }
    }

    // MARK: Scalars

    mutating func object(_ value: JSONCursor) -> Bool {
        guard value.kind == .object else {
            wrongKind(value, expected: "an object")
            return false
        }
        return true
    }

    mutating func string(_ value: JSONCursor) -> String? {
        guard let string = value.string else {
            wrongKind(value, expected: "a string")
            return nil
        }
        return string
    }

    /// A string that identifies something (an account name): U+0000 is refused, since no
    /// person is named by it and databases cannot store it in text.
    mutating func identifierText(_ value: JSONCursor) -> String? {
        guard let string = string(value) else { return nil }
        guard !string.unicodeScalars.contains("\u{0}") else {
            fail("must not contain U+0000 (NUL)")
            return nil
        }
        return string
    }

    mutating func nonEmptyString(_ value: JSONCursor) -> String? {
        guard let string = string(value) else { return nil }
        guard !string.isEmpty else {
            fail("must not be empty")
            return nil
        }
        return string
    }

    mutating func bool(_ value: JSONCursor) -> Bool? {
        guard let bool = value.bool else {
            wrongKind(value, expected: "a boolean")
            return nil
        }
        return bool
    }

    mutating func number(_ value: JSONCursor) -> JSONNumber? {
        guard let literal = value.numberLiteral else {
            wrongKind(value, expected: "a number")
            return nil
        }
        guard let number = JSONNumber(literal: literal) else {
            fail("must be a finite number")
            return nil
        }
        return number
    }

    /// Checks an `objectType` member that must be exactly `expected`; false (with the error
    /// recorded) otherwise.
    mutating func objectType(_ value: JSONCursor, is expected: String) -> Bool {
        at("objectType") { reader in
            guard let type = reader.string(value) else { return nil }
            guard type == expected else {
                reader.fail("must be \"\(expected)\"")
                return nil
            }
            return true
        } ?? false
    }

    mutating func iri(_ value: JSONCursor) -> String? {
        guard let text = string(value) else { return nil }
        guard Formats.isIRI(text) else {
            fail("must be an absolute IRI with a scheme (e.g. http://example.com/x), got \"\(text.clipped)\"")
            return nil
        }
        return text
    }

    mutating func uuid(_ value: JSONCursor) -> XAPIUUID? {
        if let raw = value.unescapedBytes, let uuid = XAPIUUID.parse(raw) { return uuid }
        guard let text = string(value) else { return nil }
        guard let uuid = XAPIUUID(text) else {
            fail("must be a UUID in 8-4-4-4-12 hex form, got \"\(text.clipped)\"")
            return nil
        }
        return uuid
    }

    mutating func timestamp(_ value: JSONCursor) -> XAPITimestamp? {
        guard let text = string(value) else { return nil }
        switch XAPITimestamp.parse(text, version: version) {
        case .success(let timestamp):
            return timestamp
        case .failure(let problem):
            let format = version == .v2_0_0 ? "an RFC 3339 date-time" : "an ISO 8601 date-time"
            switch problem {
            case .malformed: fail("must be \(format), got \"\(text.clipped)\"")
            case .outOfRange: fail("has a date or time field out of range: \"\(text.clipped)\"")
            case .negativeZeroOffset: fail("must not use a -00:00 offset (use Z or +00:00)")
            case .missingOffset: fail("must include a time zone offset or Z (RFC 3339)")
            }
            return nil
        }
    }

    /// An array whose elements are read by `element`; nil (with errors) if any element fails.
    mutating func array<T>(
        _ value: JSONCursor, nonEmpty: Bool = false, _ element: (inout StatementReader, JSONCursor) -> T?
    ) -> [T]? {
        guard value.kind == .array else {
            wrongKind(value, expected: "an array")
            return nil
        }
        if nonEmpty && value.count == 0 {
            fail("must not be an empty array")
            return nil
        }
        var result: [T] = []
        result.reserveCapacity(value.count)
        let failuresBefore = failures
        for (index, item) in value.elements.enumerated() {
            if let read = at(index: index, { element(&$0, item) }) { result.append(read) }
        }
        return failures > failuresBefore ? nil : result
    }

    // MARK: Maps

    mutating func languageMap(_ value: JSONCursor) -> LanguageMap? {
        guard object(value) else { return nil }
        var entries: [(tag: String, text: String)] = []
        entries.reserveCapacity(value.count)
        let failuresBefore = failures
        for member in value.members {
            let tag = member.key.string
            let text: String? = at(dynamic: member.key) { reader in
                guard LanguageTag.isValid(tag) else {
                    reader.fail("is not a valid RFC 5646 language tag")
                    return nil
                }
                return reader.string(member.value)
            }
            if let text { entries.append((tag, text)) }
        }
        return failures > failuresBefore ? nil : LanguageMap(entries)
    }

    mutating func extensions(_ value: JSONCursor) -> Extensions? {
        guard object(value) else { return nil }
        var entries: [(key: String, value: JSONValue)] = []
        entries.reserveCapacity(value.count)
        let failuresBefore = failures
        for member in value.members {
            let key = member.key.string
            guard Formats.isIRI(key) else {
                at(dynamic: member.key) { (reader: inout StatementReader) -> Void? in
                    reader.fail("extension keys must be absolute IRIs")
                    return nil
                }
                continue
            }
            entries.append((key, member.value.value(in: document)))
        }
        return failures > failuresBefore ? nil : Extensions(entries)
    }
}

extension String {
    /// The string cut to 80 characters for error messages.
    var clipped: String { count > 80 ? String(prefix(77)) + "..." : self }
}
