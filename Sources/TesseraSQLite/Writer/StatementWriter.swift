import TesseraLRS
import Foundation
import Logging
import TesseraAnalytics
import XAPI

/// A refusal decided before anything was written: the work fails alone and the rest of the
/// transaction goes on.
protocol WriteRejection: Error {}

extension StoreRejection: WriteRejection {}
extension DocumentRejection: WriteRejection {}

/// The one owner of the write connection. Requests hand it whole statement batches or document
/// changes and await their commit; it commits everything that queued up while the previous
/// transaction ran in one transaction (group commit). Work is answered only after its
/// transaction committed, so an acknowledged statement survives a killed process.
final class StatementWriter: @unchecked Sendable {
    let connection: SQLiteConnection
    private let checkpointer: Checkpointer
    private let logger: Logger
    private let condition = NSCondition()
    private var queue: [Pending] = []
    private var stopping = false
    private var thread: Thread?
    private var interned = Interner()
    /// Analytics' facts, kept in step with the statements (nil with analytics off).
    private let facts: LearningFacts?
    /// The hash chain over stored statements; it numbers them.
    let chain: StatementChain
    /// Told of everything the transaction does (`WriterParticipant`), in this order.
    private let participants: [any WriterParticipant]
    /// Why the writer stopped taking work, once a participant could not rebuild its state.
    private var failure: WriterStopped?
    /// The last definition JSON received per activity, so that the same definition sent again
    /// (the usual case) costs one comparison.
    var definitionsSeen: [String: [UInt8]] = [:]
    var lastStoredMilliseconds: Int64 = 0
    private let observer: (any WriterObserver)?

    private enum Work {
        case statements([PreparedStatement], attachments: [AttachmentContent])
        case document(DocumentChange)
        case catalog(Catalog)
        case roster(Roster)
        case erasure(ErasureJob)
        case copy(CopyBatch)
    }

    /// An erasure to run, and what it removed once it has.
    final class ErasureJob: @unchecked Sendable {
        let agentKey: String
        let requestedBy: String
        /// Set by the writer thread before the job's continuation resumes.
        var report: ErasureReport?

        init(agentKey: String, requestedBy: String) {
            self.agentKey = agentKey
            self.requestedBy = requestedBy
        }
    }

    private struct Pending {
        let work: Work
        let continuation: CheckedContinuation<Void, any Error>

        var isErasure: Bool {
            if case .erasure = work { return true }
            return false
        }
    }

    init(
        connection: SQLiteConnection, checkpointer: Checkpointer, analytics: Bool, observer: (any WriterObserver)?, logger: Logger
    ) throws {
        self.connection = connection
        self.observer = observer
        self.checkpointer = checkpointer
        self.logger = logger
        facts = analytics ? try LearningFacts(connection: connection) : nil
        chain = try StatementChain(connection: connection)
        participants = [chain] + (facts.map { [$0] } ?? [])
        // `stored` never decreases along `seq`, even if the clock went back while the server
        // was down (queries turn time windows into seq ranges on it).
        lastStoredMilliseconds = try connection.scalar("SELECT COALESCE(MAX(stored_ms), 0) FROM statements") ?? 0
        connection.finishStatements()
    }

    /// The writer stopped taking work: after a rolled-back transaction, a participant could not
    /// read its state back from the database. Restarting the server reads it afresh.
    struct WriterStopped: Error, CustomStringConvertible {
        let reason: String
        var description: String { "the writer stopped after a failed transaction (\(reason)); restart the server" }
    }

    func start() {
        checkpointer.start()
        let thread = Thread { [self] in run() }
        thread.start()
        self.thread = thread
    }

    /// True between `start` and `stop`, unless a failed rollback stopped the writer.
    var isRunning: Bool {
        condition.lock()
        defer { condition.unlock() }
        return thread != nil && !stopping && failure == nil
    }

