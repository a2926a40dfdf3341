import TesseraLRS
import TesseraAnalytics

/// A database file opened read-only, for the commands that run beside a server (`tessera
/// export`, `verify`, `audit-log`, `catalog show`, `roster show`): they take no writer lock and
/// change nothing (one command, one task: its reads may block). Refuses a database not at this Tessera's schema version.
public final class ReadOnlyStore: ExportSource, ChainRowLookup, @unchecked Sendable {
    /// The connection, for the store's own readers (chain verification, export checks).
    let connection: SQLiteConnection

    public init(path: String) throws {
        try DatabaseFile.checkReadable(path)
        connection = try SQLiteConnection(path: path, mode: .readOnly)
        try Migrator.requireCurrent(connection)
    }

    public func lastStoredSeq() async throws -> Int64 {
        try ExportQuery.lastSeq(on: connection)
    }

    public func exportRecords(after: Int64, through: Int64, filter: ExportFilter, limit: Int) async throws -> [ExportRecord] {
        try ExportQuery.records(after: after, through: through, filter: filter, limit: limit, on: connection)
    }

    /// The audit log, oldest entry first.
    public func auditLog() throws -> [AuditEntry] {
        try AuditLog.entries(on: connection)
    }

    /// The analytics catalog, if one was loaded.
    public func catalog() throws -> Catalog? {
        try CatalogAndRoster.catalog(on: connection)
    }

    /// The roster (people in agent-key order).
    public func roster() throws -> Roster {
        try CatalogAndRoster.roster(on: connection)
    }

    public func chainRows(_ seqs: [Int64]) async throws -> [Int64: ChainRow] {
        let select = try connection.prepared("SELECT content, chain FROM statement_chain WHERE seq = ?")
        var rows: [Int64: ChainRow] = [:]
        for seq in seqs {
            select.reset()
            select.bind(1, seq)
            if try select.step() { rows[seq] = ChainRow(content: select.blob(0), chain: select.blob(1)) }
        }
        select.reset()
        return rows
    }

    /// Re-checks the hash chain, in one snapshot.
    public func verifyChain() throws -> ChainVerification {
        try connection.snapshot { try StatementChain.verify(on: connection) }
    }
}
