import TesseraLRS
import Logging
import TesseraCrypto

/// The hash chain over stored statements (DESIGN.md "Audit and export"): each statement's
/// `content` is the SHA-256 of its stored body and its `chain` the SHA-256 of the previous
/// chain followed by its content, in storage order, starting from 32 zero bytes.
final class StatementChain: WriterParticipant {
    /// The chain value after the last statement written.
    private(set) var head: [UInt8]
    /// The seq of the last statement chained (0 for none). Sequence numbers are never reused,
    /// not even an erased statement's: the next statement gets `lastSeq + 1`.
    private(set) var lastSeq: Int64

    /// The chain as stored on `connection`.
    init(connection: SQLiteConnection) throws {
        (head, lastSeq) = try Self.storedHead(on: connection)
    }

    /// Extends the chain with the statement just stored (at `lastSeq + 1`).
    func didStore(_ row: StoredStatementRow, on connection: SQLiteConnection) throws {
        try append(seq: row.seq, body: row.body, on: connection)
    }

    /// Reads the head again (after a rolled-back transaction).
    func didRollBack(on connection: SQLiteConnection) throws {
        (head, lastSeq) = try Self.storedHead(on: connection)
    }

    /// Extends the chain with the statement stored at `seq` (after `lastSeq`) with `body`.
    private func append(seq: Int64, body: [UInt8], on connection: SQLiteConnection) throws {
        let content = Digest.sha256(body)
        let chain = ChainLink.link(head, content)
        let insert = try connection.prepared("INSERT INTO statement_chain (seq, content, chain) VALUES (?, ?, ?)")
        insert.bind(1, seq)
        insert.bind(2, content)
        insert.bind(3, chain)
        try insert.step()
        head = chain
        lastSeq = seq
    }

    private static func storedHead(on connection: SQLiteConnection) throws -> ([UInt8], Int64) {
        let select = try connection.prepared("SELECT chain, seq FROM statement_chain ORDER BY seq DESC LIMIT 1")
        defer { select.reset() }
        return try select.step() ? (select.blob(0), select.int64(1)) : (ChainLink.genesis, 0)
    }

    /// Chains the statements stored before the chain existed (right after its migration), in
    /// storage order, in one transaction.
    static func extend(on connection: SQLiteConnection, logger: Logger) throws {
        try connection.transaction {
            let chain = try StatementChain(connection: connection)
            let last = try connection.scalar("SELECT COALESCE(MAX(seq), 0) FROM statement_chain") ?? 0
            let statements = try connection.prepared("SELECT seq, body FROM statements WHERE seq > ? ORDER BY seq")
            statements.bind(1, last)
            var count = 0
            while try statements.step() {
                try chain.append(seq: statements.int64(0), body: statements.blob(1), on: connection)
                count += 1
            }
            statements.reset()
            if count > 0 { logger.info("hash chain extended over stored statements", metadata: ["statements": "\(count)"]) }
        }
    }
}

extension StatementChain {
    /// Re-checks the whole chain: each chain row follows from the previous one, each statement
    /// still has the content its chain row records, no statement is missing from the chain and
    /// no chained statement is missing unless an erasure recorded in the audit log left its
    /// tombstone; and the audit log's own chain.
    static func verify(on connection: SQLiteConnection) throws -> ChainVerification {
        var problems: [ChainVerification.Problem] = []
        func report(_ seq: Int64?, _ reason: String) { problems.append(.init(seq: seq, reason: reason)) }
        let rows = try connection.prepared("""
            SELECT c.seq, c.content, c.chain, s.seq IS NOT NULL, s.body, e.seq IS NOT NULL, a.id IS NOT NULL
            FROM statement_chain c LEFT JOIN statements s ON s.seq = c.seq
            LEFT JOIN erased_statements e ON e.seq = c.seq LEFT JOIN audit_log a ON a.id = e.erasure
            ORDER BY c.seq
            """)
        var previous = ChainLink.genesis
        var count = 0
        var erased = 0
        while try rows.step(), problems.count < ChainVerification.problemLimit {
            let seq = rows.int64(0), content = rows.blob(1), chain = rows.blob(2)
            count += 1
            if ChainLink.link(previous, content) != chain {
                report(seq, "its chain value does not follow from the previous one (the chain table was altered)")
            }
            if rows.int64(3) == 0 && rows.int64(5) == 1 {
                erased += 1
                if rows.int64(6) == 0 { report(seq, "the statement's tombstone names an erasure the audit log does not record") }
            } else if rows.int64(3) == 0 {
                report(seq, "the statement is missing (its row was deleted)")
            } else if Digest.sha256(rows.blob(4)) != content {
                report(seq, "the stored statement differs from what was chained (its content was altered)")
            }
            previous = chain
        }
        rows.reset()
        let unchained = try connection.prepared("""
            SELECT s.seq FROM statements s LEFT JOIN statement_chain c ON c.seq = s.seq WHERE c.seq IS NULL ORDER BY s.seq LIMIT ?
            """)
        unchained.bind(1, Int64(ChainVerification.problemLimit))
        while try unchained.step() { report(unchained.int64(0), "the statement is not in the chain (it was added outside Tessera)") }
        unchained.reset()
        for id in try AuditLog.brokenLinks(on: connection) {
            report(nil, "audit log entry \(id) does not follow from the previous one (the audit log was edited)")
        }
        return ChainVerification(
            statements: count, erased: erased, head: Digest.hex(previous),
            problems: Array(problems.sorted { ($0.seq ?? .max) < ($1.seq ?? .max) }.prefix(ChainVerification.problemLimit)))
    }
}
