import Foundation
import Logging
import NIOCore
import PostgresNIO
import TesseraAnalytics
import TesseraCrypto
import TesseraLRS
import XAPI

/// The statements one write transaction stores, admitted batch by batch and then written by
/// one statement, whatever their number (`StatementRows`). Begun under the writers' lock: the
/// chain head, the last `seq`, the last `stored` time and the catalog version it reads are the
/// database's, and so is what it reads of the statements the group names.
struct StatementGroup {
    /// The storage time of everything the transaction writes: now, but never before the last
    /// statement stored by any node.
    let time: XAPITimestamp
    /// The stored catalog's version (0: none).
    let catalogVersion: Int64
    /// The last audit log entry's id (0: none).
    let auditHead: Int64
    private var lastSeq: Int64
    private var head: [UInt8]
    private var lookup: GroupLookup
    private var admitted: [(statement: PreparedStatement, delivered: Set<String>)] = []
    private var contents: [String: AttachmentContent] = [:]

    /// What the group knows of the statements its work names: read from the database once,
    /// then kept up to date as batches are admitted and written, so that a later batch of the
    /// group sees an earlier one as stored.
    private struct GroupLookup: AdmissionLookup {
        var bodies: [XAPIUUID: [UInt8]] = [:]
        var voiding: Set<XAPIUUID> = []
        var erased: Set<XAPIUUID> = []
        /// The seq of each stored statement named (written ones of the group included).
        var seqs: [XAPIUUID: Int64] = [:]
        /// Stored statements whose object is a StatementRef to one the group names: (seq,
        /// is voiding), by target.
        var referrers: [XAPIUUID: [(seq: Int64, voiding: Bool)]] = [:]

        func storedBody(of id: XAPIUUID) -> [UInt8]? { bodies[id] }
        func isErased(_ id: XAPIUUID) -> Bool { erased.contains(id) }
        func isStoredVoiding(_ id: XAPIUUID) -> Bool { voiding.contains(id) }
    }

    /// Reads the chain head, the catalog version and what is stored of the statements
    /// `statements` (and their targets), inside the current transaction.
    static func begin(admitting statements: [PreparedStatement], on connection: PostgresConnection, logger: Logger) async throws -> StatementGroup {
        var lastSeq: Int64 = 0, head = ChainLink.genesis, lastStored: Int64 = 0, catalogVersion: Int64 = 0, auditHead: Int64 = 0
        let heads = try await connection.query("""
            SELECT (SELECT seq FROM statement_chain ORDER BY seq DESC LIMIT 1), (SELECT chain FROM statement_chain ORDER BY seq DESC LIMIT 1),
                   GREATEST((SELECT MAX(stored_ms) FROM statements), (SELECT MAX(stored_ms) FROM erased_statements)),
                   (SELECT version FROM catalog WHERE id = 1), (SELECT MAX(id) FROM audit_log)
            """, logger: logger)
        for try await (seq, chain, stored, version, audit) in heads.decode((Int64?, ByteBuffer?, Int64?, Int64?, Int64?).self) {
            (lastSeq, head, lastStored, catalogVersion, auditHead) = (seq ?? 0, chain?.bytes ?? ChainLink.genesis, stored ?? 0, version ?? 0, audit ?? 0)
        }
        var lookup = GroupLookup()
        if !statements.isEmpty {
            let ids = statements.map(\.id.foundation)
            let named = Array(Set(ids + statements.compactMap { $0.keys.objectStatement?.foundation }))
            // kind 0: a stored statement; 1: an erased one; 2: a stored one that refers to one of `ids`.
            let rows = try await connection.query("""
                SELECT 0::smallint, id, seq, body, is_voiding FROM statements WHERE id = ANY(\(named))
                UNION ALL SELECT 1::smallint, id, seq, NULL, FALSE FROM erased_statements WHERE id = ANY(\(named))
                UNION ALL SELECT 2::smallint, object_statement, seq, NULL, is_voiding FROM statements WHERE object_statement = ANY(\(ids))
                """, logger: logger)
            for try await (kind, uuid, seq, body, isVoiding) in rows.decode((Int16, UUID, Int64, ByteBuffer?, Bool).self) {
                let id = XAPIUUID(uuid)
                switch kind {
                case 0:
                    lookup.bodies[id] = body?.bytes
                    lookup.seqs[id] = seq
                    if isVoiding { lookup.voiding.insert(id) }
                case 1: lookup.erased.insert(id)
                default: lookup.referrers[id, default: []].append((seq, isVoiding))
                }
            }
        }
        let time = XAPITimestamp(milliseconds: max(XAPITimestamp.now().milliseconds, lastStored))
        return StatementGroup(time: time, catalogVersion: catalogVersion, auditHead: auditHead, lastSeq: lastSeq, head: head, lookup: lookup)
    }

