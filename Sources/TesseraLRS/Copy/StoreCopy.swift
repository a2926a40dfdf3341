import TesseraAnalytics
import XAPI

// What `tessera copy` moves from one store to another, whichever their backends: each table's
// rows in a form both backends read and write. The statements travel as positions of the hash
// chain, so that the target recomputes the chain from what it stores and proves it equal to
// the source's (docs/operations.md, "Moving to another database").

/// One position of a store's hash chain: a stored statement, or the tombstone of an erased one.
public enum ChainRecord: Sendable {
    /// A stored statement.
    case statement(CopiedStatement)
    /// The tombstone of an erased one.
    case erased(ErasedStatement)

    /// Its place in storage order.
    public var seq: Int64 {
        switch self {
        case .statement(let statement): statement.seq
        case .erased(let erased): erased.seq
        }
    }

    /// The source's chain value at this position, which the target's must equal.
    public var chain: [UInt8] {
        switch self {
        case .statement(let statement): statement.chain
        case .erased(let erased): erased.chain
        }
    }
}

/// A stored statement as it is copied: its body byte for byte, where it stood and whether it
/// was voided.
public struct CopiedStatement: Sendable {
    /// Its seq in the source (kept in the target).
    public let seq: Int64
    /// The statement, with its stored body kept as it is (`PreparedStatement(copying:)`).
    public let statement: PreparedStatement
    /// Its `stored` time, in milliseconds since the epoch.
    public let storedMilliseconds: Int64
    /// True when a voiding statement voided it.
    public let voided: Bool
    /// The hashes of the attachment content it delivered (its attachment links).
    public let delivered: [String]
    /// The source's chain value after it.
    public let chain: [UInt8]

    /// A statement read from the source.
    public init(seq: Int64, statement: PreparedStatement, storedMilliseconds: Int64, voided: Bool, delivered: [String], chain: [UInt8]) {
        self.seq = seq
        self.statement = statement
        self.storedMilliseconds = storedMilliseconds
        self.voided = voided
        self.delivered = delivered
        self.chain = chain
    }
}

/// The tombstone of an erased statement with its chain row (docs/audit.md, "Erasure").
public struct ErasedStatement: Sendable {
    /// The seq it had (kept in the target).
    public let seq: Int64
    /// The id it had: a client sending it again stores nothing.
    public let id: XAPIUUID
    /// When it had been stored, in milliseconds since the epoch.
    public let storedMilliseconds: Int64
    /// The audit log entry of the erasure that removed it.
    public let erasure: Int64
    /// The SHA-256 of the body it had (its chain row's content).
    public let content: [UInt8]
    /// The source's chain value after it.
    public let chain: [UInt8]

    /// A tombstone read from the source.
    public init(seq: Int64, id: XAPIUUID, storedMilliseconds: Int64, erasure: Int64, content: [UInt8], chain: [UInt8]) {
        self.seq = seq
        self.id = id
        self.storedMilliseconds = storedMilliseconds
        self.erasure = erasure
        self.content = content
        self.chain = chain
    }
}

/// A State, Activity Profile or Agent Profile document with its ETag and time of last change.
public struct DocumentRecord: Sendable, Equatable {
    /// Which resource and which document: columns a kind does not use hold "".
    public struct Key: Sendable, Equatable {
        /// 1 state, 2 activity profile, 3 agent profile.
        public let kind: Int
        /// The activity IRI ("" for agent profiles).
        public let activity: String
        /// The agent key (as `InverseFunctionalIdentifier.storageKey`; "" for activity profiles).
        public let agent: String
        /// The state's registration, if any.
        public let registration: XAPIUUID?
        /// The stateId or profileId.
        public let documentID: String

        /// The key of the document `id` of `scope`.
        public init(_ scope: DocumentScope, id: String) {
            self.init(
                kind: Int(scope.kind.rawValue), activity: scope.activity ?? "", agent: scope.agent?.storageKey ?? "",
                registration: scope.registration, documentID: id)
        }

