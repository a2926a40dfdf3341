import COpenSSL
import XAPI

/// A JSON Web Signature in compact serialisation (RFC 7515), as xAPI signs statements with:
/// RS256, RS384 or RS512, optionally with the signer's certificate chain in `x5c`.
public struct JWS: Sendable {
    /// The `alg` of the protected header.
    public let algorithm: Algorithm
    /// The decoded payload.
    public let payload: [UInt8]
    /// DER certificates from `x5c`, signer first.
    public let certificates: [[UInt8]]
    private let signingInput: [UInt8]
    private let signature: [UInt8]

    /// The algorithms xAPI allows.
    public enum Algorithm: String, Sendable {
        case rs256 = "RS256", rs384 = "RS384", rs512 = "RS512"
    }

    /// Why a signature was refused.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// Reads a compact serialisation: three base64url segments, a JSON header with an allowed
    /// `alg`, and an optional `x5c`.
    public init(compact bytes: [UInt8]) throws(Invalid) {
        let segments = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard segments.count == 3 else { throw Invalid(reason: "a JWS has three dot-separated parts, this has \(segments.count)") }
        guard let headerBytes = Base64.decode(segments[0], url: true), let header = try? JSONDocument.parse(headerBytes).root,
            header.kind == .object
        else { throw Invalid(reason: "the JWS header is not base64url-encoded JSON") }
        guard let name = header["alg"]?.string, let algorithm = Algorithm(rawValue: name) else {
            throw Invalid(reason: "the JWS algorithm must be RS256, RS384 or RS512, got \(header["alg"]?.string ?? "none")")
        }
        guard let payload = Base64.decode(segments[1], url: true) else { throw Invalid(reason: "the JWS payload is not base64url") }
        guard let signature = Base64.decode(segments[2], url: true), !signature.isEmpty else {
            throw Invalid(reason: "the JWS signature is not base64url")
        }
        var certificates: [[UInt8]] = []
        if let chain = header["x5c"] {
            guard chain.kind == .array else { throw Invalid(reason: "x5c must be an array of base64 certificates") }
            for element in chain.elements {
                guard let text = element.string, let der = Base64.decode(Array(text.utf8)[...], url: false) else {
                    throw Invalid(reason: "x5c must be an array of base64 certificates")
                }
                certificates.append(der)
            }
        }
        self.algorithm = algorithm
        self.payload = payload
        self.certificates = certificates
        self.signature = signature
        signingInput = Array(segments[0]) + [UInt8(ascii: ".")] + Array(segments[1])
    }

    /// Checks the signature against the first `x5c` certificate's public key and that each
    /// certificate of the chain is signed by the next. Without `x5c` there is no key to check
    /// against and this returns false; it throws when a check fails.
    @discardableResult
    public func verifyWithCertificateChain() throws(Invalid) -> Bool {
        guard !certificates.isEmpty else { return false }
        let chain = try certificates.map { (der: [UInt8]) throws(Invalid) -> Certificate in
            guard let certificate = Certificate(der: der) else { throw Invalid(reason: "an x5c certificate is not valid DER") }
            return certificate
        }
        guard let key = chain[0].publicKey else { throw Invalid(reason: "the signing certificate has no usable public key") }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { throw Invalid(reason: "cannot verify signatures (libcrypto)") }
        defer { EVP_MD_CTX_free(context) }
        let digest: OpaquePointer? = switch algorithm {
        case .rs256: EVP_sha256()
        case .rs384: EVP_sha384()
        case .rs512: EVP_sha512()
        }
        let verified = signature.withUnsafeBufferPointer { signature in
            signingInput.withUnsafeBufferPointer { input in
                EVP_DigestVerifyInit(context, nil, digest, nil, key) == 1
                    && EVP_DigestVerify(context, signature.baseAddress, signature.count, input.baseAddress, input.count) == 1
            }
        }
        guard verified else { throw Invalid(reason: "the JWS signature does not verify with the x5c certificate's key") }
        for (certificate, issuer) in zip(chain, chain.dropFirst()) {
            guard let issuerKey = issuer.publicKey else { throw Invalid(reason: "an x5c certificate has no usable public key") }
            defer { EVP_PKEY_free(issuerKey) }
            guard X509_verify(certificate.handle, issuerKey) == 1 else {
                throw Invalid(reason: "the x5c chain is broken: a certificate is not signed by the next one")
            }
        }
        return true
    }
}

/// An X.509 certificate held by libcrypto.
private final class Certificate {
    let handle: OpaquePointer

    init?(der: [UInt8]) {
        let handle = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var pointer = buffer.baseAddress
            return d2i_X509(nil, &pointer, buffer.count)
        }
        guard let handle else { return nil }
        self.handle = handle
    }

    deinit { X509_free(handle) }

    /// The public key (the caller frees it).
    var publicKey: OpaquePointer? { X509_get_pubkey(handle) }
}

/// Base64 (standard or URL-safe alphabet; padding optional when decoding).
public enum Base64 {
    /// `bytes` in the standard alphabet, padded.
    public static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        for start in stride(from: 0, to: bytes.count, by: 3) {
            let chunk = bytes[start..<min(start + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for index in 0..<4 {
                output.append(index <= chunk.count ? alphabet[Int(value >> (18 - 6 * UInt32(index)) & 0x3F)] : UInt8(ascii: "="))
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes of `text`, or nil when it is not base64.
    public static func decode(_ text: ArraySlice<UInt8>, url: Bool) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        var padding = 0
        for character in text {
            let value: UInt32
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(character - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(character - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(character - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "-") where url, UInt8(ascii: "+") where !url: value = 62
            case UInt8(ascii: "_") where url, UInt8(ascii: "/") where !url: value = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            default: return nil
            }
            guard padding == 0 else { return nil }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return bits < 6 && padding <= 2 ? output : nil
    }
}
