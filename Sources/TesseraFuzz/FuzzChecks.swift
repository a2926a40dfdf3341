import Foundation
import XAPI

/// What the fuzz targets check for any input bytes (docs/fuzzing.md). Besides not crashing:
/// every statement accepted must re-read from its stored form as an equivalent statement with
/// the same stored form, and every multipart part must lie inside the body it came from. A
/// broken invariant stops the process (`preconditionFailure`), which the fuzzer records as a
/// crash with its input.
public enum FuzzChecks {
    /// The JSON reader and statement validation under both xAPI versions, and the stored form's
    /// round trip for what they accept (`StatementReader.readStored`, as every re-read of a
    /// stored statement does).
    public static func statements(_ bytes: [UInt8]) {
        for version in [XAPIVersion.v1_0_3, .v2_0_0] {
            guard let parsed = try? StatementInput.parse(bytes, version: version) else { continue }
            for case .success(var statement) in parsed.results {
                // As the store keeps it: with the version it was accepted under.
                statement.version = statement.version ?? version.defaultStatementVersion
                let stored = statement.canonicalJSON()
                guard let reread = StatementReader.readStored(stored) else {
                    preconditionFailure("an accepted statement's stored form does not read back: \(String(decoding: stored, as: UTF8.self))")
                }
                precondition(reread.canonicalJSON() == stored, "the stored form changes when read back")
                precondition(reread.comparisonForm() == statement.comparisonForm(), "the stored form is not equivalent to the statement")
                _ = statement.encoded(format: .ids)
                _ = statement.encoded(format: .canonical(languages: ["en-US", "fr"]))
            }
        }
    }

    /// The multipart reader: the first byte (mod 71, at least 1) is the boundary's length, the
    /// next bytes the boundary, the rest the body.
    public static func multipart(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let length = max(Int(first) % 71, 1)
        guard bytes.count > length else { return }
        let boundary = String(decoding: bytes[1...length], as: UTF8.self)
        let body = Array(bytes[(length + 1)...])
        guard let parsed = try? MultipartBody(parsing: body, boundary: boundary, maxParts: 20) else { return }
        precondition(parsed.parts.count <= 20, "more parts than the limit")
        let total = parsed.parts.reduce(0) { $0 + $1.content.count }
        precondition(total <= body.count, "parts hold more bytes than the body")
        for part in parsed.parts { _ = part.header("Content-Type") }
    }

    /// Runs `check` over each file named in `arguments` (a replay of crashers or a corpus, in a
    /// build without the fuzzer); returns how many were read.
    public static func replay(_ arguments: [String], _ check: ([UInt8]) -> Void) -> Int {
        var count = 0
        for path in arguments {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            check(Array(data))
            count += 1
        }
        return count
    }
}
