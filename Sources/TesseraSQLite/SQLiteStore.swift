import TesseraLRS
import Foundation
import NIOPosix
import Logging
import Synchronization
import TesseraAnalytics
import XAPI

/// The embedded store: one SQLite file in WAL mode, one writer thread with group commit, and a
/// pool of read-only connections for queries.
public final class SQLiteStore: LRSStore {
    /// How hard a commit insists that data reached the disk.
    public enum Durability: String, Sendable {
        /// fsync on every commit: survives power loss (the default).
        case full
        /// fsync at checkpoints: survives a killed process, not a power cut.
        case normal
    }

    let writer: StatementWriter
    let readers: ConnectionPool
    /// Held while the store is open: one writing process per database.
    private let writerLock: WriterLock
    /// The database file.
    public let path: String
    /// What an integrity check found wrong with the file (empty: nothing, or not checked).
    private let damage = Mutex<[String]>([])

    /// Opens (creating if needed) and migrates the database at `path`. With `analytics` off no
    /// learning facts are recorded (the LRS alone, slightly faster); the next start with it on
    /// derives them again from the stored statements.
    public init(
        path: String, readers readerCount: Int = 4, durability: Durability = .full, analytics: Bool = true,
        observer: (any WriterObserver)? = nil, logger: Logger
    ) throws {
        self.path = path
        try DatabaseFile.checkReadable(path)
        let connection = try SQLiteConnection(path: path, mode: .readWrite)
        writerLock = try WriterLock(path: path)
        try connection.execute("PRAGMA journal_mode = WAL")
        try connection.execute("PRAGMA synchronous = \(durability.rawValue.uppercased())")
        try connection.execute("PRAGMA temp_store = MEMORY")
        try connection.execute("PRAGMA cache_size = -32768")
        // Deleted content is overwritten with zeros: an erased person's data does not stay
        // behind in free space (inserts, nearly all the writer does, are unaffected).
        try connection.execute("PRAGMA secure_delete = ON")
        // The checkpointer thread keeps the log short; this is the writer's own fallback.
        try connection.execute("PRAGMA wal_autocheckpoint = 25000")
        try connection.execute("PRAGMA journal_size_limit = 67108864")
        let applied = try Migrator.migrate(connection)
        if !applied.isEmpty {
            logger.info("database migrated", metadata: ["path": "\(path)", "versions": "\(applied)"])
        }
        if applied.contains(Migrator.statementChainVersion) { try StatementChain.extend(on: connection, logger: logger) }
        if applied.contains(Migrator.learningDaysVersion) { try connection.transaction { try LearningVolume.rebuild(on: connection) } }
        try LearningFacts.prepare(
            on: connection, analytics: analytics, justCreated: !Migrator.learningFactsVersions.isDisjoint(with: applied), logger: logger)
        let checkpointConnection = try SQLiteConnection(path: path, mode: .readWrite)
        try checkpointConnection.execute("PRAGMA synchronous = \(durability.rawValue.uppercased())")
        writer = try StatementWriter(
            connection: connection, checkpointer: Checkpointer(connection: checkpointConnection, logger: logger),
            analytics: analytics, observer: observer, logger: logger)
        readers = ConnectionPool(try (0..<max(readerCount, 1)).map { _ in
            let reader = try SQLiteConnection(path: path, mode: .readOnly)
            try reader.execute("PRAGMA cache_size = -16384")
            return reader
        })
        writer.start()
    }

    /// Stores a batch, and the content of its attachments, atomically; returns once it is
    /// durable.
    public func store(_ batch: [PreparedStatement], attachments: [AttachmentContent] = []) async throws {
        try await reportingFull { try await writer.store(batch, attachments: attachments) }
    }

    /// The stored content of the attachments with these hashes (those present).
    public func attachments(_ hashes: [String], deliveredUnder authority: InverseFunctionalIdentifier?) async throws -> [AttachmentContent] {
        try await readers.read { connection in
            let select = try connection.prepared(authority == nil
                ? "SELECT content_type, content FROM attachments WHERE sha2 = ?1"
                : """
                SELECT content_type, content FROM attachments a WHERE a.sha2 = ?1 AND EXISTS (
                    SELECT 1 FROM statement_attachments sa JOIN statements s ON s.seq = sa.seq JOIN agents g ON g.id = s.authority_id
                    WHERE sa.sha2 = ?1 AND g.ifi = ?2)
                """)
            return try hashes.compactMap { sha2 in
                select.reset()
                select.bind(1, sha2)
                if let authority { select.bind(2, authority.storageKey) }
                guard try select.step() else { return nil }
                return AttachmentContent(sha2: sha2, contentType: select.text(0), content: select.blob(1))
            }
        }
    }

