import COpenSSL

/// Key derivation and comparison for credential secrets, through libcrypto.
enum SecretHasher {
    /// PBKDF2-HMAC-SHA256 iterations for new credentials.
    static let iterations = 100_000

    /// `count` cryptographically random bytes.
    static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let status = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        precondition(status == 1, "the system random number generator failed")
        return bytes
    }

    /// The 32-byte PBKDF2-HMAC-SHA256 of `secret`.
    static func hash(_ secret: String, salt: [UInt8], iterations: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        let password = Array(secret.utf8)
        let status = password.withUnsafeBufferPointer { passwordBytes in
            salt.withUnsafeBufferPointer { saltBytes in
                output.withUnsafeMutableBufferPointer { out in
                    passwordBytes.withMemoryRebound(to: CChar.self) { passwordChars in
                        PKCS5_PBKDF2_HMAC(
                            passwordChars.baseAddress, Int32(passwordChars.count), saltBytes.baseAddress,
                            Int32(saltBytes.count), Int32(iterations), EVP_sha256(), 32, out.baseAddress)
                    }
                }
            }
        }
        precondition(status == 1, "PBKDF2 failed")
        return output
    }

    /// Compares in time that does not depend on where the inputs differ.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in CRYPTO_memcmp(left.baseAddress, right.baseAddress, a.count) == 0 }
        }
    }
}
