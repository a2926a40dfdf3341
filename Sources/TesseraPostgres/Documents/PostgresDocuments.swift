import Logging
import NIOCore
import PostgresNIO
import TesseraCrypto
import TesseraLRS
import XAPI

/// SQL over the `documents` table (Schemas/postgres/0002).
enum PostgresDocuments {
    /// The document `id` of `scope`, if stored.
    static func document(_ scope: DocumentScope, id: String, on connection: some PostgresQueryRunner, logger: Logger) async throws -> StoredDocument? {
        let key = scope.key
        let rows = try await connection.run("""
            SELECT content, content_type, etag, updated_ms FROM documents
            WHERE kind = \(key.kind) AND activity = \(key.activity) AND agent = \(key.agent) AND registration = \(key.registration)
              AND document_id = \(id)
            """, logger: logger)
        var document: StoredDocument?
        for try await (content, contentType, etag, updated) in rows.decode((ByteBuffer, String, String, Int64).self) {
            document = StoredDocument(content: content.bytes, contentType: contentType, etag: etag, updated: XAPITimestamp(milliseconds: updated))
        }
        return document
    }

    /// The ids of the documents of `scope`, changed after `since` when given, in id order.
    static func ids(_ scope: DocumentScope, since: XAPITimestamp?, on connection: some PostgresQueryRunner, logger: Logger) async throws -> [String] {
        let key = scope.key
        let rows = try await connection.run("""
            SELECT document_id FROM documents
            WHERE kind = \(key.kind) AND activity = \(key.activity) AND agent = \(key.agent) AND registration = \(key.registration)
              AND updated_ms > \(since?.milliseconds ?? Int64.min) ORDER BY document_id COLLATE "C"
            """, logger: logger)
        var ids: [String] = []
        for try await id in rows.decode(String.self) { ids.append(id) }
        return ids
    }

    /// Applies `change` at `time` as `DocumentChange.write(over:)` decides against the stored
    /// document, inside the writer's transaction (under its lock). Throws `DocumentRejection`
    /// before writing anything.
    static func apply(_ change: DocumentChange, at time: XAPITimestamp, on connection: PostgresConnection, logger: Logger) async throws {
        var current: StoredDocument?
        if case .deleteAll = change.action {} else { current = try await document(change.scope, id: change.id, on: connection, logger: logger) }
        let key = change.scope.key
        switch try change.write(over: current) {
        case .deleteAll:
            try await connection.query("""
                DELETE FROM documents
                WHERE kind = \(key.kind) AND activity = \(key.activity) AND agent = \(key.agent) AND registration = \(key.registration)
                """, logger: logger)
        case .delete:
            try await connection.query("""
                DELETE FROM documents
                WHERE kind = \(key.kind) AND activity = \(key.activity) AND agent = \(key.agent) AND registration = \(key.registration)
                  AND document_id = \(change.id)
                """, logger: logger)
        case .store(let content, let contentType):
            try await write([DocumentRecord(
                key: DocumentRecord.Key(change.scope, id: change.id), contentType: contentType, content: content,
                etag: Digest.hex(Digest.sha1(content)), updatedMilliseconds: time.milliseconds)], on: connection, logger: logger)
        }
    }

    /// Stores `records` as they are (ETags and times of last change included), each replacing
    /// the document with its key.
    static func write(_ records: [DocumentRecord], on connection: PostgresConnection, logger: Logger) async throws {
        let keys = records.map(\.key)
        try await connection.query("""
            INSERT INTO documents (kind, activity, agent, registration, document_id, content_type, content, etag, updated_ms)
            SELECT * FROM unnest(\(keys.map { Int16($0.kind) })::smallint[], \(keys.map(\.activity))::text[], \(keys.map(\.agent))::text[],
                                 \(keys.map { $0.registration?.description ?? "" })::text[], \(keys.map(\.documentID))::text[],
                                 \(records.map(\.contentType))::text[], \(records.map { ByteBuffer(bytes: $0.content) })::bytea[],
                                 \(records.map(\.etag))::text[], \(records.map(\.updatedMilliseconds))::bigint[])
            ON CONFLICT (kind, activity, agent, registration, document_id) DO UPDATE SET
                content_type = excluded.content_type, content = excluded.content, etag = excluded.etag, updated_ms = excluded.updated_ms
            """, logger: logger)
    }
}

extension DocumentScope {
    /// The key columns' values ('' for those the kind does not use).
    fileprivate var key: (kind: Int16, activity: String, agent: String, registration: String) {
        (Int16(kind.rawValue), activity ?? "", agent?.storageKey ?? "", registration?.description ?? "")
    }
}

/// Something queries run on: the pool (a connection per query) or one connection (inside a
/// transaction).
protocol PostgresQueryRunner: Sendable {
    func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence
}

extension PostgresClient: PostgresQueryRunner {
    func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}

extension PostgresConnection: PostgresQueryRunner {
    func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}
