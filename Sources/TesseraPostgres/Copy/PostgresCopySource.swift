import Foundation
import NIOCore
import PostgresNIO
import TesseraLRS
import XAPI

/// A PostgreSQL database read by `tessera copy`, beside the nodes that may be serving it: each
/// page is read in one snapshot.
extension PostgresStore: StoreCopySource {
    public func chainRecords(after seq: Int64, limit: Int) async throws -> [ChainRecord] {
        // The joined tables are bounded too: else the planner merges them from their first row.
        try await snapshot(on: client, logger: logger) { [logger] connection in
            let rows = try await connection.query("""
                SELECT c.seq, c.content, c.chain, s.body, s.stored_ms, s.voided, e.id, e.stored_ms, e.erasure,
                       (SELECT string_agg(sha2, ' ') FROM statement_attachments a WHERE a.seq = c.seq)
                FROM statement_chain c LEFT JOIN statements s ON s.seq = c.seq AND s.seq > \(seq)
                     LEFT JOIN erased_statements e ON e.seq = c.seq AND e.seq > \(seq)
                WHERE c.seq > \(seq) ORDER BY c.seq LIMIT \(limit)
                """, logger: logger)
            var records: [ChainRecord] = []
            for try await (seq, content, chain, body, stored, voided, erasedID, erasedStored, erasure, delivered) in rows.decode(
                (Int64, ByteBuffer, ByteBuffer, ByteBuffer?, Int64?, Bool?, UUID?, Int64?, Int64?, String?).self)
            {
                if let body, let stored {
                    guard let statement = PreparedStatement(copying: body.bytes) else {
                        throw CopyMismatch("the source's statement at seq \(seq) cannot be read back: run tessera verify on it")
                    }
                    records.append(.statement(CopiedStatement(
                        seq: seq, statement: statement, storedMilliseconds: stored, voided: voided ?? false,
                        delivered: delivered?.split(separator: " ").map(String.init) ?? [], chain: chain.bytes)))
                } else if let erasedID, let erasedStored, let erasure {
                    records.append(.erased(ErasedStatement(
                        seq: seq, id: XAPIUUID(erasedID), storedMilliseconds: erasedStored, erasure: erasure, content: content.bytes,
                        chain: chain.bytes)))
                } else {
                    throw CopyMismatch("the source's chain has a position (seq \(seq)) with neither a statement nor a tombstone: run tessera verify on it")
                }
            }
            return records
        }
    }

    public func documentRecords(after key: DocumentRecord.Key?, limit: Int) async throws -> [DocumentRecord] {
        let kind = key?.kind ?? 0, activity = key?.activity ?? "", agent = key?.agent ?? ""
        let registration = key?.registration?.description ?? "", documentID = key?.documentID ?? ""
        let rows = try await client.query("""
            SELECT kind, activity, agent, registration, document_id, content_type, content, etag, updated_ms FROM documents
            WHERE (kind, activity, agent, registration, document_id) > (\(kind), \(activity), \(agent), \(registration), \(documentID))
            ORDER BY kind, activity, agent, registration, document_id LIMIT \(limit)
            """, logger: logger)
        var records: [DocumentRecord] = []
        for try await (kind, activity, agent, registration, documentID, contentType, content, etag, updated) in rows.decode(
            (Int16, String, String, String, String, String, ByteBuffer, String, Int64).self)
        {
            let key = DocumentRecord.Key(
                kind: Int(kind), activity: activity, agent: agent, registration: XAPIUUID(registration), documentID: documentID)
            records.append(DocumentRecord(key: key, contentType: contentType, content: content.bytes, etag: etag, updatedMilliseconds: updated))
        }
        return records
    }

    public func definitionRecords() async throws -> [(iri: String, definition: [UInt8])] {
        let rows = try await client.query(
            "SELECT a.iri, d.definition FROM activity_definitions d JOIN activities a ON a.id = d.activity_id ORDER BY a.iri", logger: logger)
        var records: [(iri: String, definition: [UInt8])] = []
        for try await (iri, definition) in rows.decode((String, ByteBuffer).self) { records.append((iri, definition.bytes)) }
        return records
    }

    public func attachmentRecords(after sha2: String, limit: Int) async throws -> [AttachmentContent] {
        let rows = try await client.query(
            "SELECT sha2, content_type, content FROM attachments WHERE sha2 > \(sha2) ORDER BY sha2 LIMIT \(limit)", logger: logger)
        var records: [AttachmentContent] = []
        for try await (sha2, contentType, content) in rows.decode((String, String, ByteBuffer).self) {
            records.append(AttachmentContent(sha2: sha2, contentType: contentType, content: content.bytes))
        }
        return records
    }
}
