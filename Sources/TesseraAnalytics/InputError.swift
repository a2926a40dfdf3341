/// Why a catalog or roster was refused: every problem found, each with the JSON path (or CSV
/// line and column) and the rule.
public struct AnalyticsInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One problem.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// Where: `catalog.programs[2].kind`, `roster[4].hired`, `line 7, column team`.
        public let path: String
        /// The rule broken.
        public let message: String
        public var description: String { "\(path): \(message)" }
    }

    /// The problems, in document order (at most `limit`).
    public let problems: [Problem]

    /// The most problems reported at once.
    public static let limit = 50

    public var description: String { problems.map(\.description).joined(separator: "; ") }
}

/// Collects problems while a document is read.
struct ProblemList {
    private(set) var problems: [AnalyticsInputError.Problem] = []

    var isEmpty: Bool { problems.isEmpty }

    mutating func add(_ path: String, _ message: String) {
        if problems.count < AnalyticsInputError.limit { problems.append(.init(path: path, message: message)) }
    }

    var error: AnalyticsInputError { AnalyticsInputError(problems: problems) }
}
