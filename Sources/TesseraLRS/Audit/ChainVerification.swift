import TesseraCrypto

/// The hash chain's arithmetic (DESIGN.md "Audit and export"): each statement's `content` is
/// the SHA-256 of its stored body and its `chain` the SHA-256 of the previous chain followed
/// by its content, in storage order, starting from 32 zero bytes. Every backend chains this way.
public enum ChainLink {
    /// The chain value before the first statement.
    public static let genesis = [UInt8](repeating: 0, count: 32)

    /// The chain value that follows `previous` for a statement whose content hash is `content`.
    public static func link(_ previous: [UInt8], _ content: [UInt8]) -> [UInt8] {
        Digest.sha256(previous + content)
    }
}

/// What checking the stored hash chain found.
public struct ChainVerification: Sendable {
    /// One thing wrong, at a statement's storage sequence number (nil for the audit log).
    public struct Problem: Sendable, CustomStringConvertible {
        public let seq: Int64?
        public let reason: String

        /// Creates a problem.
        public init(seq: Int64?, reason: String) {
            self.seq = seq
            self.reason = reason
        }
        public var description: String { seq.map { "statement seq \($0): \(reason)" } ?? reason }
    }

    /// Statements in the chain (erased ones included).
    public let statements: Int
    /// Of those, erased ones whose tombstone and chain row stand.
    public let erased: Int
    /// The last chain value, lower-case hexadecimal.
    public let head: String
    /// Everything wrong, in storage order (at most `problemLimit`).
    public let problems: [Problem]

    /// Creates a verification's result.
    public init(statements: Int, erased: Int, head: String, problems: [Problem]) {
        self.statements = statements
        self.erased = erased
        self.head = head
        self.problems = problems
    }

    public var isIntact: Bool { problems.isEmpty }

    /// Problems reported at most; past it, checking stops.
    public static let problemLimit = 100
}
