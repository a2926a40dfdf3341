import TesseraAnalytics
import XAPI

// The storage protocols a backend implements (SQLite today). Every method is async and may be
// called from any task: a backend never blocks Swift's cooperative threads, and refuses work
// with `StoreError` when it cannot take it. The xAPI rules that are not storage are decided
// above these protocols (`StatementAdmission`, `DocumentChange.write(over:)`, `ChainLink`).

/// Statements and their attachments.
public protocol StatementStore: Sendable {
    /// Stores a batch and the content of its attachments atomically, after
    /// `StatementAdmission` admitted it inside the same transaction; returns once it is durable.
    /// Throws `StoreRejection` and stores nothing when the batch is refused.
    func store(_ batch: [PreparedStatement], attachments: [AttachmentContent]) async throws
    /// The statement `id` as stored (GET `statementId`, or `voidedStatementId` with `voided`
    /// true); with `authority`, only one stored under that authority.
    func statement(id: XAPIUUID, voided: Bool, authority: InverseFunctionalIdentifier?) async throws -> StoredStatement?
    /// Runs a Statement resource query.
    func query(_ query: StatementQuery) async throws -> StatementPage
    /// The stored content of the attachments with these hashes (those present); with
    /// `deliveredUnder`, only content that a statement stored under that authority delivered
    /// (`statements/read/mine` is not served what others sent).
    func attachments(_ hashes: [String], deliveredUnder authority: InverseFunctionalIdentifier?) async throws -> [AttachmentContent]
    /// The canonical definitions of those of `iris` that some statement defined, by IRI.
    func activityDefinitions(_ iris: [String]) async throws -> [String: [UInt8]]
    /// The verbs and object activities of the latest `Vocabulary.window` stored statements
    /// (voided ones included), the most used first, at most `limit` of each, with their counts.
    func vocabulary(limit: Int) async throws -> Vocabulary
}

/// State, Activity Profile and Agent Profile documents.
public protocol DocumentStore: Sendable {
    /// The document `id` of `scope`, if stored.
    func document(_ scope: DocumentScope, id: String) async throws -> StoredDocument?
    /// The ids of the documents of `scope`, changed after `since` when given, in id order.
    func documentIDs(_ scope: DocumentScope, since: XAPITimestamp?) async throws -> [String]
    /// Applies a change as `DocumentChange.write(over:)` decides against the stored document,
    /// read in the same transaction; throws `DocumentRejection` and changes nothing when it is
    /// refused.
    func apply(_ change: DocumentChange) async throws
}

/// The analytics: catalog, roster and the reports over learning facts.
public protocol AnalyticsStore: Sendable {
    /// The analytics catalog, if one was loaded.
    func catalog() async throws -> Catalog?
    /// Replaces the catalog and re-derives the facts that depend on it, atomically.
    func replaceCatalog(_ catalog: Catalog) async throws
    /// The roster (people in agent-key order).
    func roster() async throws -> Roster
    /// Replaces the roster.
    func replaceRoster(_ roster: Roster) async throws
    /// The names of the roster's teams, sorted.
    func teamNames() async throws -> [String]
    /// The proficiency report as of `asOf` (milliseconds; nil for everything stored), for one
    /// skill and team or all, with its catalog; nil when no catalog is loaded.
    func proficiencyReport(asOf: Int64?, skill: String?, team: String?) async throws -> (catalog: Catalog, rows: [ProficiencyRow])?
    /// The proficiency report as of the end of each of `days` (ascending), for one skill and
    /// team or all; nil when no catalog is loaded.
    func proficiencyTrend(days: [Day], skill: String?, team: String?) async throws -> (catalog: Catalog, reports: [[ProficiencyRow]])?
    /// Completion and behaviour change per program in [from, to]; nil when no catalog is loaded.
    func outcomes(program: String?, from: Int64, to: Int64, windowDays: Int, team: String?) async throws
        -> (catalog: Catalog, outcomes: [ProgramOutcome])?
    /// Knowledge retention per skill; nil when no catalog is loaded.
    func knowledgeRetention(skill: String?, minDays: Int, team: String?) async throws -> (catalog: Catalog, rows: [KnowledgeRetention])?
    /// Everyone on the roster, with when they completed each of the catalog's programs at or
    /// before `until`; nil when no catalog is loaded.
    func programCompletions(until: Int64) async throws -> (catalog: Catalog, people: [PersonCompletions])?
    /// Everyone on the roster as employee retention sees them: team, hired, left, and whether
    /// they completed `program` (any program when nil) at or before `from`; nil when no catalog
    /// is loaded. What `programCompletions` answers, without each person's name and identifier.
    func retentionMembers(program: String?, from: Int64) async throws -> (catalog: Catalog, members: [EmployeeRetention.Member])?
    /// One learner as the analytics read them: their roster entry, skill events and first
    /// completion of each program activity; nil when no catalog is loaded.
    func learnerEvents(_ agent: InverseFunctionalIdentifier) async throws -> (catalog: Catalog, events: LearnerEvents)?
    /// The first and last day with a learning statement; nil when there is none.
    func learningDays() async throws -> ClosedRange<Day>?
    /// Learning statements per day from `from` to `to`, of `team` and about `program` when named.
    func statementVolume(from: Day, to: Day, team: String?, program: String?) async throws -> [DailyVolume]
}