    private init(time: XAPITimestamp, catalogVersion: Int64, auditHead: Int64, lastSeq: Int64, head: [UInt8], lookup: GroupLookup) {
        self.time = time
        self.catalogVersion = catalogVersion
        self.auditHead = auditHead
        self.lastSeq = lastSeq
        self.head = head
        self.lookup = lookup
    }

    /// Admits a batch (`StatementAdmission`): throws `StoreRejection`, taking none of it, or
    /// takes its new statements. Attachment content is kept only for new statements that
    /// delivered it (a part with their attachment's hash).
    mutating func admit(_ batch: [PreparedStatement], attachments: [AttachmentContent]) throws {
        let fresh = try StatementAdmission.admissible(batch, lookup: lookup)
        let delivered = Set(attachments.map(\.sha2))
        var linked = Set<String>()
        for statement in fresh {
            let deliveredHere = Set(statement.attachmentHashes).intersection(delivered)
            linked.formUnion(deliveredHere)
            admitted.append((statement, deliveredHere))
            lookup.bodies[statement.id] = statement.body(storedAt: time)
            if statement.voids != nil { lookup.voiding.insert(statement.id) }
        }
        for attachment in attachments where linked.contains(attachment.sha2) { contents[attachment.sha2] = attachment }
    }

    /// Writes the statements admitted so far, with their references and their facts under
    /// `catalog`; returns how many there were. The group goes on from the new chain head.
    mutating func flush(
        catalog: CatalogIndex, memory: inout WriterMemory, on connection: PostgresConnection, logger: Logger
    ) async throws -> Int {
        guard !admitted.isEmpty else { return 0 }
        let count = admitted.count
        defer {
            admitted = []
            contents = [:]
        }
        for (offset, entry) in admitted.enumerated() { lookup.seqs[entry.statement.id] = lastSeq + 1 + Int64(offset) }
        // A statement is stored voided when a voiding statement already targets it: stored
        // earlier (they can arrive first) or in this flush.
        let voidedHere = Set(admitted.compactMap(\.statement.voids))
        var facts: [(LearningFactsOfStatement, seq: Int64)] = []
        var voided: [Bool] = []
        for (offset, entry) in admitted.enumerated() {
            let statement = entry.statement
            let isVoided = statement.voids == nil
                && (voidedHere.contains(statement.id) || lookup.referrers[statement.id]?.contains { $0.voiding } == true)
            voided.append(isVoided)
            if !isVoided, let fact = LearningFactsOfStatement(statement, storedAt: time.milliseconds, catalog: catalog) {
                facts.append((fact, lastSeq + 1 + Int64(offset)))
            }
        }
        let ids = try await Interned.ids(
            for: admitted.map(\.statement), terms: facts.reduce(into: Set<String>()) { $0.formUnion($1.0.terms) }, memory: &memory, on: connection,
            logger: logger)
        var rows = StatementRows()
        var chain = head
        for (offset, entry) in admitted.enumerated() {
            let seq = lastSeq + 1 + Int64(offset)
            let statement = entry.statement
            chain = rows.append(
                statement, seq: seq, stored: time.milliseconds, body: lookup.bodies[statement.id]!, after: chain, ids: ids,
                delivered: entry.delivered, voided: voided[offset])
            linkReferences(of: statement, at: seq, into: &rows)
        }
        for (fact, seq) in facts { rows.appendFacts(fact, seq: seq, ids: ids) }
        try await rows.write(on: connection, logger: logger)
        head = chain
        lastSeq += Int64(count)
        // Voiding statements whose targets were stored before this flush: those lose their facts.
        let targets = Array(voidedHere.subtracting(admitted.map(\.statement.id))).map(\.foundation)
        if !targets.isEmpty {
            let voided = try await column(
                Int64.self, "UPDATE statements SET voided = TRUE WHERE id = ANY(\(targets)) AND NOT voided RETURNING seq", on: connection, logger: logger)
            try await PostgresFacts.forget(seqs: voided, on: connection, logger: logger)
        }
        try await ActivityDefinitions.merge(
            admitted.flatMap(\.statement.definitions), ids: ids, memory: &memory, on: connection, logger: logger)
        try await Self.store(Array(contents.values), on: connection, logger: logger)
        return count
    }

