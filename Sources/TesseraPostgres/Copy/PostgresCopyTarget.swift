import Logging
import NIOCore
import PostgresNIO
import TesseraAnalytics
import TesseraLRS
import XAPI

/// A PostgreSQL database written by `tessera copy`, through this node's writer.
extension PostgresStore: StoreCopyTarget {
    public func chainHead() async throws -> (seq: Int64, chain: [UInt8]) {
        let rows = try await client.query("SELECT seq, chain FROM statement_chain ORDER BY seq DESC LIMIT 1", logger: logger)
        var head: (seq: Int64, chain: [UInt8]) = (0, ChainLink.genesis)
        for try await (seq, chain) in rows.decode((Int64, ByteBuffer).self) { head = (seq, chain.bytes) }
        return head
    }

    public func copy(_ batch: CopyBatch) async throws {
        try await writer.copy(batch)
    }
}

/// How the writer writes a batch of `tessera copy`, inside its transaction.
enum PostgresCopyWriting {
    /// Writes `batch`; returns how many statements it stored.
    static func write(
        _ batch: CopyBatch, catalog: CatalogIndex, memory: inout WriterMemory, on connection: PostgresConnection, logger: Logger
    ) async throws -> Int {
        switch batch {
        case .chain(let records):
            let statements = records.compactMap { record -> PreparedStatement? in
                guard case .statement(let copied) = record else { return nil }
                return copied.statement
            }
            var group = try await StatementGroup.begin(admitting: statements, on: connection, logger: logger)
            return try await group.flush(copied: records, catalog: catalog, memory: &memory, on: connection, logger: logger)
        case .auditLog(let records):
            try await connection.query("""
                INSERT INTO audit_log (id, entry, chain)
                SELECT * FROM unnest(\(records.map(\.id))::bigint[], \(records.map { ByteBuffer(bytes: $0.entry) })::bytea[],
                                     \(records.map { ByteBuffer(bytes: $0.chain) })::bytea[])
                ON CONFLICT (id) DO NOTHING
                """, logger: logger)
        case .documents(let records):
            try await PostgresDocuments.write(records, on: connection, logger: logger)
        case .definitions(let records):
            let ids = try await Interned.intern(records.map(\.iri), table: "activities", column: "iri", on: connection, logger: logger)
            try await ActivityDefinitions.store(records.map { (ids[$0.iri]!, $0.definition) }, on: connection, logger: logger)
            // What was merged last is no longer what is stored.
            memory.definitionsSeen = [:]
        case .attachments(let records):
            try await StatementGroup.store(records, on: connection, logger: logger)
        }
        return 0
    }
}
