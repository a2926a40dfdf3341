import Dispatch
import COpenSSL

/// SHA-1 and SHA-256 through libcrypto.
public enum Digest {
    /// The 20-byte SHA-1 digest of `bytes` (document ETags, as xAPI 1.0.3 asks).
    public static func sha1(_ bytes: [UInt8]) -> [UInt8] {
        run(bytes, length: Int(SHA_DIGEST_LENGTH)) { COpenSSL.SHA1($0, $1, $2) }
    }

    /// The 32-byte SHA-256 digest of `bytes`. With the algorithm fetched once: the one-shot
    /// `SHA256()` looks it up in libcrypto's provider tables (under a lock) on every call, which
    /// costs more than hashing a statement.
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        var length: UInt32 = 0
        guard let algorithm = sha256Algorithm.pointer, EVP_Digest(bytes, bytes.count, &digest, &length, algorithm, nil) == 1 else {
            return run(bytes, length: Int(SHA256_DIGEST_LENGTH)) { COpenSSL.SHA256($0, $1, $2) }
        }
        return digest
    }

    /// libcrypto's SHA-256, fetched once (never freed: it lives as long as the process).
    private static let sha256Algorithm = Algorithm(EVP_MD_fetch(nil, "SHA256", nil))

    private struct Algorithm: @unchecked Sendable {
        // Immutable; libcrypto's fetched algorithms may be used from any thread.
        let pointer: OpaquePointer?
        init(_ pointer: OpaquePointer?) { self.pointer = pointer }
    }

    /// The SHA-2 digest of `bytes` of the size that `hex` (a hexadecimal SHA-256, SHA-384 or
    /// SHA-512) has, in lower-case hexadecimal; nil for another length.
    public static func sha2Hex(_ bytes: [UInt8], sizedLike hex: String) -> String? {
        switch hex.utf8.count {
        case 64: return self.hex(sha256(bytes))
        case 96: return self.hex(run(bytes, length: Int(SHA384_DIGEST_LENGTH)) { COpenSSL.SHA384($0, $1, $2) })
        case 128: return self.hex(run(bytes, length: Int(SHA512_DIGEST_LENGTH)) { COpenSSL.SHA512($0, $1, $2) })
        default: return nil
        }
    }

    /// Lower-case hexadecimal.
    public static func hex(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        appendHex(bytes, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends `bytes` in lower-case hexadecimal to `text`.
    public static func appendHex(_ bytes: [UInt8], to text: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        text.reserveCapacity(text.count + bytes.count * 2)
        digits.withUTF8Buffer { digits in
            for byte in bytes {
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0x0F)])
            }
        }
    }

    /// The bytes of lower-case hexadecimal text (as `hex` writes it), or nil.
    public static func bytes(hex: String) -> [UInt8]? {
        func nibble(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func run(
        _ bytes: [UInt8], length: Int,
        _ function: (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt8>?) -> UnsafeMutablePointer<UInt8>?
    ) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in _ = function(input.baseAddress, input.count, out.baseAddress) }
        }
        return output
    }
}

/// SHA-256 of data fed in pieces (a file being written, say).
public final class SHA256Hasher {
    private let context: OpaquePointer

    public init() {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes`.
    public func update(_ bytes: [UInt8]) {
        EVP_DigestUpdate(context, bytes, bytes.count)
    }

    /// The digest of everything added (the hasher is spent afterwards).
    public func finish() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        return digest
    }
}

/// SHA-256 of data fed in pieces, computed on its own queue while the caller goes on (an export
/// file being written or checked: hashing 1.85 GB is a third of an export's CPU time, and a
/// server has a second core).
public final class BackgroundHasher: @unchecked Sendable {
    // `hasher` is only touched on `queue`, serially.
    private let hasher = SHA256Hasher()
    private let queue = DispatchQueue(label: "tessera.export.hash")
    /// At most this many chunks wait to be hashed, so that memory stays flat.
    private let waiting = DispatchSemaphore(value: 4)

    public init() {}

    /// Adds `bytes` to the hash, later (waits while four chunks are already waiting).
    public func update(_ bytes: [UInt8]) {
        waiting.wait()
        queue.async {
            self.hasher.update(bytes)
            self.waiting.signal()
        }
    }

    /// The digest of everything added, once it has all been hashed.
    public func finish() -> [UInt8] {
        queue.sync { hasher.finish() }
    }
}
