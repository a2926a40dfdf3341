/// An xAPI statement: who did what, with which result, in which context.
public struct Statement: Sendable {
    /// The statement id (assigned by the LRS when absent).
    public var id: XAPIUUID?
    /// Who the statement is about.
    public var actor: Actor
    /// The action.
    public var verb: Verb
    /// What the action was done to.
    public var object: StatementObject
    /// The outcome.
    public var result: XAPIResult?
    /// The circumstances.
    public var context: Context?
    /// When the experience happened (assigned by the LRS when absent).
    public var timestamp: XAPITimestamp?
    /// When the LRS stored it (always set by the LRS).
    public var stored: XAPITimestamp?
    /// Who vouches for it (set by the LRS from the credential).
    public var authority: Actor?
    /// The xAPI version the statement conforms to.
    public var version: String?
    /// Attachment metadata.
    public var attachments: [Attachment]?

    /// Creates a statement.
    public init(
        id: XAPIUUID? = nil, actor: Actor, verb: Verb, object: StatementObject, result: XAPIResult? = nil,
        context: Context? = nil, timestamp: XAPITimestamp? = nil, stored: XAPITimestamp? = nil,
        authority: Actor? = nil, version: String? = nil, attachments: [Attachment]? = nil
    ) {
        self.id = id
        self.actor = actor
        self.verb = verb
        self.object = object
        self.result = result
        self.context = context
        self.timestamp = timestamp
        self.stored = stored
        self.authority = authority
        self.version = version
        self.attachments = attachments
    }

    /// The IRI of the verb that voids statements.
    public static let voidedVerbID = "http://adlnet.gov/expapi/verbs/voided"

    /// The statement this one voids, if it is a voiding statement.
    public var voidedStatementID: XAPIUUID? {
        guard verb.id == Self.voidedVerbID, case .statementRef(let target) = object else { return nil }
        return target
    }
}

/// A statement nested as the object of another; it has no id, stored, authority or version.
public struct SubStatement: Sendable {
    /// Who the nested statement is about.
    public var actor: Actor
    /// The nested action.
    public var verb: Verb
    /// The nested object (never another SubStatement).
    public var object: StatementObject
    /// The nested outcome.
    public var result: XAPIResult?
    /// The nested circumstances.
    public var context: Context?
    /// When the nested experience happens.
    public var timestamp: XAPITimestamp?
    /// Attachment metadata.
    public var attachments: [Attachment]?

    /// Creates a sub-statement.
    public init(
        actor: Actor, verb: Verb, object: StatementObject, result: XAPIResult? = nil, context: Context? = nil,
        timestamp: XAPITimestamp? = nil, attachments: [Attachment]? = nil
    ) {
        self.actor = actor
        self.verb = verb
        self.object = object
        self.result = result
        self.context = context
        self.timestamp = timestamp
        self.attachments = attachments
    }
}

/// What a statement's action was done to.
public indirect enum StatementObject: Sendable {
    /// An activity (the default when `objectType` is absent).
    case activity(Activity)
    /// An agent (`objectType` "Agent" is required here).
    case agent(Agent)
    /// A group.
    case group(Group)
    /// A reference to another statement by id.
    case statementRef(XAPIUUID)
    /// A nested statement.
    case subStatement(SubStatement)
}

/// The action of a statement.
public struct Verb: Sendable {
    /// The verb IRI; it alone carries the meaning.
    public var id: String
    /// Human-readable names; not part of the statement's meaning.
    public var display: LanguageMap?

    /// Creates a verb.
    public init(id: String, display: LanguageMap? = nil) {
        self.id = id
        self.display = display
    }
}

/// Outcome of the experience.
public struct XAPIResult: Sendable {
    /// The score.
    public var score: Score?
    /// Whether the attempt succeeded.
    public var success: Bool?
    /// Whether the activity was completed.
    public var completion: Bool?
    /// The learner's response.
    public var response: String?
    /// ISO 8601 duration, kept as text.
    public var duration: String?
    /// Result extensions.
    public var extensions: Extensions?

