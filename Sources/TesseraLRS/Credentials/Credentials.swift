import NIOPosix
import Synchronization
import TesseraCrypto
import XAPI

/// API credentials over any repository: creation (the secret hashed once, shown once),
/// revocation, and Basic-auth verification with a cache of verified secrets, so that a request
/// costs a SHA-256 and one look-up of the stored credential, not a PBKDF2. The stored credential
/// is read on every request, so a revocation (or a new secret) takes effect at once, whichever
/// process or node made it. Key derivation runs on a thread pool, never on
/// Swift's cooperative threads, and no lock is held while it runs.
public final class Credentials: Sendable {
    private let repository: any CredentialRepository
    private let hashing: NIOThreadPool
    private let verified = Mutex<[String: Verified]>([:])
    /// When this process last wrote each credential's use.
    private let recordedUses = Mutex<[String: ContinuousClock.Instant]>([:])
    /// A credential's use is written at most this often per process (its "last used" is to the
    /// minute), after the request, never on its path.
    public static let useInterval: Duration = .seconds(60)
    /// How long a verified secret is remembered (it is checked against the stored credential
    /// on every request all the same).
    public static let cacheLifetime: Duration = .seconds(300)

    private struct Verified {
        let secretDigest: [UInt8]
        /// The stored hash the secret was verified against: a credential stored anew under the
        /// same key is verified anew.
        let storedHash: [UInt8]
        let at: ContinuousClock.Instant
    }

    /// Credentials kept by `repository`; secrets are hashed on `hashing` (a shared pool by default).
    public init(repository: any CredentialRepository, hashing: NIOThreadPool = .singleton) {
        self.repository = repository
        self.hashing = hashing
    }

    /// Creates a credential; with no `key` and `secret` given, fresh random ones.
    public func create(name: String, scopes: Set<Scope>, key: String? = nil, secret: String? = nil) async throws -> IssuedCredential {
        let key = key ?? Digest.hex(Secrets.randomBytes(10))
        let secret = secret ?? Digest.hex(Secrets.randomBytes(20))
        let salt = Secrets.randomBytes(16)
        let hash = try await hashing.runIfActive { SecretHasher.hash(secret, salt: salt, iterations: SecretHasher.iterations) }
        let credential = Credential(key: key, name: name, scopes: scopes, created: .now(), revoked: nil)
        try await repository.insert(
            StoredCredential(credential: credential, salt: salt, iterations: SecretHasher.iterations, secretHash: hash))
        return IssuedCredential(credential: credential, secret: secret)
    }

    /// Every credential, oldest first.
    public func list() async throws -> [Credential] {
        try await repository.list()
    }

    /// Revokes the credential with `key`, at once for this process; false if there is none
    /// (or it was already revoked).
    @discardableResult
    public func revoke(key: String) async throws -> Bool {
        let revoked = try await repository.revoke(key: key, at: .now())
        verified.withLock { $0[key] = nil }
        return revoked
    }

    /// The active credential whose key and secret these are, or nil.
    public func authenticate(key: String, secret: String) async throws -> Credential? {
        try await authenticate(key: key, secret: secret, derivingIfUnknown: true)
    }

    /// The active credential whose key and secret these are, when this secret was verified
    /// recently; nil otherwise, without deriving a key (for a key locked by failed sign-ins:
    /// its owner, already signed in, goes on; guesses cost nothing).
    public func recentlyVerified(key: String, secret: String) async throws -> Credential? {
        try await authenticate(key: key, secret: secret, derivingIfUnknown: false)
    }

    private func authenticate(key: String, secret: String, derivingIfUnknown: Bool) async throws -> Credential? {
        // No key contains U+0000 (and databases cannot look it up in text).
        guard !key.unicodeScalars.contains("\u{0}") else { return nil }
        guard let stored = try await repository.stored(key: key), stored.credential.revoked == nil else {
            verified.withLock { $0[key] = nil }
            return nil
        }
        let digest = Digest.sha256(Array(secret.utf8))
        let now = ContinuousClock.now
        let known = verified.withLock { verified -> Bool in
            guard let entry = verified[key], now - entry.at < Self.cacheLifetime,
                Secrets.constantTimeEqual(entry.storedHash, stored.secretHash), Secrets.constantTimeEqual(entry.secretDigest, digest)
            else { return false }
            return true
        }
        if known {
            noteUse(key)
            return stored.credential
        }
        guard derivingIfUnknown else { return nil }
        let hash = try await hashing.runIfActive { SecretHasher.hash(secret, salt: stored.salt, iterations: stored.iterations) }
        guard Secrets.constantTimeEqual(hash, stored.secretHash) else { return nil }
        verified.withLock { $0[key] = Verified(secretDigest: digest, storedHash: stored.secretHash, at: now) }
        noteUse(key)
        return stored.credential
    }

    /// Writes, in the background, that `key` was used now, unless this process did within the
    /// last `useInterval` (a failed write is retried with a later use).
    private func noteUse(_ key: String) {
        let now = ContinuousClock.now
        let due = recordedUses.withLock { recorded -> Bool in
            if let last = recorded[key], now - last < Self.useInterval { return false }
            recorded[key] = now
            return true
        }
        guard due else { return }
        Task { [self] in
            do {
                try await repository.recordUse(key: key, at: .now())
            } catch {
                _ = recordedUses.withLock { $0.removeValue(forKey: key) }
            }
        }
    }

    /// The credential with `key` while it is not revoked (a dashboard session names its
    /// credential by key and ends when it is revoked).
    public func active(key: String) async throws -> Credential? {
        guard !key.unicodeScalars.contains("\u{0}") else { return nil }
        guard let stored = try await repository.stored(key: key), stored.credential.revoked == nil else { return nil }
        return stored.credential
    }
}
