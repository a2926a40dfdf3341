import Foundation

/// One schema change of a backend, from its `Schemas/<backend>/NNNN_name.sql` file (embedded in
/// the binary at build time).
public struct SchemaMigration: Sendable {
    /// The file's number: migrations apply in this order, each once.
    public let version: Int
    public let name: String
    public let sql: String

    /// The migration `version`, `name`, with the embedded file's bytes.
    public init(_ version: Int, _ name: String, _ embeddedFile: [UInt8]) {
        self.version = version
        self.name = name
        self.sql = String(decoding: embeddedFile, as: UTF8.self)
    }

    /// The file's statements, for servers that take one at a time: each ends with `;` at the
    /// end of a line; comment lines are dropped.
    public var statements: [String] {
        let lines = sql.split(separator: "\n", omittingEmptySubsequences: false).filter {
            !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--")
        }
        return lines.joined(separator: "\n").components(separatedBy: ";\n")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .map { $0.hasSuffix(";") ? String($0.dropLast()) : $0 }
            .filter { !$0.isEmpty }
    }
}