    /// Creates a result.
    public init(
        score: Score? = nil, success: Bool? = nil, completion: Bool? = nil, response: String? = nil,
        duration: String? = nil, extensions: Extensions? = nil
    ) {
        self.score = score
        self.success = success
        self.completion = completion
        self.response = response
        self.duration = duration
        self.extensions = extensions
    }
}

/// A score: `scaled` in [-1, 1]; `raw` within [`min`, `max`].
public struct Score: Sendable {
    /// Scaled score in [-1, 1].
    public var scaled: JSONNumber?
    /// Raw score.
    public var raw: JSONNumber?
    /// Lowest possible raw score.
    public var min: JSONNumber?
    /// Highest possible raw score.
    public var max: JSONNumber?

    /// Creates a score.
    public init(scaled: JSONNumber? = nil, raw: JSONNumber? = nil, min: JSONNumber? = nil, max: JSONNumber? = nil) {
        self.scaled = scaled
        self.raw = raw
        self.min = min
        self.max = max
    }
}

/// A number kept exactly as written, with its value.
public struct JSONNumber: Sendable, Equatable {
    /// The literal as it appeared in the JSON text.
    public let literal: String
    /// Its value as a double.
    public let value: Double

    /// Creates a number from a literal that parses as a finite double.
    public init?(literal: String) {
        var utf8 = literal
        guard let value = utf8.withUTF8(JSONNumber.fastValue) ?? Double(literal), value.isFinite else { return nil }
        self.literal = literal
        self.value = value
    }

    /// The value of a plain decimal literal (`-?digits[.digits]`, at most 15 significant
    /// digits) without calling strtod: the digits form an exact integer and the power of ten
    /// is exact, so one division rounds correctly. Nil for any other form.
    private static func fastValue(_ utf8: UnsafeBufferPointer<UInt8>) -> Double? {
        var index = 0
        let negative = utf8.first == UInt8(ascii: "-")
        if negative { index = 1 }
        var mantissa: Int64 = 0
        var digits = 0
        var fractionDigits = 0
        var sawPoint = false
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else if isDigit(byte) {
                mantissa = mantissa * 10 + Int64(byte - UInt8(ascii: "0"))
                digits += 1
                if sawPoint { fractionDigits += 1 }
                guard digits <= 15 else { return nil }
            } else {
                return nil
            }
            index += 1
        }
        guard digits > 0 else { return nil }
        var divisor = 1.0
        for _ in 0..<fractionDigits { divisor *= 10 }
        let magnitude = Double(mantissa) / divisor
        return negative ? -magnitude : magnitude
    }

    /// Creates a number from a double.
    public init(_ value: Double) {
        self.value = value
        self.literal = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool { lhs.value == rhs.value }
}

/// The circumstances of a statement.
public struct Context: Sendable {
    /// The registration (attempt) the statement belongs to.
    public var registration: XAPIUUID?
    /// The instructor.
    public var instructor: Actor?
    /// The team (always a group).
    public var team: Group?
    /// Related activities.
    public var contextActivities: ContextActivities?
    /// Revision of the activity (only when the object is an activity).
    public var revision: String?
    /// Platform (only when the object is an activity).
    public var platform: String?
    /// RFC 5646 language of the experience.
    public var language: String?
    /// A related statement.
    public var statement: XAPIUUID?
    /// Context extensions.
    public var extensions: Extensions?
    /// xAPI 2.0: agents with their relevant types.
    public var contextAgents: [ContextAgent]?
    /// xAPI 2.0: groups with their relevant types.
    public var contextGroups: [ContextGroup]?

