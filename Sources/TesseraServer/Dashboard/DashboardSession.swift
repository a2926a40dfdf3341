import TesseraCrypto

/// The session cookie of the dashboard and the console: a person's account name and an expiry,
/// signed with HMAC-SHA256 under a key derived from the server's signing key, so that every node
/// sharing that key accepts it (`init(signingKey:)`). It holds no password; each page load checks
/// the signature, the expiry, and that the account is still active, and reads its role then.
struct DashboardSession: Sendable {
    /// The cookie's name.
    static let cookieName = "tessera_session"
    /// How long a sign-in lasts.
    static let lifetimeSeconds: Int64 = 8 * 3600

    private let key: [UInt8]

    /// A session signer with `key`.
    init(key: [UInt8]) {
        self.key = key
    }

    /// The session signer of the server whose export signing key is `signingKey`: the same on
    /// every node that shares the key, and apart from the signatures it makes. Without a
    /// signing key, a key drawn now (restarting signs everyone out).
    init(signingKey: Ed25519Key?) {
        guard let pem = try? signingKey?.privateKeyPEM() else {
            self.init(key: Secrets.randomBytes(32))
            return
        }
        self.init(key: Digest.sha256(Array("tessera account session\n".utf8) + pem))
    }

    /// The cookie value for the account `account`, valid until `now` + the lifetime:
    /// `hex(name).expiry.hex(mac)`.
    func value(account: String, now: Int64) -> String {
        let payload = Digest.hex(Array(account.utf8)) + "." + String(now + Self.lifetimeSeconds)
        return payload + "." + Digest.hex(mac(payload))
    }

    /// The account a cookie value names, when its signature holds and it has not expired.
    func account(from value: String, now: Int64) -> String? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let expiry = Int64(parts[1]), let signature = Digest.bytes(hex: String(parts[2])),
            let keyBytes = Digest.bytes(hex: String(parts[0]))
        else { return nil }
        guard Secrets.constantTimeEqual(signature, mac(parts[0] + "." + parts[1])), now < expiry else { return nil }
        return String(decoding: keyBytes, as: UTF8.self)
    }

    /// The `Set-Cookie` value that stores `value` (`Secure` when the browser reached the server
    /// over HTTPS through a proxy), or that clears the cookie when `value` is nil. Its path is
    /// the whole site: the dashboard and the console share one sign-in.
    static func setCookie(_ value: String?, secure: Bool) -> String {
        let lifetime = value == nil ? 0 : lifetimeSeconds
        return "\(cookieName)=\(value ?? ""); Path=/; Max-Age=\(lifetime); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The session cookie's value in a `Cookie` header, if present.
    static func cookie(in header: String?) -> String? {
        guard let header else { return nil }
        for pair in header.split(separator: ";") {
            let trimmed = pair.drop { $0 == " " }
            if trimmed.hasPrefix(cookieName + "=") { return String(trimmed.dropFirst(cookieName.count + 1)) }
        }
        return nil
    }

    private func mac(_ payload: some StringProtocol) -> [UInt8] {
        Secrets.hmacSHA256(key: key, message: Array(payload.utf8))
    }
}
