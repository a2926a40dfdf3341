import TesseraCrypto

/// One audit log entry: the JSON that records what was done, and its place in the log's hash
/// chain.
public struct AuditEntry: Sendable {
    public let id: Int64
    /// The entry as recorded (a JSON object).
    public let entry: [UInt8]
    /// SHA-256(previous chain ‖ SHA-256(entry)), from 32 zero bytes.
    public let chain: [UInt8]

    /// The entry as an NDJSON line, newline included: `{"chain":"…","entry":{…}}`.
    /// Creates an entry.
    public init(id: Int64, entry: [UInt8], chain: [UInt8]) {
        self.id = id
        self.entry = entry
        self.chain = chain
    }

    public var line: [UInt8] {
        Array(#"{"chain":"\#(Digest.hex(chain))","entry":"#.utf8) + entry + Array("}\n".utf8)
    }
}
