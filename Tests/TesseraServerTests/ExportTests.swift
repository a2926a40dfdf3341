import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TesseraAnalytics
import TesseraCrypto
import TesseraLRS
import TesseraSQLite
import Testing

/// `GET /export/statements`: every stored statement with its place in the hash chain.
struct ExportTests {
    /// One exported line: its fields, and the statement's bytes exactly as embedded.
    struct Line {
        let fields: [String: Any]
        let statement: [UInt8]

        init(_ text: Substring) throws {
            fields = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let bytes = Array(text.utf8)
            let marker = Array(#","statement":"#.utf8)
            let start = try #require((0...(bytes.count - marker.count)).first { Array(bytes[$0..<$0 + marker.count]) == marker })
            statement = Array(bytes[(start + marker.count)..<(bytes.count - 1)])
        }

        var seq: Int { fields["seq"] as? Int ?? -1 }
    }

    static func statement(_ id: Int, _ who: String, _ verb: String) -> String {
        #"{"id":"00000000-0000-4000-8000-\#(String(format: "%012d", id))","actor":{"mbox":"mailto:\#(who)@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/\#(verb)"},"object":{"id":"https://courses.example.com/c\#(id % 3)"}}"#
    }

    /// Stores ten statements by ann and bo and voids the third; returns an exporting credential.
    static func load(_ lrs: TestLRS, _ client: any TestClientProtocol) async throws -> IssuedCredential {
        let statements = (1...10).map { statement($0, $0 % 2 == 0 ? "ann" : "bo", $0 % 3 == 0 ? "passed" : "completed") }
        let posted = try await client.execute(
            uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer("[" + statements.joined(separator: ",") + "]"))
        #expect(posted.status == .ok)
        let void = #"{"actor":{"mbox":"mailto:admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"00000000-0000-4000-8000-000000000003"}}"#
        #expect(try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(void)).status == .ok)
        return try await lrs.credentials.create(name: "auditor", scopes: [.allRead])
    }

    static func export(_ client: any TestClientProtocol, _ lrs: TestLRS, _ auditor: IssuedCredential, _ query: String = "") async throws -> [Line] {
        let response = try await client.execute(uri: "/export/statements" + query, method: .get, headers: lrs.headers(auditor, version: nil))
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        #expect(response.headers[.contentType] == "application/x-ndjson")
        return try String(buffer: response.body).split(separator: "\n").map(Line.init)
    }

    @Test(arguments: [TestingSetup.router, .live])
    func everyStatementComesWithItsChainValueAndExactBytes(setup: TestingSetup) async throws {
        let lrs = try await TestLRS()
        try await lrs.test(setup) { client in
            let auditor = try await Self.load(lrs, client)
            let lines = try await Self.export(client, lrs, auditor)
            #expect(lines.map(\.seq) == Array(1...11), "the ten statements and the voiding one, in storage order")
            var chain = [UInt8](repeating: 0, count: 32)
            for line in lines {
                let content = Digest.sha256(line.statement)
                #expect(line.fields["content"] as? String == Digest.hex(content), "seq \(line.seq)")
                chain = Digest.sha256(chain + content)
                #expect(line.fields["chain"] as? String == Digest.hex(chain), "seq \(line.seq)")
                let statement = try #require(line.fields["statement"] as? [String: Any])
                #expect(statement["stored"] is String && statement["authority"] is [String: Any])
            }
            #expect(lines.filter { $0.fields["voided"] as? Bool == true }.map(\.seq) == [3])
            let verification = try await lrs.store.verifyChain()
            #expect(verification.head == Digest.hex(chain))
        }
    }

