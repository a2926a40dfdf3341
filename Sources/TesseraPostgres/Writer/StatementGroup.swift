import Foundation
import Logging
import NIOCore
import PostgresNIO
import TesseraAnalytics
import TesseraCrypto
import TesseraLRS
import XAPI

/// The statements one write transaction stores, admitted batch by batch and then written with
/// one set-based query per table, whatever their number. Begun under the writers' lock: the
/// chain head, the last `seq` and the last `stored` time it reads are the database's.
struct StatementGroup {
    /// The storage time of everything the transaction writes: now, but never before the last
    /// statement stored by any node.
    let time: XAPITimestamp
    private var lastSeq: Int64
    private var head: [UInt8]
    private var lookup: GroupLookup
    private var admitted: [(statement: PreparedStatement, delivered: Set<String>)] = []
    private var contents: [String: AttachmentContent] = [:]

    /// What admission knows of the statements the group's work names: read from the database
    /// once, then kept up to date as batches are admitted, so that a later batch of the group
    /// sees an earlier one as stored.
    private struct GroupLookup: AdmissionLookup {
        var bodies: [XAPIUUID: [UInt8]] = [:]
        var voiding: Set<XAPIUUID> = []
        var erased: Set<XAPIUUID> = []

        func storedBody(of id: XAPIUUID) -> [UInt8]? { bodies[id] }
        func isErased(_ id: XAPIUUID) -> Bool { erased.contains(id) }
        func isStoredVoiding(_ id: XAPIUUID) -> Bool { voiding.contains(id) }
    }

    /// Reads the chain head and what is stored of `ids`, inside the current transaction.
    static func begin(admitting ids: [XAPIUUID], on connection: PostgresConnection, logger: Logger) async throws -> StatementGroup {
        var lastSeq: Int64 = 0, head = ChainLink.genesis, lastStored: Int64 = 0
        let heads = try await connection.query("""
            SELECT c.seq, c.chain, GREATEST((SELECT MAX(stored_ms) FROM statements), (SELECT MAX(stored_ms) FROM erased_statements))
            FROM (SELECT seq, chain FROM statement_chain ORDER BY seq DESC LIMIT 1) c
            """, logger: logger)
        for try await (seq, chain, stored) in heads.decode((Int64, ByteBuffer, Int64?).self) {
            (lastSeq, head, lastStored) = (seq, chain.bytes, stored ?? 0)
        }
        var lookup = GroupLookup()
        if !ids.isEmpty {
            let uuids = Array(Set(ids)).map(\.foundation)
            let stored = try await connection.query(
                "SELECT id, body, is_voiding FROM statements WHERE id = ANY(\(uuids))", logger: logger)
            for try await (id, body, isVoiding) in stored.decode((UUID, ByteBuffer, Bool).self) {
                lookup.bodies[XAPIUUID(id)] = body.bytes
                if isVoiding { lookup.voiding.insert(XAPIUUID(id)) }
            }
            let erased = try await connection.query("SELECT id FROM erased_statements WHERE id = ANY(\(uuids))", logger: logger)
            for try await id in erased.decode(UUID.self) { lookup.erased.insert(XAPIUUID(id)) }
        }
        let time = XAPITimestamp(milliseconds: max(XAPITimestamp.now().milliseconds, lastStored))
        return StatementGroup(time: time, lastSeq: lastSeq, head: head, lookup: lookup)
    }

    private init(time: XAPITimestamp, lastSeq: Int64, head: [UInt8], lookup: GroupLookup) {
        self.time = time
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

    /// Writes the statements admitted so far, and their facts under `catalog`; returns how many
    /// there were. The group goes on from the new chain head.
    mutating func flush(catalog: CatalogIndex, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        guard !admitted.isEmpty else { return 0 }
        defer {
            lastSeq += Int64(admitted.count)
            admitted = []
            contents = [:]
        }
        let ids = try await Interned.ids(for: admitted.map(\.statement), on: connection, logger: logger)
        var rows = StatementRows()
        let newIDs = admitted.map(\.statement.id.foundation)
        // Statements stored earlier may void these (a voiding statement can arrive first).
        var voidedEarlier = Set<UUID>()
        let targeted = try await connection.query(
            "SELECT object_statement FROM statements WHERE is_voiding AND object_statement = ANY(\(newIDs))", logger: logger)
        for try await id in targeted.decode(UUID.self) { voidedEarlier.insert(id) }
        var chain = head
        var facts: [PostgresFacts.Stored] = []
        for (offset, entry) in admitted.enumerated() {
            let seq = lastSeq + 1 + Int64(offset)
            let body = lookup.bodies[entry.statement.id]!
            let voided = entry.statement.voids == nil && voidedEarlier.contains(entry.statement.id.foundation)
            chain = rows.append(entry.statement, seq: seq, body: body, after: chain, ids: ids, delivered: entry.delivered, voided: voided)
            if !voided { facts.append(PostgresFacts.Stored(statement: entry.statement, seq: seq, storedAt: time.milliseconds)) }
        }
        head = chain
        try await rows.insert(storedAt: time, on: connection, logger: logger)
        try await PostgresFacts.record(facts, ids: ids, catalog: catalog, on: connection, logger: logger)
        let targets = admitted.compactMap(\.statement.voids).map(\.foundation)
        if !targets.isEmpty {
            // Voided statements never count in analytics.
            let voided = try await column(
                Int64.self, "UPDATE statements SET voided = TRUE WHERE id = ANY(\(targets)) AND NOT voided RETURNING seq", on: connection, logger: logger)
            try await PostgresFacts.forget(seqs: voided, on: connection, logger: logger)
        }
        // Direct references, whichever of the two statements arrived first.
        try await connection.query("""
            INSERT INTO statement_refs (referrer, target)
            SELECT r.seq, t.seq FROM statements r JOIN statements t ON t.id = r.object_statement WHERE r.seq > \(lastSeq)
            UNION SELECT r.seq, t.seq FROM statements t JOIN statements r ON r.object_statement = t.id WHERE t.seq > \(lastSeq)
            ON CONFLICT DO NOTHING
            """, logger: logger)
        try await ActivityDefinitions.merge(admitted.flatMap(\.statement.definitions), ids: ids, on: connection, logger: logger)
        if !contents.isEmpty {
            let content = Array(contents.values)
            try await connection.query("""
                INSERT INTO attachments (sha2, content_type, content)
                SELECT * FROM unnest(\(content.map(\.sha2))::text[], \(content.map(\.contentType))::text[], \(content.map { ByteBuffer(bytes: $0.content) })::bytea[])
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        return admitted.count
    }
}
