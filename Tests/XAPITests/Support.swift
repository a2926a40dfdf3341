import Foundation
import Testing
import XAPI

/// Paths and helpers shared by the XAPI tests.
enum Repository {
    /// The package root, found from this file's location.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let fixtures = root.appendingPathComponent("Fixtures/statements")

    /// Names (without extension) and bytes of the JSON files in a fixture folder.
    static func fixtureFiles(_ folder: String) -> [(name: String, bytes: [UInt8])] {
        let directory = fixtures.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") && $0 != "expectations.json" }.sorted().map { name in
            let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) ?? Data()
            return (String(name.dropLast(5)), Array(data))
        }
    }
}

/// Reads one statement from JSON text, failing the test on a syntax error.
func readStatement(_ json: String, version: XAPIVersion = .v1_0_3) throws -> Result<Statement, StatementRejection> {
    let parsed = try StatementInput.parse(Array(json.utf8), version: version)
    return parsed.results[0]
}

/// The statement in `json`, which must be valid.
func validStatement(_ json: String, version: XAPIVersion = .v1_0_3) throws -> Statement {
    switch try readStatement(json, version: version) {
    case .success(let statement): return statement
    case .failure(let rejection):
        Issue.record("expected a valid statement, got \(rejection)")
        throw rejection
    }
}

/// The errors reported for `json`, which must be invalid.
func errors(_ json: String, version: XAPIVersion = .v1_0_3) -> [ValidationError] {
    do throws(StatementRejection) {
        let parsed = try StatementInput.parse(Array(json.utf8), version: version)
        switch parsed.results[0] {
        case .success: return []
        case .failure(let rejection): return rejection.errors
        }
    } catch {
        return error.errors
    }
}

/// A small valid statement with `extra` members spliced in.
func statementJSON(_ extra: String = "", object: String = #"{"id":"https://example.com/a"}"#) -> String {
    let tail = extra.isEmpty ? "" : "," + extra
    return #"{"actor":{"mbox":"mailto:ann@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":"#
        + object + tail + "}"
}
