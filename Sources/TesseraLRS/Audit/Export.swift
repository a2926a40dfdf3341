import TesseraCrypto
import XAPI

/// Which stored statements an export holds (all of them by default).
public struct ExportFilter: Sendable {
    /// Stored after this instant (milliseconds), as the Statement resource's `since`.
    public var since: Int64?
    /// Stored at or before this instant (milliseconds), as `until`.
    public var until: Int64?
    /// Statements whose actor or object is this Agent.
    public var agent: InverseFunctionalIdentifier?
    public var verb: String?
    /// Statements whose object is this activity.
    public var activity: String?
    public var registration: XAPIUUID?
    /// Voided statements too (marked in each record).
    public var includeVoided = true

    public init() {}

    /// The filter's parameter names (`GET /export/statements`, `tessera export` options).
    public static let parameterNames: Set<String> = ["since", "until", "agent", "verb", "activity", "registration", "includeVoided"]

    /// The filter that parameters given as text name (each checked; the error's path is the
    /// parameter's name).
    public static func parse(_ given: [String: String]) -> Result<ExportFilter, ValidationError> {
        var filter = ExportFilter()
        for (name, text) in given {
            func invalid(_ rule: String) -> Result<ExportFilter, ValidationError> {
                .failure(ValidationError(path: name, message: rule + ", got \"\(text)\""))
            }
            switch name {
            case "since", "until":
                guard case .success(let time) = XAPITimestamp.parse(text, version: .v2_0_0) else {
                    return invalid("must be a timestamp such as 2024-05-01T10:00:00Z")
                }
                if name == "since" { filter.since = time.milliseconds } else { filter.until = time.milliseconds }
            case "agent":
                switch StatementReader.readAgentIdentifier(json: text, version: .v2_0_0, root: name, groups: true) {
                case .success(let agent): filter.agent = agent
                case .failure(let rejection): return .failure(rejection.errors[0])
                }
            case "verb", "activity":
                guard Formats.isIRI(text) else { return invalid("must be an absolute IRI with a scheme") }
                if name == "verb" { filter.verb = text } else { filter.activity = text }
            case "registration":
                guard let uuid = XAPIUUID(text) else { return invalid("must be a UUID") }
                filter.registration = uuid
            case "includeVoided":
                guard let include = Bool(text) else { return invalid("must be true or false") }
                filter.includeVoided = include
            default:
                return invalid("is not an export filter; known: " + parameterNames.sorted().joined(separator: ", "))
            }
        }
        return .success(filter)
    }

    /// True when the filter looks into statements' content (agent, verb, activity,
    /// registration): an erased statement's tombstone never matches such a filter.
    public var filtersContent: Bool { agent != nil || verb != nil || activity != nil || registration != nil }
}

/// One statement of an export: its place in the chain and its stored bytes, or the tombstone
/// an erasure left in its place.
public struct ExportRecord: Sendable {
    public let seq: Int64
    /// The chain value after this statement.
    public let chain: [UInt8]
    /// SHA-256 of the stored statement, as chained.
    public let content: [UInt8]
    public let voided: Bool
    /// The statement exactly as stored; nil when it was erased.
    public let body: [UInt8]?
    /// The audit log entry of the erasure that removed the statement.
    public let erasure: Int64?

    /// Creates a record.
    public init(seq: Int64, chain: [UInt8], content: [UInt8], voided: Bool, body: [UInt8]?, erasure: Int64?) {
        self.seq = seq
        self.chain = chain
        self.content = content
        self.voided = voided
        self.body = body
        self.erasure = erasure
    }

    /// The record as an NDJSON line, newline included:
    /// `{"seq":…,"chain":"…","content":"…","voided":…,"statement":<the stored bytes>}`. The
    /// statement is embedded verbatim, so a verifier can take its exact bytes. A tombstone's
    /// line has `"erasure":<audit log id>` before `"statement":null`.
    public var line: [UInt8] {
        var line: [UInt8] = []
        appendLine(to: &line)
        return line
    }

    /// Appends `line` to `bytes` (without building it apart).
    public func appendLine(to bytes: inout [UInt8]) {
        bytes.append(contentsOf: #"{"seq":"#.utf8)
        bytes.append(contentsOf: String(seq).utf8)
        bytes.append(contentsOf: #","chain":""#.utf8)
        Digest.appendHex(chain, to: &bytes)
        bytes.append(contentsOf: #"","content":""#.utf8)
        Digest.appendHex(content, to: &bytes)
        bytes.append(contentsOf: (voided ? #"","voided":true,"# : #"","voided":false,"#).utf8)
        if let erasure {
            bytes.append(contentsOf: #""erasure":"#.utf8)
            bytes.append(contentsOf: String(erasure).utf8)
            bytes.append(UInt8(ascii: ","))
        }
        bytes.append(contentsOf: #""statement":"#.utf8)
        if let body { bytes.append(contentsOf: body) } else { bytes.append(contentsOf: "null".utf8) }
        bytes.append(contentsOf: "}\n".utf8)
    }
}

/// Where export records come from: a backend's store, or a read-only view of one.
public protocol ExportSource: Sendable {
    /// The seq of the last stored statement (0 for none).
    func lastStoredSeq() async throws -> Int64
    /// Up to `limit` records with seq in (after, through] that `filter` admits, in storage order.
    func exportRecords(after: Int64, through: Int64, filter: ExportFilter, limit: Int) async throws -> [ExportRecord]
}

/// Walks an export chunk by chunk in storage order, up to the last statement stored when it
/// began (so the export is a consistent prefix of the chain), in constant memory.
public struct ExportCursor: Sendable {
    /// Records read at a time.
    public static var chunkSize: Int { 1_000 }

    private let source: any ExportSource
    private let filter: ExportFilter
    /// The last seq the export covers.
    public let through: Int64
    private var after: Int64 = 0
    private var finished = false

    /// A cursor over what `source` holds now that `filter` admits.
    public init(_ source: any ExportSource, filter: ExportFilter) async throws {
        self.source = source
        self.filter = filter
        through = try await source.lastStoredSeq()
    }

    /// The next chunk, or nil when the export is complete.
    public mutating func next() async throws -> [ExportRecord]? {
        guard !finished else { return nil }
        let records = try await source.exportRecords(after: after, through: through, filter: filter, limit: Self.chunkSize)
        finished = records.count < Self.chunkSize
        guard let last = records.last else { return nil }
        after = last.seq
        return records
    }
}
