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
        try append(seq: seq, content: Digest.sha256(body), on: connection)
    }

    /// Extends the chain with a position at `seq` (after `lastSeq`) whose content hash is
    /// `content` (a copied tombstone's: its body is gone).
    func append(seq: Int64, content: [UInt8], on connection: SQLiteConnection) throws {
        let chain = ChainLink.link(head, content)
        let insert = try connection.prepared("INSERT INTO statement_chain (seq, content, chain) VALUES (?, ?, ?)")
        insert.bind(1, seq)
        insert.bind(2, content)
        insert.bind(3, chain)
        try insert.step()
        head = chain
        lastSeq = seq
    }

    /// The chain value and seq of the chain's last position (`ChainLink.genesis` and 0: none).
    static func storedHead(on connection: SQLiteConnection) throws -> ([UInt8], Int64) {
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
    /// Re-checks the whole chain and the audit log's (`ChainVerifier`).
    static func verify(on connection: SQLiteConnection) throws -> ChainVerification {
        var verifier = ChainVerifier()
        let rows = try connection.prepared(ChainVerifier.chainRowsSQL)
        while verifier.wantsMore, try rows.step() {
            verifier.check(
                seq: rows.int64(0), content: rows.blob(1), chain: rows.blob(2),
                stored: ChainVerifier.stored(
                    isStatement: rows.int64(3) == 1, body: rows.int64(3) == 1 ? rows.blob(4) : nil, isTombstone: rows.int64(5) == 1,
                    erasureRecorded: rows.int64(6) == 1))
        }
        rows.reset()
        let unchained = try connection.prepared(ChainVerifier.unchainedSQL)
        unchained.bind(1, Int64(ChainVerification.problemLimit))
        while try unchained.step() { verifier.unchained(seq: unchained.int64(0)) }
        unchained.reset()
        verifier.checkAuditLog(try AuditLog.entries(on: connection))
        return verifier.result
    }
}
