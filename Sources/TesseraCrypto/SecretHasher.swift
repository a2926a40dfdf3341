import COpenSSL

/// Key derivation for credential secrets, through libcrypto (random salts and comparisons:
/// `Secrets`).
public enum SecretHasher {
    /// PBKDF2-HMAC-SHA256 iterations for new credentials.
    public static let iterations = 100_000

    /// The 32-byte PBKDF2-HMAC-SHA256 of `secret`.
    public static func hash(_ secret: String, salt: [UInt8], iterations: Int) -> [UInt8] {
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
}