    /// Creates a context.
    public init(
        registration: XAPIUUID? = nil, instructor: Actor? = nil, team: Group? = nil,
        contextActivities: ContextActivities? = nil, revision: String? = nil, platform: String? = nil,
        language: String? = nil, statement: XAPIUUID? = nil, extensions: Extensions? = nil,
        contextAgents: [ContextAgent]? = nil, contextGroups: [ContextGroup]? = nil
    ) {
        self.registration = registration
        self.instructor = instructor
        self.team = team
        self.contextActivities = contextActivities
        self.revision = revision
        self.platform = platform
        self.language = language
        self.statement = statement
        self.extensions = extensions
        self.contextAgents = contextAgents
        self.contextGroups = contextGroups
    }
}

/// Activities related to a statement, by relation; always arrays once read.
public struct ContextActivities: Sendable {
    /// Activities that contain the object.
    public var parent: [Activity]?
    /// Activities less directly related.
    public var grouping: [Activity]?
    /// Activities that categorise the statement (profiles, skills).
    public var category: [Activity]?
    /// Other related activities.
    public var other: [Activity]?

    /// Creates the related-activities set.
    public init(parent: [Activity]? = nil, grouping: [Activity]? = nil, category: [Activity]? = nil, other: [Activity]? = nil) {
        self.parent = parent
        self.grouping = grouping
        self.category = category
        self.other = other
    }

    /// Every related activity, in the order parent, grouping, category, other.
    public var all: [Activity] { (parent ?? []) + (grouping ?? []) + (category ?? []) + (other ?? []) }
}

/// xAPI 2.0 `contextAgents` entry.
public struct ContextAgent: Sendable {
    /// The agent.
    public var agent: Agent
    /// Activity type IRIs describing the agent's role.
    public var relevantTypes: [String]?

    /// Creates an entry.
    public init(agent: Agent, relevantTypes: [String]? = nil) {
        self.agent = agent
        self.relevantTypes = relevantTypes
    }
}

/// xAPI 2.0 `contextGroups` entry.
public struct ContextGroup: Sendable {
    /// The group.
    public var group: Group
    /// Activity type IRIs describing the group's role.
    public var relevantTypes: [String]?

    /// Creates an entry.
    public init(group: Group, relevantTypes: [String]? = nil) {
        self.group = group
        self.relevantTypes = relevantTypes
    }
}

/// Metadata of a statement attachment; the content travels separately.
public struct Attachment: Sendable {
    /// What the attachment is for (IRI).
    public var usageType: String
    /// Title.
    public var display: LanguageMap
    /// Description.
    public var description: LanguageMap?
    /// Internet media type.
    public var contentType: String
    /// Length of the content in octets.
    public var length: Int64
    /// SHA-2 hash of the content, hex.
    public var sha2: String
    /// Where the content can be fetched.
    public var fileUrl: String?

    /// The usage type that marks a JWS statement signature.
    public static let signatureUsageType = "http://adlnet.gov/expapi/attachments/signature"

    /// Creates attachment metadata.
    public init(
        usageType: String, display: LanguageMap, description: LanguageMap? = nil, contentType: String,
        length: Int64, sha2: String, fileUrl: String? = nil
    ) {
        self.usageType = usageType
        self.display = display
        self.description = description
        self.contentType = contentType
        self.length = length
        self.sha2 = sha2
        self.fileUrl = fileUrl
    }
}

/// Natural-language strings keyed by RFC 5646 tag, in the order given.
public struct LanguageMap: Sendable {
    /// The (tag, text) pairs.
    public var entries: [(tag: String, text: String)]

    /// Creates a map from pairs.
    public init(_ entries: [(tag: String, text: String)]) {
        self.entries = entries
    }

    /// The text for a tag (compared case-insensitively).
    public subscript(tag: String) -> String? {
        let wanted = tag.lowercased()
        return entries.first { $0.tag.lowercased() == wanted }?.text
    }
}

/// Extension values keyed by IRI; values are arbitrary JSON.
public struct Extensions: Sendable {
    /// The (IRI, value) pairs in the order given.
    public var entries: [(key: String, value: JSONValue)]

    /// Creates extensions from pairs.
    public init(_ entries: [(key: String, value: JSONValue)]) {
        self.entries = entries
    }
}
