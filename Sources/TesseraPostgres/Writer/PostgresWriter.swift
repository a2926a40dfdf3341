import Logging
import PostgresNIO
import Synchronization
import TesseraAnalytics
import TesseraLRS
import XAPI

/// The write path of one node. Requests hand it statement batches and document changes and
/// await their commit; it commits everything that queued up while its previous transaction ran
/// in one transaction (group commit). Every transaction first takes the database-wide advisory
/// lock `lockKey`, so that the writers of all nodes take turns: each reads the chain head, the
/// last `seq` and the last `stored` time inside its own transaction and goes on from there.
/// Work is answered only after its transaction committed.
final class PostgresWriter: Sendable {
    /// The advisory lock every node's writer holds for the length of a write transaction.
    static let lockKey: Int64 = 0x7465_7373_6572_62

    enum Work: Sendable {
        case statements([PreparedStatement], attachments: [AttachmentContent])
        case document(DocumentChange)
        case catalog(Catalog)
        case roster(Roster)
        case erasure(ErasureJob)
        case copy(CopyBatch)
    }

    /// An erasure to run, and what it removed once it has.
    final class ErasureJob: Sendable {
        let agentKey: String
        let requestedBy: String
        let report = Mutex<ErasureReport?>(nil)

        init(agentKey: String, requestedBy: String) {
            self.agentKey = agentKey
            self.requestedBy = requestedBy
        }
    }

    private struct Pending: Sendable {
        let work: Work
        let continuation: CheckedContinuation<Void, any Error>
    }

    /// The writer no longer takes work (the store is closing).
    struct Stopped: Error, CustomStringConvertible {
        var description: String { "the store is closing" }
    }

    private let database: PostgresStorage
    private let observer: (any WriterObserver)?
    private let queue = Mutex<(pending: [Pending], open: Bool)>(([], true))
    private let wake: AsyncStream<Void>.Continuation
    private let loop = Mutex<Task<Void, Never>?>(nil)
    /// The catalog facts are derived under, as of the version this node last read (another
    /// node may load a new one: each transaction checks the stored version).
    private let catalog = Mutex<(version: Int64, index: CatalogIndex)>((0, CatalogIndex(Catalog())))
    /// What this writer remembers between transactions, kept only from committed ones.
    private let memory = Mutex(WriterMemory())

