import COpenSSL

/// An Ed25519 key pair (libcrypto): the server's key for signing export manifests.
public final class Ed25519Key: @unchecked Sendable {
    // Immutable after init; libcrypto allows concurrent use of a key for signing.
    private let key: OpaquePointer

    /// Something went wrong in libcrypto, or a key file is not an Ed25519 private key.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private init(_ key: OpaquePointer) {
        self.key = key
    }

    deinit { EVP_PKEY_free(key) }

    /// A new random key.
    public static func generate() throws -> Ed25519Key {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nil) else { throw Failure(description: "cannot create an Ed25519 key") }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_keygen(context, &key) == 1, let key else {
            throw Failure(description: "cannot create an Ed25519 key")
        }
        return Ed25519Key(key)
    }

    /// The key in a PKCS #8 PEM private key (`-----BEGIN PRIVATE KEY-----`).
    public convenience init(privateKeyPEM pem: [UInt8]) throws {
        let key: OpaquePointer? = pem.withUnsafeBytes { bytes in
            guard let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let key else { throw Failure(description: "not a PEM private key") }
        guard EVP_PKEY_get_id(key) == EVP_PKEY_ED25519 else {
            EVP_PKEY_free(key)
            throw Failure(description: "not an Ed25519 key")
        }
        self.init(key)
    }

    /// The private key as PKCS #8 PEM.
    public func privateKeyPEM() throws -> [UInt8] {
        try Self.pem { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) == 1 }
    }

    /// The public key as SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`), which
    /// `openssl pkeyutl -verify -pubin` reads.
    public func publicKeyPEM() throws -> [UInt8] {
        try Self.pem { PEM_write_bio_PUBKEY($0, key) == 1 }
    }

    /// The raw 32-byte public key.
    public func publicKey() throws -> [UInt8] {
        var length = 32
        var bytes = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_get_raw_public_key(key, &bytes, &length) == 1, length == 32 else {
            throw Failure(description: "cannot read the public key")
        }
        return bytes
    }

    /// The 64-byte Ed25519 signature of `message`.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw Failure(description: "cannot sign") }
        defer { EVP_MD_CTX_free(context) }
        var length = 64
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSignInit(context, nil, nil, nil, key) == 1,
            EVP_DigestSign(context, &signature, &length, message, message.count) == 1
        else { throw Failure(description: "cannot sign") }
        return Array(signature.prefix(length))
    }

    /// True when `signature` is `publicKey`'s (raw 32 bytes) Ed25519 signature of `message`.
    public static func isValid(signature: [UInt8], of message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard let key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, publicKey, publicKey.count) else { return false }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        return EVP_DigestVerifyInit(context, nil, nil, nil, key) == 1
            && EVP_DigestVerify(context, signature, signature.count, message, message.count) == 1
    }

    /// What `write` puts into a memory BIO.
    private static func pem(_ write: (OpaquePointer) -> Bool) throws -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw Failure(description: "cannot write PEM") }
        defer { BIO_free(bio) }
        guard write(bio) else { throw Failure(description: "cannot write PEM") }
        var bytes = [UInt8](repeating: 0, count: Int(BIO_ctrl_pending(bio)))
        guard !bytes.isEmpty, BIO_read(bio, &bytes, Int32(bytes.count)) == Int32(bytes.count) else {
            throw Failure(description: "cannot write PEM")
        }
        return bytes
    }
}
