import Foundation
import Logging
import XAPI

/// Why a batch was not stored. Nothing of a rejected batch is written.
public enum StoreRejection: Error, Equatable, Sendable {
    /// A statement with this id exists and says something different.
    case conflict(XAPIUUID)
    /// The batch voids this statement, which is itself a voiding statement.
    case voidsVoidingStatement(XAPIUUID)
}

/// The one owner of the write connection. Requests hand it whole batches and await their
/// commit; it commits everything that queued up while the previous transaction ran in one
/// transaction (group commit). A batch is answered only after its transaction committed, so an
/// acknowledged statement survives a killed process.
final class StatementWriter: @unchecked Sendable {
    private let connection: SQLiteConnection
    private let logger: Logger
    private let condition = NSCondition()
    private var queue: [Pending] = []
    private var stopping = false
    private var thread: Thread?
    private var interned = Interner()
    private var lastStoredMilliseconds: Int64 = 0

    private struct Pending {
        let batch: [PreparedStatement]
        let continuation: CheckedContinuation<Void, any Error>
    }

    init(connection: SQLiteConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "tessera-writer"
        thread.start()
        self.thread = thread
    }

    /// Finishes what is queued, then stops the thread.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        while thread?.isFinished == false { usleep(1_000) }
    }

    /// Stores a batch atomically; returns when it is committed (or throws and stores nothing).
    func store(_ batch: [PreparedStatement]) async throws {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            queue.append(Pending(batch: batch, continuation: continuation))
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
            condition.unlock()
            commit(pending)
        }
    }

    /// Writes every pending batch in one transaction; each batch inside its own savepoint so a
    /// rejected batch leaves the others intact.
    private func commit(_ pending: [Pending]) {
        var outcomes: [Result<Void, any Error>] = []
        do {
            try connection.execute("BEGIN IMMEDIATE")
            for item in pending {
                outcomes.append(Result { try write(item.batch) })
            }
            connection.finishStatements()
            try connection.execute("COMMIT")
        } catch {
            connection.finishStatements()
            try? connection.execute("ROLLBACK")
            interned = Interner()
            logger.error("write transaction failed", metadata: ["error": "\(error)"])
            outcomes = pending.map { _ in .failure(error) }
        }
        for (item, outcome) in zip(pending, outcomes) {
            item.continuation.resume(with: outcome)
        }
    }

    private func write(_ batch: [PreparedStatement]) throws {
        try connection.execute("SAVEPOINT batch")
        do {
            let time = nextStoredTime()
            for statement in batch { try insert(statement, storedAt: time) }
            try connection.execute("RELEASE batch")
        } catch {
            connection.finishStatements()
            try connection.execute("ROLLBACK TO batch")
            try connection.execute("RELEASE batch")
            // Ids interned inside the rolled-back savepoint are gone; forget them all.
            interned = Interner()
            throw error
        }
    }

    /// The storage time for a batch: now, but never before the previous batch's.
    private func nextStoredTime() -> XAPITimestamp {
        let milliseconds = max(XAPITimestamp.now().milliseconds, lastStoredMilliseconds)
        lastStoredMilliseconds = milliseconds
        return XAPITimestamp(milliseconds: milliseconds)
    }

    private func insert(_ statement: PreparedStatement, storedAt time: XAPITimestamp) throws {
        let existing = try connection.prepared("SELECT body FROM statements WHERE id = ?")
        existing.bind(1, statement.id)
        if try existing.step() {
            // Same id again: equivalent content is a no-op, anything else a conflict.
            let stored = StatementReader.readStored(existing.blob(0))
            guard stored?.isEquivalent(to: statement.statement) == true else { throw StoreRejection.conflict(statement.id) }
            return
        }
        if let target = statement.voids {
            let lookup = try connection.prepared("SELECT is_voiding FROM statements WHERE id = ?")
            lookup.bind(1, target)
            if try lookup.step(), lookup.int64(0) == 1 { throw StoreRejection.voidsVoidingStatement(target) }
            let void = try connection.prepared("UPDATE statements SET voided = 1 WHERE id = ?")
            void.bind(1, target)
            try void.step()
        }
        // A voiding statement may have arrived before its target.
        let voidedEarlier = try connection.prepared(
            "SELECT 1 FROM statements WHERE object_statement = ? AND is_voiding = 1 LIMIT 1")
        voidedEarlier.bind(1, statement.id)
        let targetedByVoiding = try voidedEarlier.step()
        let isVoided = statement.voids == nil && targetedByVoiding

        let keys = statement.keys
        let row = try connection.prepared("""
            INSERT INTO statements (id, actor_id, verb_id, object_agent_id, object_activity_id, object_statement,
                registration, authority_id, stored_ms, is_voiding, voided, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        row.bind(1, statement.id)
        row.bind(2, try keys.actor.map { try intern(.agent, $0) })
        row.bind(3, try intern(.verb, keys.verb))
        row.bind(4, try keys.objectAgent.map { try intern(.agent, $0) })
        row.bind(5, try keys.objectActivity.map { try intern(.activity, $0) })
        row.bind(6, keys.objectStatement)
        row.bind(7, keys.registration)
        row.bind(8, try keys.authority.map { try intern(.agent, $0) })
        row.bind(9, time.milliseconds)
        row.bind(10, Int64(statement.voids == nil ? 0 : 1))
        row.bind(11, Int64(isVoided ? 1 : 0))
        row.bind(12, statement.body(storedAt: time))
        try row.step()
        let seq = connection.lastInsertRowID

        let agentLink = try connection.prepared("INSERT OR IGNORE INTO statement_agents (agent_id, seq) VALUES (?, ?)")
        for key in keys.relatedAgents {
            agentLink.reset()
            agentLink.bind(1, try intern(.agent, key))
            agentLink.bind(2, seq)
            try agentLink.step()
        }
        let activityLink = try connection.prepared(
            "INSERT OR IGNORE INTO statement_activities (activity_id, seq) VALUES (?, ?)")
        for iri in keys.relatedActivities {
            activityLink.reset()
            activityLink.bind(1, try intern(.activity, iri))
            activityLink.bind(2, seq)
            try activityLink.step()
        }
    }

    /// The integer id of an agent key, verb IRI or activity IRI, created on first sight.
    private func intern(_ table: Interner.Table, _ key: String) throws -> Int64 {
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
