import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TesseraCrypto
import TesseraLRS
import TesseraSQLite
import Testing

/// `DELETE /admin/agents`: erasing a person leaves tombstones that keep the hash chain whole,
/// removes their documents and attachments, records the erasure, and makes analytics forget
/// them.
struct ErasureTests {
    static let ann = #"{"mbox":"mailto:ann@example.com"}"#
    static let annQuery = "agent=%7B%22mbox%22%3A%22mailto%3Aann%40example.com%22%7D"
    static let boQuery = "agent=%7B%22mbox%22%3A%22mailto%3Abo%40example.com%22%7D"

    static func id(_ number: Int) -> String { "00000000-0000-4000-8000-" + String(format: "%012d", number) }

    /// bo's statement with ann as instructor: it mentions her, so it goes too.
    static let instructed = statementJSON(
        id: id(3), actor: "bo", extra: #""context":{"instructor":{"mbox":"mailto:ann@example.com"}}"#)

    /// Stores statements by ann and bo (ann's last one with an attachment, and last of all),
    /// documents for both, and returns an admin credential.
    static func load(_ lrs: TestLRS, _ client: any TestClientProtocol) async throws -> IssuedCredential {
        let json = lrs.headers(json: true)
        let batch = [statementJSON(id: id(1), actor: "ann"), statementJSON(id: id(2), actor: "bo"), instructed,
                     statementJSON(id: id(4), actor: "bo", verb: "passed")]
        let posted = try await client.execute(uri: "/xapi/statements", method: .post, headers: json, body: buffer("[" + batch.joined(separator: ",") + "]"))
        #expect(posted.status == .ok, "\(String(buffer: posted.body))")
        let withAttachment = try await client.execute(
            uri: "/xapi/statements", method: .post, headers: AttachmentTests.multipartHeaders(lrs),
            body: AttachmentTests.multipart(AttachmentTests.statement(id: id(5), attachments: [AttachmentTests.attachment()]), [AttachmentTests.textPart()]))
        #expect(withAttachment.status == .ok, "\(String(buffer: withAttachment.body))")
        let documents = await lrs.headers(try lrs.credentials.create(name: "content", scopes: [.state, .profile]), json: true)
        for (who, path) in [(annQuery, "/xapi/activities/state?activityId=https%3A%2F%2Fcourses.example.com%2Fc&stateId=bookmark&"),
                            (boQuery, "/xapi/activities/state?activityId=https%3A%2F%2Fcourses.example.com%2Fc&stateId=bookmark&"),
                            (annQuery, "/xapi/agents/profile?profileId=preferences&")] {
            var headers = documents
            headers[.ifNoneMatch] = "*"
            let put = try await client.execute(uri: path + who, method: .put, headers: headers, body: buffer(#"{"page":3}"#))
            #expect(put.status == .noContent, "\(String(buffer: put.body))")
        }
        return try await lrs.credentials.create(name: "privacy-officer", scopes: [.admin])
    }

    @Test(arguments: [TestingSetup.router, .live])
    func erasureTombstonesTheStatementsAndTheChainStillVerifies(setup: TestingSetup) async throws {
        let lrs = try await TestLRS()
        try await lrs.test(setup) { client in
            let admin = try await Self.load(lrs, client)
            let erased = try await client.execute(uri: "/admin/agents?" + Self.annQuery, method: .delete, headers: lrs.headers(admin, version: nil))
            #expect(erased.status == .ok, "\(String(buffer: erased.body))")
            let report = try #require(try json(erased) as? [String: Any])
            #expect(report["statements"] as? Int == 3, "her two statements and the one she instructed")
            #expect(report["documents"] as? Int == 2)
            #expect(report["attachments"] as? Int == 1)
            #expect(report["requestedBy"] as? String == "credential privacy-officer")
            #expect(report["subject"] as? String == Digest.hex(Digest.sha256(Array("mbox\u{1F}mailto:ann@example.com".utf8))))

            // Her statements and documents are gone; bo's remain.
            let read = await lrs.headers(try lrs.credentials.create(name: "reader", scopes: [.allRead, .state, .profile]))
            let hers = try json(try await client.execute(uri: "/xapi/statements?" + Self.annQuery + "&related_agents=true", method: .get, headers: read))
            #expect((hers as? [String: Any])?["statements"] as? [Any] != nil)
            #expect(((hers as? [String: Any])?["statements"] as? [Any])?.isEmpty == true)
            for number in [1, 3, 5] {
                let one = try await client.execute(uri: "/xapi/statements?statementId=" + Self.id(number), method: .get, headers: read)
                #expect(one.status == .notFound, "statement \(number)")
            }
            let bos = try json(try await client.execute(uri: "/xapi/statements?" + Self.boQuery, method: .get, headers: read))
            #expect(((bos as? [String: Any])?["statements"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [Self.id(4), Self.id(2)])
            let state = "/xapi/activities/state?activityId=https%3A%2F%2Fcourses.example.com%2Fc&stateId=bookmark&"
            #expect(try await client.execute(uri: state + Self.annQuery, method: .get, headers: read).status == .notFound)
            #expect(try await client.execute(uri: state + Self.boQuery, method: .get, headers: read).status == .ok)
            #expect(try await client.execute(uri: "/xapi/agents/profile?profileId=preferences&" + Self.annQuery, method: .get, headers: read).status == .notFound)
            #expect(try await lrs.store.attachments([AttachmentTests.textHash]).isEmpty)

            // Sent again, an erased statement is acknowledged and not stored; a new one takes
            // the next sequence number (not the erased last one's).
            let again = try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(statementJSON(id: Self.id(1), actor: "ann")))
            #expect(again.status == .ok)
            #expect(try await client.execute(uri: "/xapi/statements?statementId=" + Self.id(1), method: .get, headers: read).status == .notFound)
            let fresh = try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(statementJSON(id: Self.id(6), actor: "cy")))
            #expect(fresh.status == .ok)

            // The chain verifies, and the export carries the tombstones in their places.
            let verification = try await lrs.store.verifyChain()
            #expect(verification.isIntact, "\(verification.problems)")
            #expect(verification.statements == 6 && verification.erased == 3)
            let lines = try await ExportTests.export(client, lrs, try lrs.credentials.create(name: "auditor", scopes: [.allRead]))
            #expect(lines.map(\.seq) == Array(1...6))
            #expect(lines.filter { $0.fields["erasure"] as? Int == report["id"] as? Int }.map(\.seq) == [1, 3, 5])
            var chain = StatementChainHead()
            for line in lines {
                let content = try #require(line.fields["content"] as? String)
                if line.fields["erasure"] == nil { #expect(Digest.hex(Digest.sha256(line.statement)) == content) }
                #expect(line.fields["erasure"] == nil || line.fields["statement"] is NSNull)
                chain.append(content: content)
                #expect(line.fields["chain"] as? String == chain.hex, "seq \(line.seq)")
            }
            #expect(chain.hex == verification.head)

            // The audit log records the erasure, chained.
            let log = try await client.execute(uri: "/export/audit-log", method: .get, headers: lrs.headers(admin, version: nil))
            let entries = String(buffer: log.body).split(separator: "\n")
            #expect(entries.count == 1)
            let entry = try #require(try JSONSerialization.jsonObject(with: Data(entries[0].utf8)) as? [String: Any])
            let recorded = try #require(entry["entry"] as? [String: Any])
            #expect(recorded["subject"] as? String == report["subject"] as? String && recorded["statements"] as? Int == 3)
            var logChain = StatementChainHead()
            logChain.append(content: Digest.hex(Digest.sha256(Array(erased.body.readableBytesView))))
            #expect(entry["chain"] as? String == logChain.hex)
        }
        // Nothing of her is left in an SQLite file: not her address, not her attachment (on
        // PostgreSQL, space is reclaimed by VACUUM: docs/postgres.md).
        await lrs.closeStore()
        guard let path = lrs.sqlitePath else { return }
        for file in [path, path + "-wal"] {
            guard let bytes = FileManager.default.contents(atPath: file) else { continue }
            #expect(bytes.range(of: Data("ann@example.com".utf8)) == nil, "\(file)")
            #expect(bytes.range(of: Data(AttachmentTests.text)) == nil, "\(file)")
        }
    }

    @Test func analyticsAfterAnErasureAreAsIfThePersonHadNeverBeenThere() async throws {
        let instructed = OutcomesAndRetentionTests.statement(
            "bo", "completed", "https://courses.example.com/dashboards", "2024-02-02",
            extra: #","context":{"instructor":{"mbox":"mailto:ann@example.com"}}"#)
        let everyone = OutcomesAndRetentionTests.statements + [instructed]
        let withoutAnn = everyone.filter { !$0.contains("ann@example.com") }
        let rosterWithoutAnn = OutcomesAndRetentionTests.roster.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("ann@example.com") }.joined(separator: "\n")
        let reports = [
            "/analytics/proficiency", "/analytics/proficiency?asOf=2024-03-01", "/analytics/outcomes?to=2024-12-31",
            "/analytics/retention/knowledge",
            "/analytics/retention/employees?from=2024-01-01&to=2024-12-31", "/analytics/retention/employees?from=2024-01-01&to=2024-12-31&by=team",
        ]
        func answers(_ statements: [String], roster: String, erase: Bool) async throws -> [String] {
            let lrs = try await TestLRS()
            return try await lrs.test(.router) { client in
                let operatorCredential = try await lrs.loadAnalytics(
                    client, catalog: buffer(OutcomesAndRetentionTests.catalog), roster: buffer(roster),
                    statements: buffer("[" + statements.joined(separator: ",") + "]"))
                if erase {
                    let erased = try await client.execute(
                        uri: "/admin/agents?" + Self.annQuery, method: .delete, headers: lrs.headers(operatorCredential, version: nil))
                    #expect(erased.status == .ok)
                    #expect((try json(erased) as? [String: Any])?["rosterEntries"] as? Int == 1)
                }
                var bodies: [String] = []
                for report in reports {
                    let response = try await client.execute(uri: report, method: .get, headers: lrs.headers(lrs.reader, version: nil))
                    #expect(response.status == .ok, "\(report): \(String(buffer: response.body))")
                    bodies.append(String(buffer: response.body))
                }
                return bodies
            }
        }
        let erased = try await answers(everyone, roster: OutcomesAndRetentionTests.roster, erase: true)
        let neverThere = try await answers(withoutAnn, roster: rosterWithoutAnn, erase: false)
        let before = try await answers(everyone, roster: OutcomesAndRetentionTests.roster, erase: false)
        for (index, report) in reports.enumerated() {
            #expect(erased[index] == neverThere[index], "\(report)")
        }
        #expect(before != neverThere, "ann's data changes the reports, so the comparison means something")
    }

    @Test func erasureNeedsTheAdminScopeAndOneAgent() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let auditor = try await lrs.credentials.create(name: "auditor", scopes: [.allRead, .all])
            let forbidden = try await client.execute(uri: "/admin/agents?" + Self.annQuery, method: .delete, headers: lrs.headers(auditor, version: nil))
            #expect(forbidden.status == .forbidden)
            let admin = await lrs.headers(try lrs.credentials.create(name: "admin", scopes: [.admin]), version: nil)
            for (query, named) in [
                ("", "agent"), ("agent=ann", "agent"), ("agent=%7B%22objectType%22%3A%22Group%22%2C%22member%22%3A%5B%5D%7D", "agent"),
                (Self.annQuery + "&since=2024-01-01T00:00:00Z", "since"),
            ] {
                let response = try await client.execute(uri: "/admin/agents?" + query, method: .delete, headers: admin)
                #expect(response.status == .badRequest, "\(query)")
                #expect(String(buffer: response.body).contains(named), "\(query): \(String(buffer: response.body))")
            }
            let log = try await client.execute(uri: "/export/audit-log", method: .get, headers: admin)
            #expect(log.status == .ok && log.body.readableBytes == 0, "refused erasures record nothing")
        }
    }
}

/// The hash chain recomputed from content values (hexadecimal), as a verifier would.
struct StatementChainHead {
    private var value = [UInt8](repeating: 0, count: 32)
    var hex: String { Digest.hex(value) }

    mutating func append(content: String) {
        value = Digest.sha256(value + (Digest.bytes(hex: content) ?? []))
    }
}
