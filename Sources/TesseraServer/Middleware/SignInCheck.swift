import TesseraLRS

/// Checks a key and secret against the credentials, and throttles whoever keeps failing: the
/// attacker, not the owner. Failures count per key and client address (ten, then one more every
/// six seconds) and per key from everywhere (a hundred, then one a second, which caps the PBKDF2
/// work guesses can cause); while either is spent, a key's secret that was verified recently
/// (its owner's course, already signed in) is still accepted, at no derivation cost, and every
/// other attempt gets 429. Keys appear in every statement's authority, so anyone can try them.
/// Basic authentication and the dashboard's form share one check, so both count the same failures.
struct SignInCheck: Sendable {
    let credentials: Credentials
    /// Whose failures a request's are (the proxy's client when the proxy is trusted).
    let clients: ClientAddress
    /// Failed sign-ins per existing key and client address.
    let failuresByClient: RateLimiter
    /// Failed sign-ins per existing key, from any client.
    let failuresByKey: RateLimiter

    /// The limits described above; `clients` tells who a request came from.
    init(credentials: Credentials, clients: ClientAddress = ClientAddress(trustedProxies: [])) {
        self.credentials = credentials
        self.clients = clients
        failuresByClient = RateLimiter(.init(perSecond: 1.0 / 6, burst: 10))
        failuresByKey = RateLimiter(.init(perSecond: 1, burst: 100))
    }

    /// What a sign-in attempt came to.
    enum Outcome {
        case accepted(Credential)
        /// Unknown key, wrong secret, or revoked credential.
        case refused
        /// Too many recent failures for this key: try again after the wait.
        case locked(Duration)
    }

    /// Checks `key` and `secret` presented from `client` (an address; nil when unknown).
    func check(key: String, secret: String, client: String?) async throws -> Outcome {
        let clientBucket = key + " " + (client ?? "unknown")
        let waits = [failuresByClient.wait(clientBucket), failuresByKey.wait(key)].compactMap { $0 }
        if let wait = waits.max() {
            if let credential = try await credentials.recentlyVerified(key: key, secret: secret) { return .accepted(credential) }
            return .locked(wait)
        }
        if let credential = try await credentials.authenticate(key: key, secret: secret) { return .accepted(credential) }
        // Counted for existing keys only: the buckets stay as few as the credentials.
        if try await credentials.active(key: key) != nil {
            _ = failuresByClient.spend(clientBucket)
            _ = failuresByKey.spend(key)
        }
        return .refused
    }
}