        /// A document's key.
        public init(kind: Int, activity: String, agent: String, registration: XAPIUUID?, documentID: String) {
            self.kind = kind
            self.activity = activity
            self.agent = agent
            self.registration = registration
            self.documentID = documentID
        }
    }

    /// Which document.
    public let key: Key
    /// Its Content-Type.
    public let contentType: String
    /// Its bytes.
    public let content: [UInt8]
    /// Its ETag (SHA-1 of the content, hexadecimal).
    public let etag: String
    /// Its last change, in milliseconds since the epoch.
    public let updatedMilliseconds: Int64

    /// A document read from the source.
    public init(key: Key, contentType: String, content: [UInt8], etag: String, updatedMilliseconds: Int64) {
        self.key = key
        self.contentType = contentType
        self.content = content
        self.etag = etag
        self.updatedMilliseconds = updatedMilliseconds
    }
}

/// A store read by `tessera copy`. Pages are read in a stable order, each from one consistent
/// state of the store. Its chain's length and values are the export's (`lastStoredSeq`,
/// `chainRows`).
public protocol StoreCopySource: ExportSource, ChainRowLookup {
    /// Up to `limit` positions of the chain after `seq`, in order.
    func chainRecords(after seq: Int64, limit: Int) async throws -> [ChainRecord]
    /// The whole audit log, oldest entry first.
    func auditLog() async throws -> [AuditEntry]
    /// Up to `limit` documents after `key` (from the first when nil), in the source's key order.
    func documentRecords(after key: DocumentRecord.Key?, limit: Int) async throws -> [DocumentRecord]
    /// Every canonical activity definition, by activity IRI.
    func definitionRecords() async throws -> [(iri: String, definition: [UInt8])]
    /// Up to `limit` pieces of attachment content with hashes after `sha2`, in hash order.
    func attachmentRecords(after sha2: String, limit: Int) async throws -> [AttachmentContent]
    /// The analytics catalog, if one was loaded.
    func catalog() async throws -> Catalog?
    /// The roster.
    func roster() async throws -> Roster
}

/// What `tessera copy` writes into the target in one transaction.
public enum CopyBatch: Sendable {
    /// Positions of the chain right after the target's head, in order. The target computes the
    /// chain from what it stores and throws `CopyMismatch` (storing none of them) where it
    /// differs from the source's.
    case chain([ChainRecord])
    /// Audit log entries; those the target has already are left as they are.
    case auditLog([AuditEntry])
    /// Documents as they are (content, ETag, time of last change), replacing the target's.
    case documents([DocumentRecord])
    /// Canonical activity definitions by activity IRI, replacing the target's.
    case definitions([(iri: String, definition: [UInt8])])
    /// Attachment content; content the target has already is left as it is.
    case attachments([AttachmentContent])
}

/// A store written by `tessera copy`: a new one, or one an interrupted copy began. A batch may
/// be written again when it was taken already (but for chain positions, which must follow the
/// head).
public protocol StoreCopyTarget: AnalyticsStore {
    /// The last position of the chain, with its value (0 and `ChainLink.genesis`: none).
    func chainHead() async throws -> (seq: Int64, chain: [UInt8])
    /// Writes `batch` in one transaction.
    func copy(_ batch: CopyBatch) async throws
}

/// The target cannot take the copy: its records differ from the source's where they overlap.
public struct CopyMismatch: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

extension CredentialRepository {
    /// Adds every credential of this repository that `target` lacks, as stored (secret hash,
    /// creation and revocation times); returns how many. A key `target` already has must be
    /// the same credential there.
    public func copy(to target: any CredentialRepository) async throws -> Int {
        var added = 0
        for credential in try await list() {
            guard let stored = try await self.stored(key: credential.key) else { continue }
            if let existing = try await target.stored(key: credential.key) {
                guard existing.secretHash == stored.secretHash, existing.credential.revoked == stored.credential.revoked else {
                    throw CopyMismatch("the target already has a different credential with key \(credential.key)")
                }
                continue
            }
            try await target.insert(stored)
            if let revoked = credential.revoked { _ = try await target.revoke(key: credential.key, at: revoked) }
            added += 1
        }
        return added
    }
}
