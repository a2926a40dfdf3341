import TesseraCrypto

/// Re-checks a stored hash chain row by row, in storage order, the same way on every backend:
/// each chain value follows from the previous one, each statement still has the content its
/// chain row records, a statement missing from `statements` is accounted for by a tombstone whose
/// erasure the audit log records; then statements missing from the chain and the audit log's own
/// chain.
public struct ChainVerifier: Sendable {
    /// What is stored at one position of the chain.
    public enum Stored: Sendable {
        /// The statement, with its stored body.
        case statement([UInt8])
        /// A tombstone; `recorded` when the audit log holds the erasure it names.
        case erased(recorded: Bool)
        /// Nothing.
        case missing
    }

    private var previous = ChainLink.genesis
    private var count = 0
    private var erased = 0
    private var problems: [ChainVerification.Problem] = []

    public init() {}

    /// False once enough problems were found: the backend may stop reading rows.
    public var wantsMore: Bool { problems.count < ChainVerification.problemLimit }

    /// Checks the chain row at `seq`.
    public mutating func check(seq: Int64, content: [UInt8], chain: [UInt8], stored: Stored) {
        count += 1
        if ChainLink.link(previous, content) != chain {
            report(seq, "its chain value does not follow from the previous one (the chain table was altered)")
        }
        switch stored {
        case .erased(let recorded):
            erased += 1
            if !recorded { report(seq, "the statement's tombstone names an erasure the audit log does not record") }
        case .missing:
            report(seq, "the statement is missing (its row was deleted)")
        case .statement(let body):
            if Digest.sha256(body) != content { report(seq, "the stored statement differs from what was chained (its content was altered)") }
        }
        previous = chain
    }

    /// Reports a statement stored outside the chain.
    public mutating func unchained(seq: Int64) {
        report(seq, "the statement is not in the chain (it was added outside Tessera)")
    }

    /// Checks the audit log's chain, `entries` in order.
    public mutating func checkAuditLog(_ entries: [AuditEntry]) {
        var previous = ChainLink.genesis
        for entry in entries {
            if ChainLink.link(previous, Digest.sha256(entry.entry)) != entry.chain {
                report(nil, "audit log entry \(entry.id) does not follow from the previous one (the audit log was edited)")
            }
            previous = entry.chain
        }
    }

    /// What was found.
    public var result: ChainVerification {
        ChainVerification(
            statements: count, erased: erased, head: Digest.hex(previous),
            problems: Array(problems.sorted { ($0.seq ?? .max) < ($1.seq ?? .max) }.prefix(ChainVerification.problemLimit)))
    }

    private mutating func report(_ seq: Int64?, _ reason: String) {
        problems.append(.init(seq: seq, reason: reason))
    }

    /// The SQL that lists the chain in storage order, as (seq, content, chain, statement stored,
    /// body, tombstone, erasure recorded); `stored(...)` reads the last four.
    public static let chainRowsSQL = """
        SELECT c.seq, c.content, c.chain, s.seq IS NOT NULL, s.body, e.seq IS NOT NULL, a.id IS NOT NULL
        FROM statement_chain c LEFT JOIN statements s ON s.seq = c.seq
        LEFT JOIN erased_statements e ON e.seq = c.seq LEFT JOIN audit_log a ON a.id = e.erasure
        ORDER BY c.seq
        """

    /// The SQL that lists statements missing from the chain (one parameter: the limit).
    public static let unchainedSQL = """
        SELECT s.seq FROM statements s LEFT JOIN statement_chain c ON c.seq = s.seq WHERE c.seq IS NULL ORDER BY s.seq LIMIT ?
        """

    /// What a row of `chainRowsSQL` says is stored.
    public static func stored(isStatement: Bool, body: [UInt8]?, isTombstone: Bool, erasureRecorded: Bool) -> Stored {
        if isStatement { return .statement(body ?? []) }
        return isTombstone ? .erased(recorded: erasureRecorded) : .missing
    }
}
