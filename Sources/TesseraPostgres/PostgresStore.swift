import Logging
import NIOCore
import PostgresNIO
import Synchronization
import TesseraAnalytics
import TesseraLRS
import XAPI

/// The store on a PostgreSQL database that several Tessera nodes may share: reads go to the
/// pool, writes to this node's `PostgresWriter`, whose transactions take turns with every other
/// node's on an advisory lock.
public final class PostgresStore: LRSStore, ExportSource {
    let database: PostgresStorage
    let writer: PostgresWriter
    var client: PostgresClient { database.client }
    var logger: Logger { database.logger }
    /// What the last integrity check found wrong (empty: nothing, or not checked).
    private let damage = Mutex<[String]>([])

    /// The store on `database` (already migrated).
    public init(database: PostgresStorage, observer: (any WriterObserver)? = nil) {
        self.database = database
        writer = PostgresWriter(database: database, observer: observer)
    }

    /// Commits what is queued and stops taking writes (the database stays open).
    public func close() async {
        await writer.stop()
    }

    // MARK: Statements

    public func store(_ batch: [PreparedStatement], attachments: [AttachmentContent]) async throws {
        try await writer.store(batch, attachments: attachments)
    }

    public func statement(id: XAPIUUID, voided: Bool, authority: InverseFunctionalIdentifier?) async throws -> StoredStatement? {
        try await read { [self] in try await PostgresStatementReads.statement(id: id, voided: voided, authority: authority, on: client, logger: logger) }
    }

    public func query(_ query: StatementQuery) async throws -> StatementPage {
        try await read { [self] in try await PostgresStatementReads.query(query, on: client, logger: logger) }
    }

    public func attachments(_ hashes: [String], deliveredUnder authority: InverseFunctionalIdentifier?) async throws -> [AttachmentContent] {
        try await read { [self] in try await PostgresStatementReads.attachments(hashes, deliveredUnder: authority, on: client, logger: logger) }
    }

    public func activityDefinitions(_ iris: [String]) async throws -> [String: [UInt8]] {
        try await read { [self] in try await PostgresStatementReads.activityDefinitions(iris, on: client, logger: logger) }
    }

    // MARK: Documents

    public func document(_ scope: DocumentScope, id: String) async throws -> StoredDocument? {
        try await read { [self] in try await PostgresDocuments.document(scope, id: id, on: client, logger: logger) }
    }

    public func documentIDs(_ scope: DocumentScope, since: XAPITimestamp?) async throws -> [String] {
        try await read { [self] in try await PostgresDocuments.ids(scope, since: since, on: client, logger: logger) }
    }

    public func apply(_ change: DocumentChange) async throws {
        try await writer.apply(change)
    }

    // MARK: Analytics

    public func catalog() async throws -> Catalog? {
        try await read { [self] in try await PostgresCatalogAndRoster.catalog(on: client, logger: logger) }
    }

    public func replaceCatalog(_ catalog: Catalog) async throws {
        try await writer.replace(catalog)
    }

    public func roster() async throws -> Roster {
        try await read { [self] in try await PostgresCatalogAndRoster.roster(on: client, logger: logger) }
    }

    public func replaceRoster(_ roster: Roster) async throws {
        try await writer.replace(roster)
    }