    init(database: PostgresStorage, observer: (any WriterObserver)?) {
        self.database = database
        self.observer = observer
        let (signals, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.wake = wake
        loop.withLock {
            $0 = Task { [self] in
                for await _ in signals { await commitPending() }
                await commitPending()
            }
        }
    }

    /// Stores a batch and its attachments' content atomically; returns when it is committed
    /// (or throws and stores nothing).
    func store(_ batch: [PreparedStatement], attachments: [AttachmentContent]) async throws {
        try await enqueue(.statements(batch, attachments: attachments))
    }

    /// Applies a document change; returns when it is committed (or throws and changes nothing).
    func apply(_ change: DocumentChange) async throws {
        try await enqueue(.document(change))
    }

    /// Replaces the analytics catalog and derives its facts again, in one transaction.
    func replace(_ catalog: Catalog) async throws {
        try await enqueue(.catalog(catalog))
    }

    /// Replaces the roster.
    func replace(_ roster: Roster) async throws {
        try await enqueue(.roster(roster))
    }

    /// Erases the person with `agentKey`; returns what was removed once it is committed.
    func erase(agentKey: String, requestedBy: String) async throws -> ErasureReport {
        let job = ErasureJob(agentKey: agentKey, requestedBy: requestedBy)
        try await enqueue(.erasure(job))
        return job.report.withLock { $0! }
    }

    /// Writes what `tessera copy` brings; returns when it is committed (or throws and writes
    /// nothing).
    func copy(_ batch: CopyBatch) async throws {
        try await enqueue(.copy(batch))
    }

    /// True until `stop`.
    var isRunning: Bool { queue.withLock { $0.open } }

    /// Commits what is queued, then stops taking work.
    func stop() async {
        queue.withLock { $0.open = false }
        wake.finish()
        await loop.withLock { $0 }?.value
    }

    private func enqueue(_ work: Work) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let depth: Int? = queue.withLock { queue in
                guard queue.open else { return nil }
                queue.pending.append(Pending(work: work, continuation: continuation))
                return queue.pending.count
            }
            guard let depth else { return continuation.resume(throwing: Stopped()) }
            observer?.queueDepthChanged(depth)
            wake.yield()
        }
    }

    private func commitPending() async {
        let pending = queue.withLock { queue in
            defer { queue.pending.removeAll() }
            return queue.pending
        }
        guard !pending.isEmpty else { return }
        observer?.queueDepthChanged(0)
        let outcomes: [Result<Void, any Error>]
        do {
            let (results, stored) = try await commit(pending.map(\.work))
            outcomes = results
            observer?.committed(statements: stored, requests: pending.count)
        } catch {
            database.logger.error("write transaction failed", metadata: ["error": "\(String(reflecting: error))"])
            outcomes = pending.map { _ in .failure(error) }
        }
        for (item, outcome) in zip(pending, outcomes) { item.continuation.resume(with: outcome) }
    }

    /// Writes `work` in one transaction under the writers' lock. A batch or change that is
    /// refused fails alone, having written nothing; any other failure rolls everything back.
    /// Statements are written together at the end, or before a catalog load or an erasure, so
    /// that those see every statement queued before them. Returns each piece's outcome and how
    /// many statements were newly stored.
    private func commit(_ work: [Work]) async throws -> ([Result<Void, any Error>], Int) {
        let (outcomes, stored, memory) = try await transaction(work)
        // Only now that it committed does the transaction's memory become the writer's.
        self.memory.withLock { $0 = memory }
        return (outcomes, stored)
    }

    private func transaction(_ work: [Work]) async throws -> ([Result<Void, any Error>], Int, WriterMemory) {
        let logger = database.logger
        return try await database.client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            let statements = work.flatMap(Self.statements)
            var group = try await StatementGroup.begin(admitting: statements, on: connection, logger: logger)
            var memory = self.memory.withLock { $0 }
            memory.agentsValid(asOf: group.auditHead)
            var catalog = try await currentCatalog(version: group.catalogVersion, on: connection, logger: logger)
            var stored = 0
            var outcomes: [Result<Void, any Error>] = []
            for item in work {
                do {
                    switch item {
                    case .statements(let batch, let attachments):
                        try group.admit(batch, attachments: attachments)
                    case .document(let change):
                        try await PostgresDocuments.apply(change, at: group.time, on: connection, logger: logger)
                    case .catalog(let new):
                        stored += try await group.flush(catalog: catalog, memory: &memory, on: connection, logger: logger)
                        try await PostgresCatalogAndRoster.replace(new, at: group.time, on: connection, logger: logger)
                        try await PostgresFacts.derive(new, on: connection, logger: logger)
                        catalog = CatalogIndex(new)
                    case .roster(let roster):
                        try await PostgresCatalogAndRoster.replace(roster, on: connection, logger: logger)
                        try await PostgresRollups.rosterReplaced(on: connection, logger: logger)
                    case .erasure(let job):
                        stored += try await group.flush(catalog: catalog, memory: &memory, on: connection, logger: logger)
                        let report = try await PostgresErasure.erase(
                            agentKey: job.agentKey, requestedBy: job.requestedBy, at: group.time, on: connection, logger: logger)
                        job.report.withLock { $0 = report }
                        // What is stored changed: read it again for the statements queued after.
                        group = try await StatementGroup.begin(admitting: statements, on: connection, logger: logger)
                        memory.agentsValid(asOf: group.auditHead)
                    case .copy(let batch):
                        stored += try await group.flush(catalog: catalog, memory: &memory, on: connection, logger: logger)
                        stored += try await PostgresCopyWriting.write(batch, catalog: catalog, memory: &memory, on: connection, logger: logger)
                        // The chain moved on: read it again for the statements queued after.
                        group = try await StatementGroup.begin(admitting: statements, on: connection, logger: logger)
                    }
                    outcomes.append(.success(()))
                } catch let rejection as StoreRejection {
                    outcomes.append(.failure(rejection))
                } catch let rejection as DocumentRejection {
                    outcomes.append(.failure(rejection))
                }
            }
            stored += try await group.flush(catalog: catalog, memory: &memory, on: connection, logger: logger)
            let remembered = memory
            return (outcomes, stored, remembered)
        }
    }

    /// The index of the stored catalog at `version`, read again only when the version changed.
    private func currentCatalog(version: Int64, on connection: PostgresConnection, logger: Logger) async throws -> CatalogIndex {
        if let known = self.catalog.withLock({ $0.version == version ? $0.index : nil }) { return known }
        let index = CatalogIndex(try await PostgresCatalogAndRoster.catalog(on: connection, logger: logger) ?? Catalog())
        self.catalog.withLock { $0 = (version, index) }
        return index
    }

    /// The statements a piece of work brings.
    private static func statements(_ work: Work) -> [PreparedStatement] {
        guard case .statements(let batch, _) = work else { return [] }
        return batch
    }
}
