import Foundation
import TesseraCrypto
import XAPI

/// An API credential: a key, a name, scopes. The secret is never stored, only its hash.
public struct Credential: Sendable, Equatable {
    /// The public half (Basic auth user name).
    public let key: String
    /// A label for people ("Storyline courses", "LMS bridge").
    public let name: String
    /// What it may do.
    public let scopes: Set<Scope>
    /// When it was created.
    public let created: XAPITimestamp
    /// When it was revoked, if it was.
    public let revoked: XAPITimestamp?

    /// True when one of its scopes grants `scope`.
    public func allows(_ scope: Scope) -> Bool {
        scopes.contains { $0.grants(scope) }
    }

    /// The Agent written as `authority` into the statements it stores: an account on
    /// `homePage` named by the key.
    public func authority(homePage: String) -> Agent {
        Agent(name: name, identifier: .account(homePage: homePage, name: key), declaresObjectType: true)
    }
}

/// A credential as created: the only moment the secret exists outside its holder.
public struct IssuedCredential: Sendable {
    /// The stored credential.
    public let credential: Credential
    /// The secret, to show once.
    public let secret: String
}

/// Credentials in the database, and Basic-auth verification with a short-lived cache of
/// verified secrets (so a request costs a SHA-256, not a PBKDF2).
public final class CredentialStore: @unchecked Sendable {
    private let connection: SQLiteConnection
    private let lock = NSLock()
    private var verified: [String: (secretDigest: [UInt8], credential: Credential, at: ContinuousClock.Instant)] = [:]
    /// How long a verified secret is trusted before the database is asked again (revocations
    /// made by another process take effect within this time).
    static let cacheLifetime: Duration = .seconds(30)

    /// Opens the credentials of the database at `path` (migrating it if needed).
    public init(path: String) throws {
        connection = try SQLiteConnection(path: path, mode: .readWrite)
        try Migrator.migrate(connection)
        connection.finishStatements()
    }

    /// Creates a credential; with no `key` and `secret` given, fresh random ones.
    public func create(name: String, scopes: Set<Scope>, key: String? = nil, secret: String? = nil) throws -> IssuedCredential {
        let key = key ?? Digest.hex(Secrets.randomBytes(10))
        let secret = secret ?? Digest.hex(Secrets.randomBytes(20))
        let salt = Secrets.randomBytes(16)
        let now = XAPITimestamp.now()
        let hash = SecretHasher.hash(secret, salt: salt, iterations: SecretHasher.iterations)
        try locked {
            let insert = try connection.prepared("""
                INSERT INTO credentials (key, name, scopes, salt, iterations, secret_hash, created_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            insert.bind(1, key)
            insert.bind(2, name)
            insert.bind(3, scopes.map(\.rawValue).sorted().joined(separator: " "))
            insert.bind(4, salt)
            insert.bind(5, Int64(SecretHasher.iterations))
            insert.bind(6, hash)
            insert.bind(7, now.milliseconds)
            try insert.step()
        }
        let credential = Credential(key: key, name: name, scopes: scopes, created: now, revoked: nil)
        return IssuedCredential(credential: credential, secret: secret)
    }

    /// Every credential, oldest first.
    public func list() throws -> [Credential] {
        try locked {
            let select = try connection.prepared(
                "SELECT key, name, scopes, created_ms, revoked_ms FROM credentials ORDER BY id")
            var credentials: [Credential] = []
            while try select.step() { credentials.append(Self.credential(select)) }
            return credentials
        }
    }

    /// Revokes the credential with `key`; false if there is none (or it was already revoked).
    @discardableResult
    public func revoke(key: String) throws -> Bool {
        try locked {
            let now = XAPITimestamp.now()
            let update = try connection.prepared(
                "UPDATE credentials SET revoked_ms = ? WHERE key = ? AND revoked_ms IS NULL")
            update.bind(1, now.milliseconds)
            update.bind(2, key)
            try update.step()
            verified[key] = nil
            return connection.changes == 1
        }
    }

    /// The active credential whose key and secret these are, or nil.
    public func authenticate(key: String, secret: String) throws -> Credential? {
        let digest = Digest.sha256(Array(secret.utf8))
        let now = ContinuousClock.now
        return try locked {
            if let cached = verified[key], now - cached.at < Self.cacheLifetime,
                Secrets.constantTimeEqual(cached.secretDigest, digest)
            {
                return cached.credential
            }
            let select = try connection.prepared("""
                SELECT key, name, scopes, created_ms, revoked_ms, salt, iterations, secret_hash
                FROM credentials WHERE key = ?
                """)
            select.bind(1, key)
            guard try select.step(), select.isNull(4) else { return nil }
            let expected = select.blob(7)
            let hash = SecretHasher.hash(secret, salt: select.blob(5), iterations: Int(select.int64(6)))
            guard Secrets.constantTimeEqual(hash, expected) else { return nil }
            let credential = Self.credential(select)
            verified[key] = (digest, credential, now)
            return credential
        }
    }

    /// The credential with `key` while it is not revoked (a dashboard session names its
    /// credential by key and ends when it is revoked).
    public func active(key: String) throws -> Credential? {
        try locked {
            let select = try connection.prepared("SELECT key, name, scopes, created_ms, revoked_ms FROM credentials WHERE key = ?")
            select.bind(1, key)
            guard try select.step(), select.isNull(4) else { return nil }
            return Self.credential(select)
        }
    }

    /// Runs `body` holding the lock, leaving no statement mid-way afterwards.
    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        try lock.withLock {
            defer { connection.finishStatements() }
            return try body()
        }
    }

    private static func credential(_ row: SQLiteStatement) -> Credential {
        let scopes = Set(row.text(2).split(separator: " ").compactMap { Scope(rawValue: String($0)) })
        return Credential(
            key: row.text(0), name: row.text(1), scopes: scopes, created: XAPITimestamp(milliseconds: row.int64(3)),
            revoked: row.isNull(4) ? nil : XAPITimestamp(milliseconds: row.int64(4)))
    }
}
