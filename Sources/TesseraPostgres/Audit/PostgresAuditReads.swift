import Logging
import NIOCore
import PostgresNIO
import TesseraLRS

/// The audit records as read back: the export's records, the audit log and the chain check.
enum PostgresAuditReads {
    /// The seq of the last statement chained (0 for none), erased or not.
    static func lastSeq(on client: PostgresClient, logger: Logger) async throws -> Int64 {
        try await column(Int64.self, "SELECT COALESCE(MAX(seq), 0) FROM statement_chain", on: client, logger: logger).first ?? 0
    }

    /// Up to `limit` export records with seq in (after, through] that `filter` admits, in
    /// storage order: statements, and the tombstones of erased ones unless the filter looks
    /// into content.
    static func records(
        after: Int64, through: Int64, filter: ExportFilter, limit: Int, on client: PostgresClient, logger: Logger
    ) async throws -> [ExportRecord] {
        var records: [ExportRecord] = []
        if let plan = try await PostgresStatementReads.plan(filter.contentQuery, dialect: PostgresStatementReads.dialect, on: client, logger: logger) {
            let command = filter.storedRecordsCommand(plan: plan, after: after, through: through, limit: limit)
            let rows = try await client.query(command.postgres, logger: logger)
            for try await (seq, chain, content, voided, body) in rows.decode((Int64, ByteBuffer, ByteBuffer, Bool, ByteBuffer).self) {
                records.append(ExportRecord(seq: seq, chain: chain.bytes, content: content.bytes, voided: voided, body: body.bytes, erasure: nil))
            }
        }
        guard !filter.filtersContent else { return records }
        let tombstones = try await client.query(PostgresQuery.numbered(
            ExportFilter.tombstoneRecordsSQL,
            [.integer(after), .integer(through), .integer(filter.since ?? Int64.min), .integer(filter.until ?? Int64.max), .integer(Int64(limit))]),
            logger: logger)
        var erased: [ExportRecord] = []
        for try await (seq, chain, content, erasure) in tombstones.decode((Int64, ByteBuffer, ByteBuffer, Int64).self) {
            erased.append(ExportRecord(seq: seq, chain: chain.bytes, content: content.bytes, voided: false, body: nil, erasure: erasure))
        }
        guard !erased.isEmpty else { return records }
        return Array((records + erased).sorted { $0.seq < $1.seq }.prefix(limit))
    }

    /// The chain rows of the statements at `seqs` (those there are).
    static func chainRows(_ seqs: [Int64], on client: PostgresClient, logger: Logger) async throws -> [Int64: ChainRow] {
        var rows: [Int64: ChainRow] = [:]
        let result = try await client.query("SELECT seq, content, chain FROM statement_chain WHERE seq = ANY(\(seqs))", logger: logger)
        for try await (seq, content, chain) in result.decode((Int64, ByteBuffer, ByteBuffer).self) {
            rows[seq] = ChainRow(content: content.bytes, chain: chain.bytes)
        }
        return rows
    }

    /// The audit log, oldest entry first.
    static func auditLog(on runner: some PostgresQueryRunner, logger: Logger) async throws -> [AuditEntry] {
        var entries: [AuditEntry] = []
        let rows = try await runner.run("SELECT id, entry, chain FROM audit_log ORDER BY id", logger: logger)
        for try await (id, entry, chain) in rows.decode((Int64, ByteBuffer, ByteBuffer).self) {
            entries.append(AuditEntry(id: id, entry: entry.bytes, chain: chain.bytes))
        }
        return entries
    }

    /// Re-checks the hash chain and the audit log's (`ChainVerifier`) in one snapshot
    /// (a repeatable-read transaction), so that writes meanwhile do not look like damage.
    static func verifyChain(on client: PostgresClient, logger: Logger) async throws -> ChainVerification {
        try await snapshot(on: client, logger: logger) { connection in
            var verifier = ChainVerifier()
            let rows = try await connection.query(PostgresQuery(unsafeSQL: ChainVerifier.chainRowsSQL), logger: logger)
            for try await (seq, content, chain, isStatement, body, isTombstone, recorded)
                in rows.decode((Int64, ByteBuffer, ByteBuffer, Bool, ByteBuffer?, Bool, Bool).self)
            {
                guard verifier.wantsMore else { continue }
                verifier.check(
                    seq: seq, content: content.bytes, chain: chain.bytes,
                    stored: ChainVerifier.stored(isStatement: isStatement, body: body?.bytes, isTombstone: isTombstone, erasureRecorded: recorded))
            }
            let unchained = try await column(
                Int64.self, PostgresQuery.numbered(ChainVerifier.unchainedSQL, [.integer(Int64(ChainVerification.problemLimit))]),
                on: connection, logger: logger)
            for seq in unchained { verifier.unchained(seq: seq) }
            verifier.checkAuditLog(try await auditLog(on: connection, logger: logger))
            return verifier.result
        }
    }
}
