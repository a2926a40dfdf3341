import Foundation
import TesseraTestSupport
import Testing
@testable import TesseraSQLite
import TesseraLRS
import XAPI

/// What the SQLite backend keeps for StatementRef chains (the filters themselves are the
/// contract suite's, StatementQueryContractTests).
struct StatementQueryTests {
    /// A statement by `actor` whose object is a StatementRef to `target`.
    private func reference(_ id: String, to target: String, actor: String = "ed", verb: String = "liked") -> String {
        #"{"id":"\#(id)","actor":{"mbox":"mailto:\#(actor)@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/\#(verb)"},"object":{"objectType":"StatementRef","id":"\#(target)"}}"#
    }

    @Test func aLongChainOfReferencesCostsOneRowPerReferenceAndStillMatchesWhole() async throws {
        let temporary = try TemporaryStore()
        func id(_ number: Int) -> String { "10000000-0000-4000-8000-" + String(format: "%012d", number) }
        // 2,000 statements, each a StatementRef to the one before, in batches of 500, as an
        // attacker with a statements/write credential would send them.
        try await temporary.store.store([try prepared(statement(id: id(0), actor: "root", verb: "attempted"))])
        for batch in stride(from: 1, to: 2_000, by: 500) {
            try await temporary.store.store(try (batch..<min(batch + 500, 2_000)).map { try prepared(reference(id($0), to: id($0 - 1))) })
        }
        let connection = try SQLiteConnection(path: temporary.path, mode: .readOnly)
        defer { connection.finishStatements() }
        #expect(try connection.scalar("SELECT COUNT(*) FROM statement_refs") == 1_999, "linear, not 2,000 × 1,999 / 2")
        // Every statement of the chain reaches the root, so the root's verb matches them all.
        var query = StatementQuery()
        query.verb = "http://adlnet.gov/expapi/verbs/attempted"
        query.limit = StatementQuery.maximumLimit
        var matched = 0
        while true {
            let page = try await temporary.store.query(query)
            matched += page.statements.count
            guard let next = page.next else { break }
            query.after = next
        }
        #expect(matched == 2_000)
    }
}