    /// The statement `id` as stored (GET `statementId`, or `voidedStatementId` with `voided`
    /// true); with `authority`, only one stored under that authority.
    public func statement(
        id: XAPIUUID, voided: Bool, authority: InverseFunctionalIdentifier?
    ) async throws -> StoredStatement? {
        try await readers.read {
            try StatementQueryEngine.statement(id: id, voided: voided, authority: authority, on: $0)
        }
    }

    /// Runs a Statement resource query.
    public func query(_ query: StatementQuery) async throws -> StatementPage {
        try await readers.read { try StatementQueryEngine.run(query, on: $0) }
    }

    /// The canonical definitions of those of `iris` that some statement defined, by IRI.
    public func activityDefinitions(_ iris: [String]) async throws -> [String: [UInt8]] {
        try await readers.read { connection in
            let select = try connection.prepared("""
                SELECT d.definition FROM activities a JOIN activity_definitions d ON d.activity_id = a.id WHERE a.iri = ?
                """)
            defer { select.reset() }
            var definitions: [String: [UInt8]] = [:]
            for iri in iris {
                select.reset()
                select.bind(1, iri)
                if try select.step() { definitions[iri] = select.blob(0) }
            }
            return definitions
        }
    }

    /// The document `id` of `scope`, if stored.
    public func document(_ scope: DocumentScope, id: String) async throws -> StoredDocument? {
        try await readers.read { try DocumentTable.document(scope, id: id, on: $0) }
    }

    /// The ids of the documents of `scope`, changed after `since` when given.
    public func documentIDs(_ scope: DocumentScope, since: XAPITimestamp?) async throws -> [String] {
        try await readers.read { try DocumentTable.ids(scope, since: since, on: $0) }
    }

    /// Applies a document change atomically, checking its precondition against the stored
    /// document in the same transaction; throws `DocumentRejection` and changes nothing when
    /// it is refused.
    public func apply(_ change: DocumentChange) async throws {
        try await reportingFull { try await writer.apply(change) }
    }

    /// The analytics catalog, if one was loaded.
    public func catalog() async throws -> Catalog? {
        try await readers.read { try CatalogAndRoster.catalog(on: $0) }
    }

    /// Replaces the analytics catalog and re-derives the facts that depend on it (in one
    /// transaction: queries see the old catalog's figures or the new one's, never a mix).
    public func replaceCatalog(_ catalog: Catalog) async throws {
        try await reportingFull { try await writer.replace(catalog) }
    }

    /// The proficiency report as of `asOf` (milliseconds; nil for everything stored), for one
    /// skill and team or all, with the catalog it was computed under (nil when none is loaded).
    /// Read in one snapshot.
    public func proficiencyReport(asOf: Int64?, skill: String?, team: String?) async throws -> (catalog: Catalog, rows: [ProficiencyRow])? {
        try await analyticsSnapshot { catalog, connection in
            try AnalyticsQueries.proficiencyRows(asOf: asOf, skill: skill, team: team, catalog: catalog, on: connection)
        }
    }

    /// The proficiency report as of the end of each of `days` (ascending), in one pass over
    /// the per-day roll-up.
    public func proficiencyTrend(days: [Day], skill: String?, team: String?) async throws -> (catalog: Catalog, reports: [[ProficiencyRow]])? {
        try await analyticsSnapshot { catalog, connection in
            try ProficiencyDays.trend(days: days.map(\.ordinal), skill: skill, team: team, catalog: catalog, on: connection)
        }
    }

