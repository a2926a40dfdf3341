import Logging
import NIOCore
import PostgresNIO
import TesseraLRS
import XAPI

/// Credentials in a PostgreSQL database (`credentials`, Schemas/postgres/0001). Every node
/// reads the same rows, so a revocation on one takes effect on all at once (the `Credentials`
/// service reads the stored credential on every request).
public struct PostgresCredentialRepository: CredentialRepository {
    let database: PostgresStorage

    /// The credentials of `database`.
    public init(database: PostgresStorage) {
        self.database = database
    }

    public func insert(_ stored: StoredCredential) async throws {
        let credential = stored.credential
        try await database.client.query("""
            INSERT INTO credentials (key, name, scopes, salt, iterations, secret_hash, created_ms)
            VALUES (\(credential.key), \(credential.name), \(Scope.storedText(credential.scopes)), \(ByteBuffer(bytes: stored.salt)),
                    \(stored.iterations), \(ByteBuffer(bytes: stored.secretHash)), \(credential.created.milliseconds))
            """, logger: database.logger)
    }

    public func list() async throws -> [Credential] {
        let rows = try await database.client.query(
            "SELECT key, name, scopes, created_ms, revoked_ms FROM credentials ORDER BY id", logger: database.logger)
        var credentials: [Credential] = []
        for try await (key, name, scopes, created, revoked) in rows.decode((String, String, String, Int64, Int64?).self) {
            credentials.append(Self.credential(key, name, scopes, created, revoked))
        }
        return credentials
    }

    public func revoke(key: String, at time: XAPITimestamp) async throws -> Bool {
        let rows = try await database.client.query(
            "UPDATE credentials SET revoked_ms = \(time.milliseconds) WHERE key = \(key) AND revoked_ms IS NULL RETURNING key",
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
        let rows = try await database.client.query("""
            SELECT key, name, scopes, created_ms, revoked_ms, salt, iterations, secret_hash FROM credentials WHERE key = \(key)
            """, logger: database.logger)
        var found: StoredCredential?
        for try await (key, name, scopes, created, revoked, salt, iterations, hash)
            in rows.decode((String, String, String, Int64, Int64?, ByteBuffer, Int, ByteBuffer).self)
        {
            found = StoredCredential(
                credential: Self.credential(key, name, scopes, created, revoked), salt: Array(salt.readableBytesView),
                iterations: iterations, secretHash: Array(hash.readableBytesView))
        }
        return found
    }

    private static func credential(_ key: String, _ name: String, _ scopes: String, _ created: Int64, _ revoked: Int64?) -> Credential {
        Credential(
            key: key, name: name, scopes: Scope.stored(scopes), created: XAPITimestamp(milliseconds: created),
            revoked: revoked.map(XAPITimestamp.init(milliseconds:)))
    }
}
