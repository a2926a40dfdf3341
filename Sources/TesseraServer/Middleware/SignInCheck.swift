import TesseraLRS

/// Checks a key and secret against the credential store, and locks a key after too many wrong
/// secrets (each costs a PBKDF2 derivation; a key is not guessed by trying). Basic
/// authentication and the dashboard's form share one, so that both count the same failures.
struct SignInCheck: Sendable {
    let credentials: Credentials
    /// Failed sign-ins per existing key.
    let failures: RateLimiter

    /// What a sign-in attempt came to.
    enum Outcome {
        case accepted(Credential)
        /// Unknown key, wrong secret, or revoked credential.
        case refused
        /// Too many recent failures for this key: try again after the wait.
        case locked(Duration)
    }

    func check(key: String, secret: String) async throws -> Outcome {
        if let wait = failures.wait(key) { return .locked(wait) }
        if let credential = try await credentials.authenticate(key: key, secret: secret) { return .accepted(credential) }
        // Counted for existing keys only: the buckets stay as few as the credentials.
        if try await credentials.active(key: key) != nil { _ = failures.spend(key) }
        return .refused
    }
}