    public func vocabulary(limit: Int) async throws -> Vocabulary {
        try await read { [self] in
            func terms(_ sql: String) async throws -> [Vocabulary.Term] {
                var binds = PostgresBindings()
                binds.append(limit)
                binds.append(Int64(Vocabulary.window))
                var terms: [Vocabulary.Term] = []
                for try await (iri, count) in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).decode((String, Int).self) {
                    terms.append(Vocabulary.Term(iri: iri, statements: count))
                }
                return terms
            }
            return Vocabulary(verbs: try await terms(Vocabulary.verbsSQL), activities: try await terms(Vocabulary.activitiesSQL))
        }
    }

    public func teamNames() async throws -> [String] {
        try await read { [self] in try await PostgresCatalogAndRoster.teamNames(on: client, logger: logger) }
    }

    public func proficiencyReport(asOf: Int64?, skill: String?, team: String?) async throws -> (catalog: Catalog, rows: [ProficiencyRow])? {
        try await analyticsSnapshot { catalog, connection, logger in
            try await PostgresAnalyticsReads.proficiency(asOf: asOf, skill: skill, team: team, catalog: catalog, on: connection, logger: logger)
        }
    }

    public func proficiencyTrend(days: [Day], skill: String?, team: String?) async throws -> (catalog: Catalog, reports: [[ProficiencyRow]])? {
        try await analyticsSnapshot { catalog, connection, logger in
            try await PostgresProficiencyDays.trend(days: days.map(\.ordinal), skill: skill, team: team, catalog: catalog, on: connection, logger: logger)
        }
    }

    public func outcomes(
        program: String?, from: Int64, to: Int64, windowDays: Int, team: String?
    ) async throws -> (catalog: Catalog, outcomes: [ProgramOutcome])? {
        try await analyticsSnapshot { catalog, connection, logger in
            try await PostgresAnalyticsReads.outcomes(
                programs: catalog.programs.filter { program == nil || $0.id == program }, from: from, to: to, windowDays: windowDays,
                team: team, on: connection, logger: logger)
        }
    }

    public func knowledgeRetention(skill: String?, minDays: Int, team: String?) async throws -> (catalog: Catalog, rows: [KnowledgeRetention])? {
        try await analyticsSnapshot { catalog, connection, logger in
            try await PostgresAnalyticsReads.knowledgeRetention(
                skill: skill, minDays: minDays, masteryScore: catalog.masteryScore, team: team, on: connection, logger: logger)
        }
    }

    public func programCompletions(until: Int64) async throws -> (catalog: Catalog, people: [PersonCompletions])? {
        try await analyticsSnapshot { catalog, connection, logger in
            try await PostgresAnalyticsReads.programCompletions(catalog.programs, until: until, on: connection, logger: logger)
        }
    }

    public func retentionMembers(program: String?, from: Int64) async throws -> (catalog: Catalog, members: [EmployeeRetention.Member])? {
        try await analyticsSnapshot { catalog, connection, logger in
            try await PostgresAnalyticsReads.retentionMembers(
                catalog.programs.filter { program == nil || $0.id == program }, from: from, on: connection, logger: logger)
        }
    }

    public func learnerEvents(_ agent: InverseFunctionalIdentifier) async throws -> (catalog: Catalog, events: LearnerEvents)? {
        try await analyticsSnapshot { catalog, connection, logger in
            try await PostgresAnalyticsReads.learnerEvents(agent, catalog: catalog, on: connection, logger: logger)
        }
    }

    public func learningDays() async throws -> ClosedRange<Day>? {
        try await read { [self] in try await PostgresAnalyticsReads.learningDays(on: client, logger: logger) }
    }

    public func statementVolume(from: Day, to: Day, team: String?, program: String?) async throws -> [DailyVolume] {
        let (client, logger) = (client, logger)
        return try await read {
            try await snapshot(on: client, logger: logger) { connection in
                try await PostgresAnalyticsReads.statementVolume(from: from, to: to, team: team, program: program, on: connection, logger: logger)
            }
        }
    }

    /// Runs a read, answered `StoreError.unavailable` when the database does not answer within
    /// 30 seconds (a request is answered 503 rather than held while the database is down).
    private func read<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withDeadline(seconds: 30, body)
    }

    /// Runs `body` with the catalog in one snapshot; nil when no catalog is loaded.
    private func analyticsSnapshot<T: Sendable>(
        _ body: @escaping @Sendable (Catalog, PostgresConnection, Logger) async throws -> T
    ) async throws -> (catalog: Catalog, T)? {
        let (client, logger) = (client, logger)
        return try await read {
            try await snapshot(on: client, logger: logger) { connection -> (catalog: Catalog, T)? in
                guard let catalog = try await PostgresCatalogAndRoster.catalog(on: connection, logger: logger) else { return nil }
                return (catalog, try await body(catalog, connection, logger))
            }
        }
    }

    // MARK: Audit

    public func lastStoredSeq() async throws -> Int64 {
        try await read { [self] in try await PostgresAuditReads.lastSeq(on: client, logger: logger) }
    }

    public func exportRecords(after: Int64, through: Int64, filter: ExportFilter, limit: Int) async throws -> [ExportRecord] {
        try await read { [self] in try await PostgresAuditReads.records(after: after, through: through, filter: filter, limit: limit, on: client, logger: logger) }
    }

    public func erase(_ agent: InverseFunctionalIdentifier, requestedBy: String) async throws -> ErasureReport {
        try await writer.erase(agentKey: agent.storageKey, requestedBy: requestedBy)
    }

    public func auditLog() async throws -> [AuditEntry] {
        try await read { [self] in try await PostgresAuditReads.auditLog(on: client, logger: logger) }
    }

    public func verifyChain() async throws -> ChainVerification {
        try await PostgresAuditReads.verifyChain(on: client, logger: logger)
    }

    // MARK: Health

    /// True when the database answers within two seconds, this node's writer takes work and the
    /// last integrity check found nothing wrong.
    public func isReady() async -> Bool {
        guard writer.isRunning, damage.withLock({ $0.isEmpty }) else { return false }
        let (client, logger) = (client, logger)
        return (try? await withDeadline(seconds: 2) { try await column(Int.self, "SELECT 1", on: client, logger: logger).first }) == 1
    }

    /// The size of the database (`pg_database_size`).
    public func storageBytes() async -> Int64? {
        try? await column(Int64.self, "SELECT pg_database_size(current_database())", on: client, logger: logger).first
    }

    /// Checks the hash chain and the audit log's (PostgreSQL checks its own pages: see
    /// docs/postgres.md); when it finds damage the store stops reporting ready. Returns the
    /// problems.
    @discardableResult
    public func checkIntegrity() async throws -> [String] {
        let problems = try await verifyChain().problems.map(\.description)
        damage.withLock { $0 = problems }
        return problems
    }
}

extension PostgresStore: ChainRowLookup {
    public func chainRows(_ seqs: [Int64]) async throws -> [Int64: ChainRow] {
        try await PostgresAuditReads.chainRows(seqs, on: client, logger: logger)
    }
}
