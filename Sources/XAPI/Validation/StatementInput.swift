/// Turns request or file bytes into validated statements.
public enum StatementInput {
    /// Parses `bytes` holding one statement object or an array of them and validates each under
    /// `version`. Throws only when the bytes are not JSON at all (the error's path is `body`).
    public static func parse(
        _ bytes: [UInt8], version: XAPIVersion, limits: JSONLimits = .default
    ) throws(StatementRejection) -> ParsedStatements {
        let document: JSONDocument
        do {
            document = try JSONDocument.parse(bytes, limits: limits)
        } catch {
            throw StatementRejection(errors: [ValidationError(path: "body", message: error.description)])
        }
        let root = document.root
        guard root.kind == .array else {
            return ParsedStatements(isBatch: false, results: [StatementReader.read(root, version: version)])
        }
        var results: [Result<Statement, StatementRejection>] = []
        results.reserveCapacity(root.count)
        for element in root.elements {
            results.append(StatementReader.read(element, version: version))
        }
        return ParsedStatements(isBatch: true, results: results)
    }
}

/// The outcome of reading a statement or a batch: one result per statement, in order.
public struct ParsedStatements: Sendable {
    /// True when the input was a JSON array.
    public let isBatch: Bool
    /// Each statement, or why it was rejected.
    public let results: [Result<Statement, StatementRejection>]

    /// The statements if every one is valid; else the first rejection, tagged with its index.
    public func allValid() -> Result<[Statement], IndexedRejection> {
        var statements: [Statement] = []
        statements.reserveCapacity(results.count)
        for (index, result) in results.enumerated() {
            switch result {
            case .success(let statement): statements.append(statement)
            case .failure(let rejection): return .failure(IndexedRejection(index: index, rejection: rejection))
            }
        }
        return .success(statements)
    }
}

/// A rejection of one statement of a batch.
public struct IndexedRejection: Error, Sendable, Equatable {
    /// Position of the statement in the batch (0 for a single statement).
    public let index: Int
    /// What was wrong with it.
    public let rejection: StatementRejection
}
