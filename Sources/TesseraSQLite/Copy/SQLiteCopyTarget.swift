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
            let insert = try connection.prepared("INSERT INTO audit_log (id, entry, chain) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING")
            defer { insert.reset() }
            for record in records {
                insert.reset()
                insert.bind(1, record.id)
                insert.bind(2, record.entry)
                insert.bind(3, record.chain)
                try insert.step()
            }
        case .documents(let records):
            for record in records { try DocumentTable.write(record, on: connection) }
        case .definitions(let records):
            for (iri, definition) in records { try store(definition: definition, of: try intern(.activity, iri)) }
            // What was merged last is no longer what is stored.
            definitionsSeen = [:]
        case .attachments(let records):
            try store(records)
        }
        return 0
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