    /// Completion and behaviour change per program in [from, to] (all programs, or the one
    /// named; the learners of `team`, or everyone), with the catalog; nil when no catalog is
    /// loaded. Behaviour counts in (completedAt, completedAt + windowDays], inside [from, to].
    public func outcomes(
        program: String?, from: Int64, to: Int64, windowDays: Int, team: String? = nil
    ) async throws -> (catalog: Catalog, outcomes: [ProgramOutcome])? {
        try await analyticsSnapshot { catalog, connection in
            let members = try team.map { try CatalogAndRoster.members(ofTeam: $0, on: connection) }
            let programs = catalog.programs.filter { program == nil || $0.id == program }
            return try programs.map { program in
                let enrolled = try AnalyticsQueries.enrolledCount(program, from: from, to: to, team: members, on: connection)
                // Completers are enrolled: their completion statements' objects are the
                // program's activities, inside the same window.
                let completed = try AnalyticsQueries.completions(program, from: from, to: to, on: connection)
                    .filter { members?.contains($0.key) ?? true }
                let skills = try AnalyticsQueries.ids(program.skills, in: "analytics_terms", on: connection)
                let changed = try completed.filter { agent, completedAt in
                    try AnalyticsQueries.showedBehavior(
                        agent: agent, skills: skills, after: completedAt,
                        until: min(to, completedAt + Int64(windowDays) * 86_400_000), on: connection)
                }
                return ProgramOutcome(program: program, enrolled: enrolled, completed: completed.count, behaviorChanged: changed.count)
            }
        }
    }

    /// Knowledge retention per skill (all, or the one named; the learners of `team`, or
    /// everyone), with the catalog; nil when no catalog is loaded.
    public func knowledgeRetention(skill: String?, minDays: Int, team: String?) async throws -> (catalog: Catalog, rows: [KnowledgeRetention])? {
        try await analyticsSnapshot { catalog, connection in
            try AnalyticsQueries.knowledgeRetention(
                skill: skill, minDays: minDays, masteryScore: catalog.masteryScore,
                team: try team.map { try CatalogAndRoster.members(ofTeam: $0, on: connection) }, on: connection)
        }
    }

    /// Employee retention over (from, to] of those who completed `program` (any program when
    /// nil) at or before `from` versus everyone else in the roster's population.
    public func programCompletions(until: Int64) async throws -> (catalog: Catalog, people: [PersonCompletions])? {
        try await analyticsSnapshot { catalog, connection in
            var byProgram: [String: [Int64: Int64]] = [:]
            for program in catalog.programs {
                byProgram[program.id] = try AnalyticsQueries.completions(program, from: Int64.min, to: until, on: connection)
            }
            return try CatalogAndRoster.people(completions: byProgram, on: connection)
        }
    }

    public func retentionMembers(program: String?, from: Int64) async throws -> (catalog: Catalog, members: [EmployeeRetention.Member])? {
        try await analyticsSnapshot { catalog, connection in
            var participants = Set<Int64>()
            for candidate in catalog.programs where program == nil || candidate.id == program {
                participants.formUnion(try AnalyticsQueries.completions(candidate, from: Int64.min, to: from, on: connection).keys)
            }
            return try CatalogAndRoster.members(participants: participants, on: connection)
        }
    }

    public func learnerEvents(_ agent: InverseFunctionalIdentifier) async throws -> (catalog: Catalog, events: LearnerEvents)? {
        try await analyticsSnapshot { catalog, connection in
            try AnalyticsQueries.learnerEvents(agent, catalog: catalog, on: connection)
        }
    }

    /// The first and last day with a learning statement (an identified learner's, not
    /// voided); nil when there is none.
    public func learningDays() async throws -> ClosedRange<Day>? {
        try await readers.read { try LearningVolume.days(on: $0) }
    }

    /// Learning statements per day from `from` to `to`, by timestamp: of `team`'s learners
    /// and about `program` (enrolment's reading: object, parent or grouping) when named.
    public func statementVolume(from: Day, to: Day, team: String?, program: String?) async throws -> [DailyVolume] {
        try await readers.read { connection in
            guard let program else { return try LearningVolume.daily(from: from, to: to, team: team, on: connection) }
            return try connection.snapshot {
                let members = try team.map { try CatalogAndRoster.members(ofTeam: $0, on: connection) }
                return try LearningVolume.daily(from: from, to: to, program: program, team: members, on: connection)
            }
        }
    }

    /// The names of the roster's teams, sorted.
    public func vocabulary(limit: Int) async throws -> Vocabulary {
        try await readers.read { connection in
            func terms(_ sql: String) throws -> [Vocabulary.Term] {
                // `?1`, `?2` keep their numbers in SQLite; `$1`, `$2` would be numbered by where
                // they first appear.
                let select = try connection.prepared(sql.replacingOccurrences(of: "$", with: "?"))
                select.bind(1, Int64(limit))
                select.bind(2, Int64(Vocabulary.window))
                var terms: [Vocabulary.Term] = []
                while try select.step() { terms.append(Vocabulary.Term(iri: select.text(0), statements: Int(select.int64(1)))) }
                return terms
            }
            return Vocabulary(
                verbs: try terms(Vocabulary.verbsSQL), activities: try terms(Vocabulary.activitiesSQL))
        }
    }

