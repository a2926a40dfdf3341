import Logging
import NIOCore
import PostgresNIO
import TesseraLRS
import XAPI

/// API credentials (`credentials`, Schemas/postgres/0001) or people's accounts (`accounts`,
/// 0008) in a PostgreSQL database. Every node reads the same rows, so a revocation on one takes
/// effect on all at once (the `Credentials` service reads the stored credential on every request).
public struct PostgresCredentialRepository: CredentialRepository {
    let database: PostgresStorage
    /// The table: a case of a closed enum, never text from outside.
    private let table: String

    /// The credentials of `holders` in `database`.
    public init(database: PostgresStorage, holders: CredentialHolders = .machines) {
        self.database = database
        table = holders.rawValue
    }

    public func insert(_ stored: StoredCredential) async throws {
        let credential = stored.credential
        var binds = PostgresBindings()
        binds.append(credential.key)
        binds.append(credential.name)
        binds.append(Scope.storedText(credential.scopes))
        binds.append(ByteBuffer(bytes: stored.salt))
        binds.append(stored.iterations)
        binds.append(ByteBuffer(bytes: stored.secretHash))
        binds.append(credential.created.milliseconds)
        try await database.client.query(PostgresQuery(unsafeSQL: """
            INSERT INTO \(table) (key, name, scopes, salt, iterations, secret_hash, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, binds: binds), logger: database.logger)
    }

    public func list() async throws -> [Credential] {
        let rows = try await database.client.query(
            PostgresQuery(unsafeSQL: "SELECT key, name, scopes, created_ms, revoked_ms, last_used_ms FROM \(table) ORDER BY id"), logger: database.logger)
        var credentials: [Credential] = []
        for try await (key, name, scopes, created, revoked, used) in rows.decode((String, String, String, Int64, Int64?, Int64?).self) {
            credentials.append(Self.credential(key, name, scopes, created, revoked, used))
        }
        return credentials
    }

    public func revoke(key: String, at time: XAPITimestamp) async throws -> Bool {
        var binds = PostgresBindings()
        binds.append(time.milliseconds)
        binds.append(key)
        let rows = try await database.client.query(
            PostgresQuery(unsafeSQL: "UPDATE \(table) SET revoked_ms = $1 WHERE key = $2 AND revoked_ms IS NULL RETURNING key", binds: binds),
            logger: database.logger)
        var revoked = false
        for try await _ in rows.decode(String.self) { revoked = true }
        return revoked
    }

    /// The credential with `key`; `StoreError.unavailable` when the database does not answer
    /// within 10 seconds (every request reads its credential: it is answered 503, not held).
    public func stored(key: String) async throws -> StoredCredential? {
        try await withDeadline(seconds: 10) { [self] in try await read(key: key) }
    }

    private func read(key: String) async throws -> StoredCredential? {
        var binds = PostgresBindings()
        binds.append(key)
        let rows = try await database.client.query(PostgresQuery(unsafeSQL: """
            SELECT key, name, scopes, created_ms, revoked_ms, last_used_ms, salt, iterations, secret_hash FROM \(table) WHERE key = $1
            """, binds: binds), logger: database.logger)
        var found: StoredCredential?
        for try await (key, name, scopes, created, revoked, used, salt, iterations, hash)
            in rows.decode((String, String, String, Int64, Int64?, Int64?, ByteBuffer, Int, ByteBuffer).self)
        {
            found = StoredCredential(
                credential: Self.credential(key, name, scopes, created, revoked, used), salt: Array(salt.readableBytesView),
                iterations: iterations, secretHash: Array(hash.readableBytesView))
        }
        return found
    }

    public func recordUse(key: String, at time: XAPITimestamp) async throws {
        var binds = PostgresBindings()
        binds.append(time.milliseconds)
        binds.append(key)
        try await database.client.query(
            PostgresQuery(unsafeSQL: "UPDATE \(table) SET last_used_ms = $1 WHERE key = $2", binds: binds), logger: database.logger)
    }

    private static func credential(
        _ key: String, _ name: String, _ scopes: String, _ created: Int64, _ revoked: Int64?, _ used: Int64?
    ) -> Credential {
        Credential(
            key: key, name: name, scopes: Scope.stored(scopes), created: XAPITimestamp(milliseconds: created),
            revoked: revoked.map(XAPITimestamp.init(milliseconds:)), lastUsed: used.map(XAPITimestamp.init(milliseconds:)))
    }
}