    /// Finishes what is queued, then stops the thread.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        while thread?.isFinished == false { usleep(1_000) }
        checkpointer.stop()
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

    /// Replaces the analytics catalog and re-derives the facts that depend on it, in one
    /// transaction; returns when it is committed.
    func replace(_ catalog: Catalog) async throws {
        try await enqueue(.catalog(catalog))
    }

    /// Replaces the roster and moves learners between teams in the facts; returns when it is
    /// committed.
    func replace(_ roster: Roster) async throws {
        try await enqueue(.roster(roster))
    }

    /// Erases the person with `agentKey` (docs/audit.md "Erasure"); returns what was removed
    /// once it is committed.
    func erase(agentKey: String, requestedBy: String) async throws -> ErasureReport {
        let job = ErasureJob(agentKey: agentKey, requestedBy: requestedBy)
        try await enqueue(.erasure(job))
        return job.report!
    }

    /// Writes what `tessera copy` brings; returns when it is committed (or throws and writes
    /// nothing).
    func copy(_ batch: CopyBatch) async throws {
        try await enqueue(.copy(batch))
    }

    private func enqueue(_ work: Work) async throws {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            queue.append(Pending(work: work, continuation: continuation))
            // Under the lock, so that the gauge moves in the queue's order.
            observer?.queueDepthChanged(queue.count)
            condition.signal()
            condition.unlock()
        }
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty && stopping {
                condition.unlock()
                return
            }
            let pending = queue
            queue.removeAll(keepingCapacity: true)
            observer?.queueDepthChanged(0)
            let failure = failure
            condition.unlock()
            if let failure {
                for item in pending { item.continuation.resume(throwing: failure) }
            } else {
                commit(pending)
            }
        }
    }

    /// Writes all pending work in one transaction. Each batch or change is checked in full
    /// before any of it is written, so a rejected one leaves nothing behind and the others go
    /// on; any other failure rolls the whole transaction back and fails everything in it.
    private func commit(_ pending: [Pending]) {
        var outcomes: [Result<Void, any Error>] = []
        var stored = 0
        do {
            try connection.execute("BEGIN IMMEDIATE")
            for item in pending {
                do {
                    switch item.work {
                    case .statements(let batch, let attachments): stored += try write(batch, attachments)
                    case .document(let change): try DocumentTable.apply(change, at: nextStoredTime().milliseconds, on: connection)
                    case .catalog(let catalog):
                        try CatalogAndRoster.replace(catalog, at: nextStoredTime().milliseconds, on: connection)
                        try facts?.replace(catalog, on: connection)
                    case .roster(let roster):
                        try CatalogAndRoster.replace(roster, on: connection)
                        try facts?.rosterReplaced(on: connection)
                    case .erasure(let job):
                        job.report = try Erasure.erase(
                            agentKey: job.agentKey, requestedBy: job.requestedBy, at: nextStoredTime(), on: connection
                        ) { seq in try facts?.didRemove(seq: seq, on: connection) }
                        // The agent's identifier is gone from `agents`: forget the interned id.
                        interned = Interner()
                    case .copy(let batch): stored += try write(copied: batch)
                    }
                    outcomes.append(.success(()))
                } catch let rejection as any WriteRejection {
                    outcomes.append(.failure(rejection))
                }
            }
            for participant in participants { try participant.willCommit(on: connection) }
            connection.finishStatements()
            try connection.execute("COMMIT")
            if pending.contains(where: \.isErasure) { clearWriteAheadLog() } else { checkpointer.request() }
            observer?.committed(statements: stored, requests: pending.count)
        } catch {
            connection.finishStatements()
            try? connection.execute("ROLLBACK")
            // Ids interned and definitions merged inside the rolled-back transaction are gone.
            interned = Interner()
            definitionsSeen = [:]
            logger.error("write transaction failed", metadata: ["error": "\(error)"])
            rebuildParticipants()
            outcomes = pending.map { _ in .failure(error) }
        }
        for (item, outcome) in zip(pending, outcomes) {
            item.continuation.resume(with: outcome)
        }
    }

    /// After a rollback, has every participant read its state back; one that cannot stops the
    /// writer, so that nothing is written on a stale chain head or stale facts.
    private func rebuildParticipants() {
        do {
            for participant in participants { try participant.didRollBack(on: connection) }
            connection.finishStatements()
        } catch {
            connection.finishStatements()
            logger.critical(
                "the writer stopped: after a failed transaction its state could not be read back; /ready answers 503 until a restart",
                metadata: ["error": "\(error)"])
            condition.lock()
            failure = WriterStopped(reason: "\(error)")
            condition.unlock()
        }
    }

    /// Copies the log into the database and empties it, so that the pages an erasure replaced
    /// (with the person's data) do not linger in it. Deleted content in the database file is
    /// already zeroed (`secure_delete`).
    private func clearWriteAheadLog() {
        do {
            try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            logger.warning("could not empty the write-ahead log after an erasure", metadata: ["error": "\(error)"])
        }
    }

    /// Writes a batch; returns how many of its statements were new. Attachment content is
    /// stored, and linked, only for the new statements that delivered it (a part with their
    /// attachment's hash): a statement that names a hash without sending the part (a `fileUrl`)
    /// gets no link, so it neither reaches nor keeps content someone else sent, and the part of
    /// a statement that was a no-op (sent again, or erased) is not stored at all.
    private func write(_ batch: [PreparedStatement], _ attachments: [AttachmentContent]) throws -> Int {
        let fresh = try StatementAdmission.admissible(batch, lookup: WriterAdmissionLookup(connection: connection))
        let time = nextStoredTime()
        let delivered = Set(attachments.map(\.sha2))
        var linked = Set<String>()
        for statement in fresh { linked.formUnion(try insert(statement, storedAt: time, delivered: delivered)) }
        try store(attachments.filter { linked.contains($0.sha2) })
        return fresh.count
    }

    /// Stores attachment content, once per hash (content already stored stays as it is).
    func store(_ attachments: [AttachmentContent]) throws {
        guard !attachments.isEmpty else { return }
        let insert = try connection.prepared("INSERT OR IGNORE INTO attachments (sha2, content_type, content) VALUES (?, ?, ?)")
        defer { insert.reset() }
        for attachment in attachments {
            insert.reset()
            insert.bind(1, attachment.sha2)
            insert.bind(2, attachment.contentType)
            insert.bind(3, attachment.content)
            try insert.step()
        }
    }

    /// The storage time for a batch or document change: now, but never before the previous one's.
    private func nextStoredTime() -> XAPITimestamp {
        let milliseconds = max(XAPITimestamp.now().milliseconds, lastStoredMilliseconds)
        lastStoredMilliseconds = milliseconds
        return XAPITimestamp(milliseconds: milliseconds)
    }

    /// Inserts `statement`; returns the hashes of the attachment content it delivered (and is
    /// now linked to). A copied statement (`tessera copy`) comes with its seq and its source's
    /// voided flag: it voids nothing, its targets having come with their own flags.
    func insert(
        _ statement: PreparedStatement, storedAt time: XAPITimestamp, delivered: Set<String>, copied: (seq: Int64, voided: Bool)? = nil
    ) throws -> Set<String> {
        if copied == nil, let target = statement.voids {
            let void = try connection.prepared("UPDATE statements SET voided = 1 WHERE id = ? AND voided = 0 RETURNING seq")
            void.bind(1, target)
            let voidedSeq = try void.step() ? void.int64(0) : nil
            void.reset()
            // Voided statements never count in analytics.
            if let voidedSeq { try facts?.didRemove(seq: voidedSeq, on: connection) }
        }
        // Statements that target this one may have arrived before it (a voiding one voids it).
        let earlier = try connection.prepared("SELECT seq, is_voiding FROM statements WHERE object_statement = ?")
        earlier.bind(1, statement.id)
        var referrers: [Int64] = []
        var targetedByVoiding = false
        while try earlier.step() {
            referrers.append(earlier.int64(0))
            targetedByVoiding = targetedByVoiding || earlier.int64(1) == 1
        }
        let isVoided = copied?.voided ?? (statement.voids == nil && targetedByVoiding)

        let keys = statement.keys
        let actorID = try keys.actor.map { try intern(.agent, $0) }
        let verbID = try intern(.verb, keys.verb)
        let objectActivityID = try keys.objectActivity.map { try intern(.activity, $0) }
        let row = try connection.prepared("""
            INSERT INTO statements (id, actor_id, verb_id, object_agent_id, object_activity_id, object_statement,
                registration, authority_id, stored_ms, is_voiding, voided, body, seq)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        row.bind(1, statement.id)
        row.bind(2, actorID)
        row.bind(3, verbID)
        row.bind(4, try keys.objectAgent.map { try intern(.agent, $0) })
        row.bind(5, objectActivityID)
        row.bind(6, keys.objectStatement)
        row.bind(7, keys.registration)
        row.bind(8, try keys.authority.map { try intern(.agent, $0) })
        row.bind(9, time.milliseconds)
        row.bind(10, Int64(statement.voids == nil ? 0 : 1))
        row.bind(11, Int64(isVoided ? 1 : 0))
        let body = statement.body(storedAt: time)
        row.bind(12, body)
        // Never a reused seq (an erased statement's stays taken in the chain).
        let seq = copied?.seq ?? chain.lastSeq + 1
        row.bind(13, seq)
        try row.step()
        let deliveredHere = Set(statement.attachmentHashes).intersection(delivered)
        for sha2 in deliveredHere {
            let link = try connection.prepared("INSERT OR IGNORE INTO statement_attachments (sha2, seq) VALUES (?, ?)")
            link.bind(1, sha2)
            link.bind(2, seq)
            try link.step()
        }
        try linkReferences(seq: seq, target: keys.objectStatement, referrers: referrers)
        for (iri, json) in statement.definitions { try define(iri, json) }

        // The link rows answer the agent and activity filters; role marks actor and object (and,
        // for activities, the context roles analytics asks about).
        let agentLink = try connection.prepared(
            "INSERT OR IGNORE INTO statement_agents (agent_id, seq, role) VALUES (?, ?, ?)")
        for key in keys.relatedAgents {
            agentLink.reset()
            agentLink.bind(1, try intern(.agent, key))
            agentLink.bind(2, seq)
            agentLink.bind(3, Int64((key == keys.actor ? 1 : 0) | (key == keys.objectAgent ? 2 : 0)))
            try agentLink.step()
        }
        let activityLink = try connection.prepared(
            "INSERT OR IGNORE INTO statement_activities (activity_id, seq, role) VALUES (?, ?, ?)")
        for (iri, role) in keys.relatedActivities {
            activityLink.reset()
            activityLink.bind(1, try intern(.activity, iri))
            activityLink.bind(2, seq)
            activityLink.bind(3, role)
            try activityLink.step()
        }
        let stored = StoredStatementRow(
            seq: seq, body: body, statement: statement, storedAt: time, isVoided: isVoided, actorID: actorID, verbID: verbID,
            objectActivityID: objectActivityID)
        for participant in participants { try participant.didStore(stored, on: connection) }
        return deliveredHere
    }

    /// Records the direct references of the statement just stored at `seq`: to its target,
    /// when stored, and from `referrers` (statements stored earlier that target it). Chains are
    /// walked when queried, so each statement costs at most one row per reference.
    private func linkReferences(seq: Int64, target: XAPIUUID?, referrers: [Int64]) throws {
        if let target {
            let reach = try connection.prepared("INSERT OR IGNORE INTO statement_refs (referrer, target) SELECT ?1, seq FROM statements WHERE id = ?2")
            reach.bind(1, seq)
            reach.bind(2, target)
            try reach.step()
        }
        let inherit = try connection.prepared("INSERT OR IGNORE INTO statement_refs (referrer, target) VALUES (?1, ?2)")
        for referrer in referrers {
            inherit.reset()
            inherit.bind(1, referrer)
            inherit.bind(2, seq)
            try inherit.step()
        }
    }

    /// Merges `json` into the canonical definition of activity `iri`: language maps and
    /// extensions by key, other members replaced.
    private func define(_ iri: String, _ json: [UInt8]) throws {
        if definitionsSeen[iri] == json { return }
        let id = try intern(.activity, iri)
        let select = try connection.prepared("SELECT definition FROM activity_definitions WHERE activity_id = ?")
        select.bind(1, id)
        let stored = try select.step() ? select.blob(0) : nil
        select.reset()
        let merged = stored.flatMap { JSONMerge.merge(json, into: $0, deep: ["name", "description", "extensions"]) } ?? json
        if merged != stored { try store(definition: merged, of: id) }
        if definitionsSeen.count >= 50_000 { definitionsSeen = [:] }
        definitionsSeen[iri] = json
    }

    /// Stores `definition` as the canonical definition of the activity with id `activity`.
    func store(definition: [UInt8], of activity: Int64) throws {
        let upsert = try connection.prepared(
            "INSERT INTO activity_definitions (activity_id, definition) VALUES (?, ?) "
                + "ON CONFLICT (activity_id) DO UPDATE SET definition = excluded.definition")
        defer { upsert.reset() }
        upsert.bind(1, activity)
        upsert.bind(2, definition)
        try upsert.step()
    }

    /// The integer id of an agent key, verb IRI or activity IRI, created on first sight.
    func intern(_ table: Interner.Table, _ key: String) throws -> Int64 {
        if let id = interned.ids[table]?[key] { return id }
        let insert = try connection.prepared("INSERT OR IGNORE INTO \(table.rawValue) (\(table.column)) VALUES (?)")
        insert.bind(1, key)
        try insert.step()
        let select = try connection.prepared("SELECT id FROM \(table.rawValue) WHERE \(table.column) = ?")
        select.bind(1, key)
        try select.step()
        let id = select.int64(0)
        interned.remember(table, key, id)
        return id
    }
}

/// The writer's memory of interned ids (bounded; forgotten on rollback).
struct Interner {
    enum Table: String, Hashable {
        case agent = "agents"
        case verb = "verbs"
        case activity = "activities"

        var column: String { self == .agent ? "ifi" : "iri" }
    }

    private(set) var ids: [Table: [String: Int64]] = [:]
    private static let limit = 200_000

    mutating func remember(_ table: Table, _ key: String, _ id: Int64) {
        if ids[table, default: [:]].count >= Self.limit { ids[table] = [:] }
        ids[table, default: [:]][key] = id
    }
}

/// What `StatementAdmission` asks of the stored statements, read on the writer's connection
/// inside its transaction.
struct WriterAdmissionLookup: AdmissionLookup {
    let connection: SQLiteConnection

    func storedBody(of id: XAPIUUID) throws -> [UInt8]? {
        try row("SELECT body FROM statements WHERE id = ?", id) { $0.blob(0) }
    }

    func isErased(_ id: XAPIUUID) throws -> Bool {
        try row("SELECT 1 FROM erased_statements WHERE id = ?", id) { _ in true } ?? false
    }

    func isStoredVoiding(_ id: XAPIUUID) throws -> Bool {
        try row("SELECT is_voiding FROM statements WHERE id = ?", id) { $0.int64(0) == 1 } ?? false
    }

    private func row<T>(_ sql: String, _ id: XAPIUUID, _ read: (SQLiteStatement) -> T) throws -> T? {
        let select = try connection.prepared(sql)
        defer { select.reset() }
        select.bind(1, id)
        return try select.step() ? read(select) : nil
    }
}
