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

    /// Applies `change` at `time` (milliseconds), after checking its precondition against the
    /// stored document. Throws `DocumentRejection` before writing anything.
    static func apply(_ change: DocumentChange, at time: Int64, on connection: SQLiteConnection) throws {
        if case .deleteAll = change.action {
            let delete = try connection.prepared("DELETE FROM documents WHERE \(keyCondition)")
            change.scope.bind(delete)
            try delete.step()
            return
        }
        let current = try document(change.scope, id: change.id, on: connection)
        try change.precondition.check(current: current?.etag)
        switch change.action {
        case .delete:
            let delete = try connection.prepared("DELETE FROM documents WHERE \(keyCondition) AND document_id = ?5")
            change.scope.bind(delete)
            delete.bind(5, change.id)
            try delete.step()
        case .replace(let content, let contentType):
            try store(content, contentType: contentType, change, time, connection)
        case .merge(let content, let contentType):
            guard let current else {
                if DocumentChange.isJSONMediaType(contentType) { _ = try jsonObject(content, "the document sent") }
                return try store(content, contentType: contentType, change, time, connection)
            }
            guard current.isJSON else {
                throw DocumentRejection.notMergeable("the stored document is not application/json, so a POST cannot merge into it")
            }
            guard DocumentChange.isJSONMediaType(contentType) else {
                throw DocumentRejection.notMergeable("a POST merging into a JSON document must send application/json")
            }
            _ = try jsonObject(current.content, "the stored document")
            // xAPI's document merge: top-level members replaced whole.
            guard let merged = JSONMerge.merge(content, into: current.content) else {
                throw DocumentRejection.notMergeable("the document sent is not a JSON object")
            }
            try store(merged, contentType: current.contentType, change, time, connection)
        case .deleteAll:
            break
        }
    }

    private static func store(
        _ content: [UInt8], contentType: String, _ change: DocumentChange, _ time: Int64, _ connection: SQLiteConnection
    ) throws {
        let upsert = try connection.prepared("""
            INSERT INTO documents (kind, activity, agent, registration, document_id, content_type, content, etag, updated_ms)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            ON CONFLICT (kind, activity, agent, registration, document_id) DO UPDATE SET
                content_type = excluded.content_type, content = excluded.content, etag = excluded.etag,
                updated_ms = excluded.updated_ms
            """)
        change.scope.bind(upsert)
        upsert.bind(5, change.id)
        upsert.bind(6, contentType)
        upsert.bind(7, content)
        upsert.bind(8, Digest.hex(Digest.sha1(content)))
        upsert.bind(9, time)
        try upsert.step()
    }

    private static func jsonObject(_ bytes: [UInt8], _ name: String) throws(DocumentRejection) -> JSONValue {
        guard let document = try? JSONDocument.parse(bytes), document.root.kind == .object else {
            throw .notMergeable("\(name) is not a JSON object")
        }
        return document.root
    }
}
