import TesseraLRS
import TesseraCrypto
import XAPI

/// SQL over the `documents` table: reads on a reader connection, changes on the writer's.
enum DocumentTable {
    private static let keyCondition = "kind = ?1 AND activity = ?2 AND agent = ?3 AND registration = ?4"

    /// The document `id` of `scope`, if stored.
    static func document(_ scope: DocumentScope, id: String, on connection: SQLiteConnection) throws -> StoredDocument? {
        let select = try connection.prepared(
            "SELECT content, content_type, etag, updated_ms FROM documents WHERE \(keyCondition) AND document_id = ?5")
        scope.bind(select)
        select.bind(5, id)
        guard try select.step() else { return nil }
        return StoredDocument(
            content: select.blob(0), contentType: select.text(1), etag: select.text(2),
            updated: XAPITimestamp(milliseconds: select.int64(3)))
    }

    /// The ids of the documents of `scope`, changed after `since` when given, in id order.
    static func ids(_ scope: DocumentScope, since: XAPITimestamp?, on connection: SQLiteConnection) throws -> [String] {
        let select = try connection.prepared(
            "SELECT document_id FROM documents WHERE \(keyCondition) AND updated_ms > ?5 ORDER BY document_id")
        scope.bind(select)
        select.bind(5, since?.milliseconds ?? Int64.min)
        var ids: [String] = []
        while try select.step() { ids.append(select.text(0)) }
        return ids
    }

    /// Applies `change` at `time` (milliseconds) as `DocumentChange.write(over:)` decides
    /// against the stored document. Throws `DocumentRejection` before writing anything.
    static func apply(_ change: DocumentChange, at time: Int64, on connection: SQLiteConnection) throws {
        var current: StoredDocument?
        if case .deleteAll = change.action {} else { current = try document(change.scope, id: change.id, on: connection) }
        switch try change.write(over: current) {
        case .deleteAll:
            let delete = try connection.prepared("DELETE FROM documents WHERE \(keyCondition)")
            change.scope.bind(delete)
            try delete.step()
        case .delete:
            let delete = try connection.prepared("DELETE FROM documents WHERE \(keyCondition) AND document_id = ?5")
            change.scope.bind(delete)
            delete.bind(5, change.id)
            try delete.step()
        case .store(let content, let contentType):
            try store(content, contentType: contentType, change, time, connection)
        }
    }

    private static func store(
        _ content: [UInt8], contentType: String, _ change: DocumentChange, _ time: Int64, _ connection: SQLiteConnection
    ) throws {
        try write(DocumentRecord(
            key: DocumentRecord.Key(change.scope, id: change.id), contentType: contentType, content: content,
            etag: Digest.hex(Digest.sha1(content)), updatedMilliseconds: time), on: connection)
    }

    /// Stores `record` as it is (ETag and time of last change included), replacing the
    /// document with its key.
    static func write(_ record: DocumentRecord, on connection: SQLiteConnection) throws {
        let upsert = try connection.prepared("""
            INSERT INTO documents (kind, activity, agent, registration, document_id, content_type, content, etag, updated_ms)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            ON CONFLICT (kind, activity, agent, registration, document_id) DO UPDATE SET
                content_type = excluded.content_type, content = excluded.content, etag = excluded.etag,
                updated_ms = excluded.updated_ms
            """)
        defer { upsert.reset() }
        upsert.bind(1, Int64(record.key.kind))
        upsert.bind(2, record.key.activity)
        upsert.bind(3, record.key.agent)
        upsert.bind(4, record.key.registration?.bytes ?? [])
        upsert.bind(5, record.key.documentID)
        upsert.bind(6, record.contentType)
        upsert.bind(7, record.content)
        upsert.bind(8, record.etag)
        upsert.bind(9, record.updatedMilliseconds)
        try upsert.step()
    }
}

extension DocumentScope {
    /// The key columns, in the primary key's order, as bound to `?` parameters 1–4.
    func bind(_ statement: SQLiteStatement) {
        statement.bind(1, kind.rawValue)
        statement.bind(2, activity ?? "")
        statement.bind(3, agent?.storageKey ?? "")
        statement.bind(4, registration?.bytes ?? [])
    }
}
