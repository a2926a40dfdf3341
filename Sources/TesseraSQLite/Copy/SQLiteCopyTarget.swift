import TesseraLRS
import XAPI

/// A database file written by `tessera copy`, through its writer (no server may run on it).
extension SQLiteStore: StoreCopyTarget {
    public func chainHead() async throws -> (seq: Int64, chain: [UInt8]) {
        let (chain, seq) = try await readers.read { try StatementChain.storedHead(on: $0) }
        return (seq, chain)
    }

    public func copy(_ batch: CopyBatch) async throws {
        try await reportingFull { try await writer.copy(batch) }
    }
}

extension StatementWriter {
    /// Writes a batch of `tessera copy` inside the current transaction; returns how many
    /// statements it stored.
    func write(copied batch: CopyBatch) throws -> Int {
        switch batch {
        case .chain(let records): return try append(records)
        case .auditLog(let records):
            try execute("INSERT INTO audit_log (id, entry, chain) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING", for: records) {
                [$0.id, $0.entry, $0.chain]
            }
        case .documents(let records):
            try execute("""
                INSERT INTO documents (kind, activity, agent, registration, document_id, content_type, content, etag, updated_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (kind, activity, agent, registration, document_id) DO UPDATE SET
                    content_type = excluded.content_type, content = excluded.content, etag = excluded.etag, updated_ms = excluded.updated_ms
                """, for: records) {
                [Int64($0.key.kind), $0.key.activity, $0.key.agent, $0.key.registration?.bytes ?? [], $0.key.documentID, $0.contentType,
                 $0.content, $0.etag, $0.updatedMilliseconds]
            }
        case .definitions(let records):
            let rows = try records.map { (id: try intern(.activity, $0.iri), definition: $0.definition) }
            try execute(
                "INSERT INTO activity_definitions (activity_id, definition) VALUES (?, ?) ON CONFLICT (activity_id) DO UPDATE SET definition = excluded.definition",
                for: rows) { [$0.id, $0.definition] }
            // What was merged last is no longer what is stored.
            definitionsSeen = [:]
        case .attachments(let records):
            try execute("INSERT OR IGNORE INTO attachments (sha2, content_type, content) VALUES (?, ?, ?)", for: records) {
                [$0.sha2, $0.contentType, $0.content]
            }
        }
        return 0
    }

    /// Runs `sql` once per row, bound to the values `values` gives for it.
    private func execute<Row>(_ sql: String, for rows: [Row], _ values: (Row) -> [any SQLiteBindable]) throws {
        let statement = try connection.prepared(sql)
        for row in rows {
            statement.reset()
            for (index, value) in values(row).enumerated() { value.bind(to: statement, at: Int32(index + 1)) }
            try statement.step()
        }
    }

    /// Appends chain positions after the head, checking each chain value against the source's.
    private func append(_ records: [ChainRecord]) throws -> Int {
        var stored = 0
        for record in records {
            guard record.seq > chain.lastSeq else {
                throw CopyMismatch("seq \(record.seq) is not after the target's last (\(chain.lastSeq))")
            }
            switch record {
            case .statement(let copied):
                _ = try insert(
                    copied.statement, storedAt: XAPITimestamp(milliseconds: copied.storedMilliseconds), delivered: Set(copied.delivered),
                    copied: (copied.seq, copied.voided))
                lastStoredMilliseconds = max(lastStoredMilliseconds, copied.storedMilliseconds)
                stored += 1
            case .erased(let erased):
                try chain.append(seq: erased.seq, content: erased.content, on: connection)
                let tombstone = try connection.prepared("INSERT INTO erased_statements (seq, id, stored_ms, erasure) VALUES (?, ?, ?, ?)")
                tombstone.bind(1, erased.seq)
                tombstone.bind(2, erased.id)
                tombstone.bind(3, erased.storedMilliseconds)
                tombstone.bind(4, erased.erasure)
                try tombstone.step()
                lastStoredMilliseconds = max(lastStoredMilliseconds, erased.storedMilliseconds)
            }
            guard chain.head == record.chain else {
                throw CopyMismatch("the chain differs from the source's at seq \(record.seq): the statement stored there is not the source's")
            }
        }
        return stored
    }
}