    /// Stores attachment content, once per hash (content already stored stays as it is).
    static func store(_ attachments: [AttachmentContent], on connection: PostgresConnection, logger: Logger) async throws {
        guard !attachments.isEmpty else { return }
        try await connection.query("""
            INSERT INTO attachments (sha2, content_type, content)
            SELECT * FROM unnest(\(attachments.map(\.sha2))::text[], \(attachments.map(\.contentType))::text[],
                                 \(attachments.map { ByteBuffer(bytes: $0.content) })::bytea[])
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    /// Adds the direct references between the statement stored at `seq` and those stored
    /// before it, whichever of the two arrived first.
    private mutating func linkReferences(of statement: PreparedStatement, at seq: Int64, into rows: inout StatementRows) {
        if let target = statement.keys.objectStatement {
            if let targetSeq = lookup.seqs[target] {
                rows.reference(from: seq, to: targetSeq)
            } else {
                // Its target may come in a later flush of this transaction.
                lookup.referrers[target, default: []].append((seq, statement.voids != nil))
            }
        }
        for referrer in lookup.referrers[statement.id] ?? [] { rows.reference(from: referrer.seq, to: seq) }
    }

    /// Writes positions of a copied chain (`tessera copy`) right after the head: statements with
    /// the seq, stored time, body and voided flag they have in the source, tombstones as they
    /// are; each chained and checked against the source's chain value (`CopyMismatch`). Begun
    /// with `begin(admitting:)` on the records' statements. Returns how many statements.
    mutating func flush(
        copied records: [ChainRecord], catalog: CatalogIndex, memory: inout WriterMemory, on connection: PostgresConnection, logger: Logger
    ) async throws -> Int {
        let statements = records.compactMap { record -> CopiedStatement? in
            guard case .statement(let copied) = record else { return nil }
            return copied
        }
        for copied in statements { lookup.seqs[copied.statement.id] = copied.seq }
        let facts = statements.filter { !$0.voided }.compactMap { copied in
            LearningFactsOfStatement(copied.statement, storedAt: copied.storedMilliseconds, catalog: catalog).map { ($0, copied.seq) }
        }
        let ids = try await Interned.ids(
            for: statements.map(\.statement), terms: facts.reduce(into: Set<String>()) { $0.formUnion($1.0.terms) }, memory: &memory,
            on: connection, logger: logger)
        var rows = StatementRows()
        var chain = head, last = lastSeq
        for record in records {
            guard record.seq > last else { throw CopyMismatch("seq \(record.seq) is not after the target's last (\(last))") }
            switch record {
            case .statement(let copied):
                let stored = XAPITimestamp(milliseconds: copied.storedMilliseconds)
                chain = rows.append(
                    copied.statement, seq: copied.seq, stored: copied.storedMilliseconds, body: copied.statement.body(storedAt: stored),
                    after: chain, ids: ids, delivered: Set(copied.delivered), voided: copied.voided)
                linkReferences(of: copied.statement, at: copied.seq, into: &rows)
            case .erased(let erased):
                chain = rows.appendErased(erased, after: chain)
            }
            guard chain == record.chain else {
                throw CopyMismatch("the chain differs from the source's at seq \(record.seq): the statement stored there is not the source's")
            }
            last = record.seq
        }
        for (fact, seq) in facts { rows.appendFacts(fact, seq: seq, ids: ids) }
        try await rows.write(on: connection, logger: logger)
        head = chain
        lastSeq = last
        return statements.count
    }
}
