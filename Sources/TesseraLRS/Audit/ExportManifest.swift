import TesseraCrypto
import XAPI

/// What an export file holds, signed with the server's Ed25519 key: written beside the file as
/// FILE.manifest.json by `tessera export`.
public struct ExportManifest: Sendable {
    /// How the file is written.
    public var format: ExportFormat
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
        format: ExportFormat, count: Int, firstSeq: Int64, lastSeq: Int64, chainHead: String, fileSHA256: String,
        filters: [String: String], created: String
    ) {
        self.format = format
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

    /// The CSV columns, comma-separated (nil for NDJSON).
    public var columns: String? {
        guard case .csv(let columns) = format else { return nil }
        return columns.map(\.rawValue).joined(separator: ",")
    }

    /// The text the signature covers: every field but the key and signature, one per line, in
    /// a fixed order, filters sorted by name.
    public var signedText: [UInt8] {
        var lines = ["tessera-export-manifest-1", "format=\(format.name)"]
        if let columns { lines.append("columns=\(columns)") }
        lines += [
            "count=\(count)", "firstSeq=\(firstSeq)", "lastSeq=\(lastSeq)", "chainHead=\(chainHead)",
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
        writer.key("format"); writer.string(format.name)
        if let columns {
            writer.key("columns"); writer.string(columns)
        }
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

extension ExportManifest {
    /// Why a manifest could not be read.
    public struct Unreadable: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads a manifest as `json()` writes it.
    public static func read(_ bytes: [UInt8]) throws -> ExportManifest {
        let root: JSONValue
        do {
            root = try JSONDocument.parse(bytes).root
        } catch {
            throw Unreadable(description: "the manifest is not JSON: \(error)")
        }
        func text(_ key: String) throws -> String {
            guard let value = root[key]?.string else { throw Unreadable(description: "the manifest has no \"\(key)\" text") }
            return value
        }
        func integer(_ key: String) throws -> Int64 {
            guard let literal = root[key]?.numberLiteral, let value = Int64(literal) else {
                throw Unreadable(description: "the manifest has no \"\(key)\" integer")
            }
            return value
        }
        let format: ExportFormat
        switch try text("format") {
        case "ndjson": format = .ndjson
        case "csv":
            guard case .success(let columns) = ExportColumn.list(try text("columns")) else {
                throw Unreadable(description: "the manifest's \"columns\" names an unknown column")
            }
            format = .csv(columns)
        case let other: throw Unreadable(description: "the manifest's format \"\(other)\" is neither ndjson nor csv")
        }
        var filters: [String: String] = [:]
        for (name, value) in root["filters"]?.members ?? [] { filters[name] = value.string ?? "" }
        var manifest = ExportManifest(
            format: format, count: Int(try integer("count")), firstSeq: try integer("firstSeq"), lastSeq: try integer("lastSeq"),
            chainHead: try text("chainHead"), fileSHA256: try text("fileSHA256"), filters: filters, created: try text("created"))
        manifest.publicKey = try text("publicKey")
        manifest.signature = try text("signature")
        return manifest
    }

    /// True when `signature` is `publicKey`'s signature of `signedText`.
    public var isSignatureValid: Bool {
        guard let key = Base64.decode(Array(publicKey.utf8)[...], url: false),
            let signature = Base64.decode(Array(signature.utf8)[...], url: false)
        else { return false }
        return Ed25519Key.isValid(signature: signature, of: signedText, publicKey: key)
    }
}