    @Test func filtersNarrowTheExportAndKeepEachRecordsChainValue() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let auditor = try await Self.load(lrs, client)
            let all = try await Self.export(client, lrs, auditor)
            let chains = Dictionary(uniqueKeysWithValues: all.map { ($0.seq, $0.fields["chain"] as? String) })
            let withoutVoided = try await Self.export(client, lrs, auditor, "?includeVoided=false")
            #expect(withoutVoided.map(\.seq) == [1, 2, 4, 5, 6, 7, 8, 9, 10, 11])
            let ann = try await Self.export(client, lrs, auditor, "?agent=%7B%22mbox%22%3A%22mailto%3Aann%40example.com%22%7D")
            #expect(ann.map(\.seq) == [2, 4, 6, 8, 10])
            let passed = try await Self.export(client, lrs, auditor, "?verb=http%3A%2F%2Fadlnet.gov%2Fexpapi%2Fverbs%2Fpassed")
            #expect(passed.map(\.seq) == [3, 6, 9])
            let activity = try await Self.export(client, lrs, auditor, "?activity=https%3A%2F%2Fcourses.example.com%2Fc1")
            #expect(activity.map(\.seq) == [1, 4, 7, 10])
            let unknown = try await Self.export(client, lrs, auditor, "?verb=http%3A%2F%2Fexample.com%2Fnever")
            #expect(unknown.isEmpty)
            for line in ann + passed { #expect(line.fields["chain"] as? String == chains[line.seq] ?? nil) }
            let future = try await Self.export(client, lrs, auditor, "?since=2999-01-01T00:00:00Z")
            #expect(future.isEmpty)
            let untilFuture = try await Self.export(client, lrs, auditor, "?until=2999-01-01T00:00:00Z")
            #expect(untilFuture.count == 11)
        }
    }

    @Test(arguments: [TestingSetup.router, .live])
    func aCSVExportHasDefaultOrChosenColumns(setup: TestingSetup) async throws {
        let lrs = try await TestLRS()
        try await lrs.test(setup) { client in
            let auditor = try await Self.load(lrs, client)
            let headers = lrs.headers(auditor, version: nil)
            let all = try await client.execute(uri: "/export/statements?format=csv", method: .get, headers: headers)
            #expect(all.status == .ok && all.headers[.contentType] == "text/csv; charset=utf-8")
            let rows = try CSV.parse(Array(all.body.readableBytesView)).get()
            #expect(rows.first == ExportColumn.defaults.map(\.rawValue))
            #expect(rows.count == 12, "a header and eleven statements")
            let header = rows[0]
            func column(_ name: String, _ row: Int) -> String { rows[row][header.firstIndex(of: name)!] }
            #expect(column("id", 3) == "00000000-0000-4000-8000-000000000003" && column("voided", 3) == "true")
            #expect(column("objectType", 11) == "StatementRef" && column("object", 11) == "00000000-0000-4000-8000-000000000003")
            #expect(column("actor", 2) == #"{"mbox":"mailto:ann@example.com"}"#)

            let chosen = try await client.execute(
                uri: "/export/statements?format=csv&columns=seq,verb&verb=http%3A%2F%2Fadlnet.gov%2Fexpapi%2Fverbs%2Fpassed", method: .get,
                headers: headers)
            #expect(String(buffer: chosen.body) == "seq,verb\r\n3,http://adlnet.gov/expapi/verbs/passed\r\n6,http://adlnet.gov/expapi/verbs/passed\r\n9,http://adlnet.gov/expapi/verbs/passed\r\n")
            for (query, named) in [("format=csv&columns=seq,password", "columns"), ("columns=seq", "columns"), ("format=xlsx", "format")] {
                let refused = try await client.execute(uri: "/export/statements?" + query, method: .get, headers: headers)
                #expect(refused.status == .badRequest && String(buffer: refused.body).contains(named), "\(query)")
            }
        }
    }

    @Test func exportNeedsAllReadAndKnownParameters() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            _ = try await Self.load(lrs, client)
            let dashboard = try await client.execute(uri: "/export/statements", method: .get, headers: lrs.headers(lrs.reader, version: nil))
            #expect(dashboard.status == .forbidden)
            let anonymous = try await client.execute(uri: "/export/statements", method: .get)
            #expect(anonymous.status == .unauthorized)
            let auditor = try await lrs.credentials.create(name: "auditor", scopes: [.allRead])
            let unknown = try await client.execute(uri: "/export/statements?format=xml", method: .get, headers: lrs.headers(auditor, version: nil))
            #expect(unknown.status == .badRequest)
            #expect(String(buffer: unknown.body).contains("format"))
            let badTime = try await client.execute(uri: "/export/statements?since=yesterday", method: .get, headers: lrs.headers(auditor, version: nil))
            #expect(badTime.status == .badRequest)
            #expect(String(buffer: badTime.body).contains("since"))
        }
    }
}
