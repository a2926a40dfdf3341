import Logging
import NIOCore
import PostgresNIO
import TesseraLRS
import XAPI

/// The Statement resource's reads: `StatementQueryPlan`s run on the pool.
enum PostgresStatementReads {
    static let dialect = StatementQueryPlan.Dialect(drivingJoin: "JOIN")

    /// Runs a Statement resource query.
    static func query(_ query: StatementQuery, on client: PostgresClient, logger: Logger) async throws -> StatementPage {
        guard let plan = try await plan(query, dialect: dialect, on: client, logger: logger) else { return .empty }
        // `stored` never decreases along `seq`: a time window is a range of seq.
        var above: Int64?, upTo: Int64?
        if let since = query.since { above = try await lastSeq(storedAtOrBefore: since, on: client, logger: logger) ?? 0 }
        if let until = query.until {
            guard let last = try await lastSeq(storedAtOrBefore: until, on: client, logger: logger) else { return .empty }
            upTo = last
        }
        let commands = plan.commands(above: above, upTo: upTo)
        let direct = try await rows(commands.direct, on: client, logger: logger)
        let targeting = if let command = commands.targeting { try await rows(command, on: client, logger: logger) } else { [StatementQueryPlan.Row]() }
        return plan.page(direct: direct, targeting: targeting)
    }

    /// The plan for `query`, its keys looked up; nil when nothing can match.
    static func plan(
        _ query: StatementQuery, dialect: StatementQueryPlan.Dialect, on client: PostgresClient, logger: Logger
    ) async throws -> StatementQueryPlan? {
        var ids: [StatementQueryPlan.Lookup: Int64] = [:]
        for lookup in StatementQueryPlan.lookups(query) {
            var key = PostgresBindings()
            key.append(lookup.key)
            let found = try await column(
                Int64.self, PostgresQuery(unsafeSQL: lookup.sql.replacing("?", with: "$1"), binds: key), on: client, logger: logger)
            guard let id = found.first else { return nil }
            ids[lookup] = id
        }
        return StatementQueryPlan(query, ids: ids, dialect: dialect)
    }

    /// The statement `id` as stored (`voided`: only a voided one); with `authority`, only one
    /// stored under that authority.
    static func statement(
        id: XAPIUUID, voided: Bool, authority: InverseFunctionalIdentifier?, on client: PostgresClient, logger: Logger
    ) async throws -> StoredStatement? {
        let rows = try await client.query("""
            SELECT s.body, s.stored_ms FROM statements s LEFT JOIN agents a ON a.id = s.authority_id
            WHERE s.id = \(id.foundation) AND s.voided = \(voided) AND (\(authority?.storageKey)::text IS NULL OR a.ifi = \(authority?.storageKey))
            """, logger: logger)
        var statement: StoredStatement?
        for try await (body, stored) in rows.decode((ByteBuffer, Int64).self) {
            statement = StoredStatement(body: body.bytes, stored: XAPITimestamp(milliseconds: stored))
        }
        return statement
    }

    private static func lastSeq(storedAtOrBefore time: XAPITimestamp, on client: PostgresClient, logger: Logger) async throws -> Int64? {
        try await column(
            Int64.self, PostgresQuery.numbered(StatementQueryPlan.lastSeqStoredAtOrBefore, [.integer(time.milliseconds)]),
            on: client, logger: logger
        ).first
    }

    private static func rows(_ command: StatementQueryPlan.Command, on client: PostgresClient, logger: Logger) async throws -> [StatementQueryPlan.Row] {
        let result = try await client.query(command.postgres, logger: logger)
        var rows: [StatementQueryPlan.Row] = []
        var bytes = 0
        // Every row is read (a result left unread would hold the connection); past the byte
        // budget only the first says that more follow.
        for try await (seq, body, stored) in result.decode((Int64, ByteBuffer, Int64).self) where StatementQueryPlan.wantsMore(afterBytes: bytes) {
            rows.append(StatementQueryPlan.Row(seq: seq, body: body.bytes, stored: stored))
            bytes += body.readableBytes
        }
        return rows
    }

    /// The stored content of the attachments with these hashes (those present); with
    /// `authority`, only content a statement stored under it delivered.
    static func attachments(
        _ hashes: [String], deliveredUnder authority: InverseFunctionalIdentifier?, on client: PostgresClient, logger: Logger
    ) async throws -> [AttachmentContent] {
        guard !hashes.isEmpty else { return [] }
        let rows = try await client.query("""
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

    /// The canonical definitions of those of `iris` that some statement defined.
    static func activityDefinitions(_ iris: [String], on client: PostgresClient, logger: Logger) async throws -> [String: [UInt8]] {
        guard !iris.isEmpty else { return [:] }
        let rows = try await client.query("""
            SELECT a.iri, d.definition FROM activities a JOIN activity_definitions d ON d.activity_id = a.id WHERE a.iri = ANY(\(iris))
            """, logger: logger)
        var definitions: [String: [UInt8]] = [:]
        for try await (iri, definition) in rows.decode((String, ByteBuffer).self) { definitions[iri] = definition.bytes }
        return definitions
    }
}
