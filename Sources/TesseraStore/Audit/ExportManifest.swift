import TesseraCrypto
import XAPI

/// What an export file holds, signed with the server's Ed25519 key: written beside the file as
/// FILE.manifest.json by `tessera export`.
public struct ExportManifest: Sendable {
    /// Records in the file.
    public var count: Int
    /// Their first and last storage sequence numbers (0 when empty).
    public var firstSeq: Int64
    public var lastSeq: Int64
    /// The chain value of the last record (hexadecimal; empty when empty).
    public var chainHead: String
    /// SHA-256 of the whole file, hexadecimal.
    public var fileSHA256: String
    /// The filters, as given (name to value).
    public var filters: [String: String]
    /// When the export was made (RFC 3339).
    public var created: String
    /// The signing key's public half, base64.
    public var publicKey: String
    /// Ed25519 signature of `signedText`, base64.
    public var signature: String

    public init(
        count: Int, firstSeq: Int64, lastSeq: Int64, chainHead: String, fileSHA256: String, filters: [String: String], created: String
    ) {
        self.count = count
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.chainHead = chainHead
        self.fileSHA256 = fileSHA256
        self.filters = filters
        self.created = created
        publicKey = ""
        signature = ""
    }

    /// The text the signature covers: every field but the key and signature, one per line, in
    /// a fixed order, filters sorted by name.
    public var signedText: [UInt8] {
        var lines = [
            "tessera-export-manifest-1", "count=\(count)", "firstSeq=\(firstSeq)", "lastSeq=\(lastSeq)", "chainHead=\(chainHead)",
            "fileSHA256=\(fileSHA256)", "created=\(created)",
        ]
        lines += filters.keys.sorted().map { "filter.\($0)=\(filters[$0]!)" }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// Signs the manifest with `key`.
    public mutating func sign(with key: Ed25519Key) throws {
        publicKey = Base64.encode(try key.publicKey())
        signature = Base64.encode(try key.sign(signedText))
    }

    /// The manifest as JSON.
    public func json() -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.key("format"); writer.string("ndjson")
        writer.key("count"); writer.number(String(count))
        writer.key("firstSeq"); writer.number(String(firstSeq))
        writer.key("lastSeq"); writer.number(String(lastSeq))
        writer.key("chainHead"); writer.string(chainHead)
        writer.key("fileSHA256"); writer.string(fileSHA256)
        writer.key("filters")
        writer.beginObject()
        for name in filters.keys.sorted() {
            writer.key(name)
            writer.string(filters[name]!)
        }
        writer.endObject()
        writer.key("created"); writer.string(created)
        writer.key("signatureAlgorithm"); writer.string("Ed25519")
        writer.key("publicKey"); writer.string(publicKey)
        writer.key("signature"); writer.string(signature)
        writer.endObject()
        return writer.bytes
    }
}
