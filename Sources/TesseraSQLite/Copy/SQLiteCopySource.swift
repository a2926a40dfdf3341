import TesseraAnalytics
import TesseraLRS
import XAPI

/// A database file read by `tessera copy`, beside a server that may be running on it: each page
/// is read in one snapshot.
extension ReadOnlyStore: StoreCopySource {
    public func chainRecords(after seq: Int64, limit: Int) async throws -> [ChainRecord] {
        try connection.snapshot {
            let rows = try connection.prepared("""
                SELECT c.seq, c.content, c.chain, s.body, s.stored_ms, s.voided, e.id, e.stored_ms, e.erasure,
                       (SELECT group_concat(sha2, ' ') FROM statement_attachments a WHERE a.seq = c.seq)
                FROM statement_chain c LEFT JOIN statements s ON s.seq = c.seq LEFT JOIN erased_statements e ON e.seq = c.seq
                WHERE c.seq > ?1 ORDER BY c.seq LIMIT ?2
                """)
            defer { rows.reset() }
            rows.bind(1, seq)
            rows.bind(2, Int64(limit))
            var records: [ChainRecord] = []
            while try rows.step() {
                let seq = rows.int64(0)
                if !rows.isNull(3) {
                    guard let statement = PreparedStatement(copying: rows.blob(3)) else {
                        throw CopyMismatch("the source's statement at seq \(seq) cannot be read back: run tessera verify on it")
                    }
                    let delivered = rows.isNull(9) ? [] : rows.text(9).split(separator: " ").map(String.init)
                    records.append(.statement(CopiedStatement(
                        seq: seq, statement: statement, storedMilliseconds: rows.int64(4), voided: rows.int64(5) == 1, delivered: delivered,
                        chain: rows.blob(2))))
                } else if let id = rows.uuid(6) {
                    records.append(.erased(ErasedStatement(
                        seq: seq, id: id, storedMilliseconds: rows.int64(7), erasure: rows.int64(8), content: rows.blob(1), chain: rows.blob(2))))
                } else {
                    throw CopyMismatch("the source's chain has a position (seq \(seq)) with neither a statement nor a tombstone: run tessera verify on it")
                }
            }
            return records
        }
    }

    public func documentRecords(after key: DocumentRecord.Key?, limit: Int) async throws -> [DocumentRecord] {
        let rows = try connection.prepared("""
            SELECT kind, activity, agent, registration, document_id, content_type, content, etag, updated_ms FROM documents
            WHERE (kind, activity, agent, registration, document_id) > (?1, ?2, ?3, ?4, ?5)
            ORDER BY kind, activity, agent, registration, document_id LIMIT ?6
            """)
        defer { rows.reset() }
        rows.bind(1, Int64(key?.kind ?? 0))
        rows.bind(2, key?.activity ?? "")
        rows.bind(3, key?.agent ?? "")
        rows.bind(4, key?.registration?.bytes ?? [])
        rows.bind(5, key?.documentID ?? "")
        rows.bind(6, Int64(limit))
        var records: [DocumentRecord] = []
        while try rows.step() {
            let key = DocumentRecord.Key(
                kind: Int(rows.int64(0)), activity: rows.text(1), agent: rows.text(2), registration: XAPIUUID(bytes: rows.blob(3)),
                documentID: rows.text(4))
            records.append(DocumentRecord(
                key: key, contentType: rows.text(5), content: rows.blob(6), etag: rows.text(7), updatedMilliseconds: rows.int64(8)))
        }
        return records
    }

    public func definitionRecords() async throws -> [(iri: String, definition: [UInt8])] {
        let rows = try connection.prepared(
            "SELECT a.iri, d.definition FROM activity_definitions d JOIN activities a ON a.id = d.activity_id ORDER BY a.iri")
        defer { rows.reset() }
        var records: [(iri: String, definition: [UInt8])] = []
        while try rows.step() { records.append((rows.text(0), rows.blob(1))) }
        return records
    }

    public func attachmentRecords(after sha2: String, limit: Int) async throws -> [AttachmentContent] {
        let rows = try connection.prepared("SELECT sha2, content_type, content FROM attachments WHERE sha2 > ? ORDER BY sha2 LIMIT ?")
        defer { rows.reset() }
        rows.bind(1, sha2)
        rows.bind(2, Int64(limit))
        var records: [AttachmentContent] = []
        while try rows.step() { records.append(AttachmentContent(sha2: rows.text(0), contentType: rows.text(1), content: rows.blob(2))) }
        return records
    }
}
