import Logging
import NIOCore
import PostgresNIO
import TesseraLRS
import XAPI

/// The store on a PostgreSQL database that several Tessera nodes may share: reads go to the
/// pool, writes to this node's `PostgresWriter`, whose transactions take turns with every other
/// node's on an advisory lock.
public final class PostgresStore: StatementStore, DocumentStore {
    private let database: PostgresStorage
    private let writer: PostgresWriter
    private var logger: Logger { database.logger }
    private static let dialect = StatementQueryPlan.Dialect(drivingJoin: "JOIN")

    /// The store on `database` (already migrated).
    public init(database: PostgresStorage, observer: (any WriterObserver)? = nil) {
        self.database = database
        writer = PostgresWriter(database: database, observer: observer)
    }

    /// Commits what is queued and stops taking writes (the database stays open).
    public func close() async {
        await writer.stop()
    }

    public func store(_ batch: [PreparedStatement], attachments: [AttachmentContent]) async throws {
        try await writer.store(batch, attachments: attachments)
    }

    public func statement(id: XAPIUUID, voided: Bool, authority: InverseFunctionalIdentifier?) async throws -> StoredStatement? {
        let rows = try await database.client.query("""
            SELECT s.body, s.stored_ms FROM statements s LEFT JOIN agents a ON a.id = s.authority_id
            WHERE s.id = \(id.foundation) AND s.voided = \(voided) AND (\(authority?.storageKey)::text IS NULL OR a.ifi = \(authority?.storageKey))
            """, logger: logger)
        for try await (body, stored) in rows.decode((ByteBuffer, Int64).self) {
            return StoredStatement(body: body.bytes, stored: XAPITimestamp(milliseconds: stored))
        }
        return nil
    }

    public func query(_ query: StatementQuery) async throws -> StatementPage {
        guard let plan = try await plan(query) else { return .empty }
        // `stored` never decreases along `seq`: a time window is a range of seq.
        var above: Int64?, upTo: Int64?
        if let since = query.since { above = try await lastSeq(storedAtOrBefore: since) ?? 0 }
        if let until = query.until {
            guard let last = try await lastSeq(storedAtOrBefore: until) else { return .empty }
            upTo = last
        }
        let commands = plan.commands(above: above, upTo: upTo)
        let direct = try await rows(commands.direct)
        let targeting = if let command = commands.targeting { try await rows(command) } else { [StatementQueryPlan.Row]() }
        return plan.page(direct: direct, targeting: targeting)
    }

    /// The plan for `query`, its keys looked up; nil when nothing can match.
    private func plan(_ query: StatementQuery) async throws -> StatementQueryPlan? {
        var ids: [StatementQueryPlan.Lookup: Int64] = [:]
        for lookup in StatementQueryPlan.lookups(query) {
            var key = PostgresBindings()
            key.append(lookup.key)
            let rows = try await database.client.query(
                PostgresQuery(unsafeSQL: lookup.sql.replacing("?", with: "$1"), binds: key), logger: logger)
            var found: Int64?
            for try await id in rows.decode(Int64.self) { found = id }
            guard let found else { return nil }
            ids[lookup] = found
        }
        return StatementQueryPlan(query, ids: ids, dialect: Self.dialect)
    }

    private func lastSeq(storedAtOrBefore time: XAPITimestamp) async throws -> Int64? {
        let rows = try await database.client.query(
            StatementQueryPlan.Command(sql: StatementQueryPlan.lastSeqStoredAtOrBefore, bindings: [.integer(time.milliseconds)]).postgres,
            logger: logger)
        for try await seq in rows.decode(Int64.self) { return seq }
        return nil
    }

    private func rows(_ command: StatementQueryPlan.Command) async throws -> [StatementQueryPlan.Row] {
        let result = try await database.client.query(command.postgres, logger: logger)
        var rows: [StatementQueryPlan.Row] = []
        var bytes = 0
        for try await (seq, body, stored) in result.decode((Int64, ByteBuffer, Int64).self) {
            guard StatementQueryPlan.wantsMore(afterBytes: bytes) else { break }
            rows.append(StatementQueryPlan.Row(seq: seq, body: body.bytes, stored: stored))
            bytes += body.readableBytes
        }
        return rows
    }

    public func attachments(_ hashes: [String], deliveredUnder authority: InverseFunctionalIdentifier?) async throws -> [AttachmentContent] {
        guard !hashes.isEmpty else { return [] }
        let rows = try await database.client.query("""
            SELECT a.sha2, a.content_type, a.content FROM attachments a WHERE a.sha2 = ANY(\(hashes))
              AND (\(authority?.storageKey)::text IS NULL OR EXISTS (
                SELECT 1 FROM statement_attachments sa JOIN statements s ON s.seq = sa.seq JOIN agents g ON g.id = s.authority_id
                WHERE sa.sha2 = a.sha2 AND g.ifi = \(authority?.storageKey)))
            """, logger: logger)
        var found: [String: AttachmentContent] = [:]
        for try await (sha2, contentType, content) in rows.decode((String, String, ByteBuffer).self) {
            found[sha2] = AttachmentContent(sha2: sha2, contentType: contentType, content: content.bytes)
        }
        return hashes.compactMap { found[$0] }
    }

    public func activityDefinitions(_ iris: [String]) async throws -> [String: [UInt8]] {
        guard !iris.isEmpty else { return [:] }
        let rows = try await database.client.query("""
            SELECT a.iri, d.definition FROM activities a JOIN activity_definitions d ON d.activity_id = a.id WHERE a.iri = ANY(\(iris))
            """, logger: logger)
        var definitions: [String: [UInt8]] = [:]
        for try await (iri, definition) in rows.decode((String, ByteBuffer).self) { definitions[iri] = definition.bytes }
        return definitions
    }

    public func document(_ scope: DocumentScope, id: String) async throws -> StoredDocument? {
        try await PostgresDocuments.document(scope, id: id, on: database.client, logger: logger)
    }

    public func documentIDs(_ scope: DocumentScope, since: XAPITimestamp?) async throws -> [String] {
        try await PostgresDocuments.ids(scope, since: since, on: database.client, logger: logger)
    }

    public func apply(_ change: DocumentChange) async throws {
        try await writer.apply(change)
    }
}
