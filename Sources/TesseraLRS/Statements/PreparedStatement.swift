import TesseraAnalytics
import XAPI

/// A validated statement made ready for the writer: id, authority and version assigned, the
/// stored form encoded with a placeholder where the writer puts the storage time.
public struct PreparedStatement: Sendable {
    /// The statement id.
    public let id: XAPIUUID
    /// The statement this one voids, if it is a voiding statement.
    public var voids: XAPIUUID? { statement.voidedStatementID }
    /// The stored form, with a placeholder for the storage time at `storedRange`
    /// (`body(storedAt:)`); for a copied statement, its stored form as it is (no range).
    private var body: [UInt8]
    private let storedRange: Range<Int>?
    /// What a backend indexes about it.
    public let keys: StatementKeys
    /// The statement itself, to compare with a stored one if its id is already taken.
    public let statement: Statement
    /// What analytics derives from it (nil when the actor is not an identified Agent).
    public let learningEvent: LearningEvent?
    /// Activity definitions to merge into the canonical ones (only from a credential that may
    /// define activities), as (activity IRI, definition JSON).
    public let definitions: [(id: String, json: [UInt8])]
    /// The SHA-256 (lower-case hex) of each of its attachments.
    public var attachmentHashes: [String] { (statement.attachments ?? []).map { $0.sha2.lowercased() } }

    /// The stand-in for `stored` until the writer assigns the real time (same width).
    static let storedPlaceholder = XAPITimestamp(seconds: 0, nanoseconds: 0)

    /// Prepares `statement` as received under `version`, vouched for by `authority`.
    ///
    /// Assigns a random id when there is none, the authority (always: the LRS overwrites one
    /// sent by the client), the version (kept when sent, else the request's), and a timestamp
    /// equal to the storage time when none was sent (the writer fills both in). With
    /// `defines`, the statement's activity definitions update the canonical ones.
    public init(_ statement: Statement, authority: Agent, version: XAPIVersion, defines: Bool = false) {
        var statement = statement
        let id = statement.id ?? XAPIUUID.random()
        statement.id = id
        statement.authority = .agent(authority)
        statement.version = statement.version ?? version.defaultStatementVersion
        statement.stored = Self.storedPlaceholder
        self.id = id
        keys = StatementKeys(statement)
        self.statement = statement
        learningEvent = LearningEvent(statement)
        definitions = defines ? statement.activityDefinitions.map { ($0.id, $0.definition.canonicalJSON()) } : []
        let encoded = statement.canonicalJSONWithStoredRange()
        body = encoded.bytes
        storedRange = encoded.stored!
    }

    /// A statement read back from a store's stored `body`, to be stored elsewhere exactly as it
    /// is (`tessera copy`); nil when the body is not a stored statement. It defines no
    /// activities: canonical definitions are copied on their own.
    public init?(copying body: [UInt8]) {
        guard let statement = StatementReader.readStored(body), let id = statement.id else { return nil }
        self.id = id
        keys = StatementKeys(statement)
        self.statement = statement
        learningEvent = LearningEvent(statement)
        definitions = []
        self.body = body
        storedRange = nil
    }

    /// The stored form with `stored` (and a missing `timestamp`) set to `time`; a copied
    /// statement's stored form as it is.
    public func body(storedAt time: XAPITimestamp) -> [UInt8] {
        guard let storedRange else { return body }
        var bytes = body
        let text = Array(time.text.utf8)
        precondition(text.count == storedRange.count, "stored timestamps are 24 characters")
        bytes.replaceSubrange(storedRange, with: text)
        // No timestamp from the client: the storage time stands for it.
        guard statement.timestamp == nil else { return bytes }
        // `timestamp` comes just before `stored` in the stored form; insert it there.
        let keyStart = storedRange.lowerBound - #""stored":""#.utf8.count
        bytes.insert(contentsOf: Array(#""timestamp":""#.utf8) + text + Array(#"","#.utf8), at: keyStart)
        return bytes
    }
}