extension AnalyticsStore {
    /// Employee retention over (from, to] of participants (who completed `program`, or any
    /// program, at or before `from`) versus everyone else; nil when no catalog is loaded.
    public func employeeRetention(program: String?, from: Int64, to: Int64, byTeam: Bool) async throws
        -> (catalog: Catalog, rows: [EmployeeRetention])? {
        guard let (catalog, members) = try await retentionMembers(program: program, from: from) else { return nil }
        return (catalog, EmployeeRetention.report(members: members, from: from, to: to, byTeam: byTeam))
    }
}

/// The records auditors rely on: the export, the hash chain, erasure and the audit log.
public protocol AuditStore: ExportSource {
    /// Erases the person `agent` (docs/audit.md "Erasure") and records it in the audit log.
    func erase(_ agent: InverseFunctionalIdentifier, requestedBy: String) async throws -> ErasureReport
    /// The audit log, oldest entry first.
    func auditLog() async throws -> [AuditEntry]
    /// Re-checks the whole hash chain and the audit log's.
    func verifyChain() async throws -> ChainVerification
}

/// What operations ask of the store.
public protocol StoreHealth: Sendable {
    /// True when a query can be answered and writes are being taken.
    func isReady() async -> Bool
    /// The bytes the store takes on disk, when the backend can tell.
    func storageBytes() async -> Int64?
    /// Checks the stored data for damage; when it finds some the store stops reporting ready.
    /// Returns the problems (empty: none).
    func checkIntegrity() async throws -> [String]
}

/// Credentials as stored; `Credentials` adds hashing and verification above it.
public protocol CredentialRepository: Sendable {
    /// Adds a credential; its key must be new.
    func insert(_ credential: StoredCredential) async throws
    /// Every credential, oldest first.
    func list() async throws -> [Credential]
    /// Marks the credential with `key` revoked at `time`; false if there is none (or it was
    /// already revoked).
    func revoke(key: String, at time: XAPITimestamp) async throws -> Bool
    /// The credential with `key`, revoked or not.
    func stored(key: String) async throws -> StoredCredential?
    /// Records that the credential with `key` was used at `time`.
    func recordUse(key: String, at time: XAPITimestamp) async throws
}

/// Everything the server needs of a backend, in one value.
public typealias LRSStore = StatementStore & DocumentStore & AnalyticsStore & AuditStore & StoreHealth

/// Why a backend could not take work (the work was not done).
public enum StoreError: Error, Sendable, Equatable {
    /// The storage is full: nothing was written; retry once the operator has made room.
    case storageFull
    /// The storage could not be reached in time (a database server that is down or
    /// unreachable): the read was not answered; retry later.
    case unavailable
}

extension StatementStore {
    /// The stored content of the attachments with these hashes, whoever delivered it.
    public func attachments(_ hashes: [String]) async throws -> [AttachmentContent] {
        try await attachments(hashes, deliveredUnder: nil)
    }

    /// Stores a batch without attachment content.
    public func store(_ batch: [PreparedStatement]) async throws {
        try await store(batch, attachments: [])
    }

    /// The statement `id` as stored, under any authority (`voided` true for `voidedStatementId`).
    public func statement(id: XAPIUUID, voided: Bool = false) async throws -> StoredStatement? {
        try await statement(id: id, voided: voided, authority: nil)
    }
}

extension AnalyticsStore {
    /// Learning statements per day, of everyone (or `team`), about every program.
    public func statementVolume(from: Day, to: Day, team: String? = nil) async throws -> [DailyVolume] {
        try await statementVolume(from: from, to: to, team: team, program: nil)
    }

    /// Knowledge retention per skill, of everyone.
    public func knowledgeRetention(skill: String?, minDays: Int) async throws -> (catalog: Catalog, rows: [KnowledgeRetention])? {
        try await knowledgeRetention(skill: skill, minDays: minDays, team: nil)
    }
}