    public func teamNames() async throws -> [String] {
        try await readers.read { try CatalogAndRoster.teamNames(on: $0) }
    }

    /// Runs `body` with the catalog on one reader connection inside one read transaction, so
    /// that a report sees one consistent state; nil when no catalog is loaded.
    private func analyticsSnapshot<T: Sendable>(
        _ body: @escaping @Sendable (Catalog, SQLiteConnection) throws -> T
    ) async throws -> (catalog: Catalog, T)? {
        try await readers.read { connection in
            try connection.snapshot {
                guard let catalog = try CatalogAndRoster.catalog(on: connection) else { return nil }
                return (catalog, try body(catalog, connection))
            }
        }
    }

    /// The seq of the last stored statement (an export's upper bound: `ExportCursor`).
    public func lastStoredSeq() async throws -> Int64 {
        try await readers.read { try ExportQuery.lastSeq(on: $0) }
    }

    /// Up to `limit` export records with seq in (after, through] that `filter` admits, in
    /// storage order (`ExportCursor` reads them chunk by chunk).
    public func exportRecords(after: Int64, through: Int64, filter: ExportFilter, limit: Int) async throws -> [ExportRecord] {
        try await readers.read { try ExportQuery.records(after: after, through: through, filter: filter, limit: limit, on: $0) }
    }

    /// Re-checks the hash chain and the audit log's, in one snapshot.
    public func verifyChain() async throws -> ChainVerification {
        try await readers.read { connection in try connection.snapshot { try StatementChain.verify(on: connection) } }
    }

    /// The roster (people in agent-key order).
    public func roster() async throws -> Roster {
        try await readers.read { try CatalogAndRoster.roster(on: $0) }
    }

    /// Replaces the roster.
    public func replaceRoster(_ roster: Roster) async throws {
        try await reportingFull { try await writer.replace(roster) }
    }

    /// Erases the person `agent` (docs/audit.md "Erasure"): their statements become
    /// tombstones that keep the hash chain whole, their documents, attachment content and
    /// roster entry are deleted, analytics forget them, and the audit log records it (with
    /// `requestedBy`, a credential or operator name). Returns what was removed once committed.
    public func erase(_ agent: InverseFunctionalIdentifier, requestedBy: String) async throws -> ErasureReport {
        try await reportingFull { try await writer.erase(agentKey: agent.storageKey, requestedBy: requestedBy) }
    }

    /// The audit log, oldest entry first.
    public func auditLog() async throws -> [AuditEntry] {
        try await readers.read { try AuditLog.entries(on: $0) }
    }

    /// The bytes the database takes on disk (the file and its write-ahead log).
    public func storageBytes() async -> Int64? {
        [path, path + "-wal"].reduce(0) { total, file in
            var info = stat()
            return total + (stat(file, &info) == 0 ? Int64(info.st_size) : 0)
        }
    }

    /// True when a query can be answered and the writer is taking work.
    public func isReady() async -> Bool {
        guard writer.isRunning, damage.withLock({ $0.isEmpty }) else { return false }
        return (try? await readers.read { try $0.scalar("SELECT 1") }) == 1
    }

    /// Runs SQLite's page-by-page check of the file (`DatabaseFile.integrityProblems`); when
    /// it finds damage the store stops reporting ready, so that a load balancer sends traffic
    /// elsewhere while the operator restores a backup. Returns the problems. Cancelling the
    /// calling task stops the check at once (`CancellationError`).
    @discardableResult
    public func checkIntegrity() async throws -> [String] {
        let path = path
        let problems: [String]
        do {
            problems = try await runInterruptibly(on: .singleton) { running in try DatabaseFile.integrityProblems(path, running: running) }
        } catch where Task.isCancelled {
            throw CancellationError()
        }
        damage.withLock { $0 = problems }
        return problems
    }

    /// Runs a write; a full disk is reported as `StoreError.storageFull` (nothing was written).
    func reportingFull<T>(_ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch let error as SQLiteError where error.isFull {
            throw StoreError.storageFull
        }
    }

    /// Finishes queued writes, stops the writer and lets another process write the database.
    public func close() {
        writer.stop()
        readers.close()
        writerLock.release()
    }
}
