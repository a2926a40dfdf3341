import Foundation
import NIOPosix
import TesseraLRS
import XAPI

/// API credentials (the `credentials` table) or people's accounts (`accounts`), on a
/// connection of their own. Each call is a point query or one-row write, run on a thread of the
/// blocking pool, never on Swift's cooperative threads.
public final class SQLiteCredentialRepository: CredentialRepository, @unchecked Sendable {
    private let connection: SQLiteConnection
    private let lock = NSLock()
    private let threads: NIOThreadPool
    /// The table: a case of a closed enum, never text from outside.
    private let table: String

    /// Opens the credentials of `holders` in the database at `path` (migrating it if needed).
    public init(path: String, holders: CredentialHolders = .machines, threads: NIOThreadPool = .singleton) throws {
        connection = try SQLiteConnection(path: path, mode: .readWrite)
        try Migrator.migrate(connection)
        connection.finishStatements()
        self.threads = threads
        table = holders.rawValue
    }

    public func insert(_ stored: StoredCredential) async throws {
        try await locked { [table] connection in
            let insert = try connection.prepared("""
                INSERT INTO \(table) (key, name, scopes, salt, iterations, secret_hash, created_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            let credential = stored.credential
            insert.bind(1, credential.key)
            insert.bind(2, credential.name)
            insert.bind(3, Scope.storedText(credential.scopes))
            insert.bind(4, stored.salt)
            insert.bind(5, Int64(stored.iterations))
            insert.bind(6, stored.secretHash)
            insert.bind(7, credential.created.milliseconds)
            try insert.step()
        }
    }

    public func list() async throws -> [Credential] {
        try await locked { [table] connection in
            let select = try connection.prepared(
                "SELECT key, name, scopes, created_ms, revoked_ms, last_used_ms FROM \(table) ORDER BY id")
            var credentials: [Credential] = []
            while try select.step() { credentials.append(Self.credential(select)) }
            return credentials
        }
    }

    public func revoke(key: String, at time: XAPITimestamp) async throws -> Bool {
        try await locked { [table] connection in
            let update = try connection.prepared(
                "UPDATE \(table) SET revoked_ms = ? WHERE key = ? AND revoked_ms IS NULL")
            update.bind(1, time.milliseconds)
            update.bind(2, key)
            try update.step()
            return connection.changes == 1
        }
    }

    public func stored(key: String) async throws -> StoredCredential? {
        try await locked { [table] connection in
            let select = try connection.prepared("""
                SELECT key, name, scopes, created_ms, revoked_ms, last_used_ms, salt, iterations, secret_hash
                FROM \(table) WHERE key = ?
                """)
            select.bind(1, key)
            guard try select.step() else { return nil }
            return StoredCredential(
                credential: Self.credential(select), salt: select.blob(6), iterations: Int(select.int64(7)), secretHash: select.blob(8))
        }
    }

    public func recordUse(key: String, at time: XAPITimestamp) async throws {
        try await locked { [table] connection in
            let update = try connection.prepared("UPDATE \(table) SET last_used_ms = ? WHERE key = ?")
            update.bind(1, time.milliseconds)
            update.bind(2, key)
            try update.step()
        }
    }

    /// Runs `body` on a pool thread holding the lock, leaving no statement mid-way afterwards.
    private func locked<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await threads.runIfActive { [self] in
            try lock.withLock {
                defer { connection.finishStatements() }
                return try body(connection)
            }
        }
    }

    private static func credential(_ row: SQLiteStatement) -> Credential {
        Credential(
            key: row.text(0), name: row.text(1), scopes: Scope.stored(row.text(2)), created: XAPITimestamp(milliseconds: row.int64(3)),
            revoked: row.isNull(4) ? nil : XAPITimestamp(milliseconds: row.int64(4)),
            lastUsed: row.isNull(5) ? nil : XAPITimestamp(milliseconds: row.int64(5)))
    }
}
