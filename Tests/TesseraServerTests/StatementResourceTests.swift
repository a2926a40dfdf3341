import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
@testable import TesseraServer
import TesseraLRS
import TesseraSQLite
import Testing

/// The Statement resource over HTTP: in-process through the router, and over a real socket.
struct StatementResourceTests {
    static let versionHeader = HTTPField.Name("X-Experience-API-Version")!

    @Test(arguments: [TestingSetup.router, .live])
    func postThenGetByIdAndByQuery(setup: TestingSetup) async throws {
        let lrs = try await TestLRS()
        try await lrs.test(setup) { client in
            let posted = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(statementJSON()))
            #expect(posted.status == .ok)
            #expect(posted.headers[Self.versionHeader] == "1.0.3")
            let ids = try #require(try json(posted) as? [String])
            #expect(ids.count == 1)

            let one = try await client.execute(uri: "/xapi/statements?statementId=\(ids[0])", method: .get, headers: lrs.headers())
            #expect(one.status == .ok)
            let statement = try #require(try json(one) as? [String: Any])
            #expect(statement["id"] as? String == ids[0])
            #expect(statement["stored"] is String)
            #expect(one.headers[.lastModified] != nil)

            let page = try await client.execute(
                uri: "/xapi/statements?agent=%7B%22mbox%22%3A%22mailto%3Aann%40example.com%22%7D", method: .get,
                headers: lrs.headers())
            let result = try #require(try json(page) as? [String: Any])
            #expect((result["statements"] as? [Any])?.count == 1)
            #expect(result["more"] as? String == "")
            #expect(page.headers[.lastModified] != nil, "Last-Modified is the latest stored time of the page")
            #expect(page.headers[HTTPField.Name("X-Experience-API-Consistent-Through")!] != nil)
        }
    }

    @Test func putStoresUnderTheGivenIdAndConflictsAreRefused() async throws {
        let lrs = try await TestLRS()
        let id = "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000001"
        try await lrs.test(.router) { client in
            let put = try await client.execute(
                uri: "/xapi/statements?statementId=\(id)", method: .put, headers: lrs.headers(json: true),
                body: buffer(statementJSON()))
            #expect(put.status == .noContent)
            let again = try await client.execute(
                uri: "/xapi/statements?statementId=\(id)", method: .put, headers: lrs.headers(json: true),
                body: buffer(statementJSON()))
            #expect(again.status == .noContent, "the same statement again is a no-op")
            let different = try await client.execute(
                uri: "/xapi/statements?statementId=\(id)", method: .put, headers: lrs.headers(json: true),
                body: buffer(statementJSON(verb: "failed")))
            #expect(different.status == .conflict)
            let mismatch = try await client.execute(
                uri: "/xapi/statements?statementId=\(id)", method: .put, headers: lrs.headers(json: true),
                body: buffer(statementJSON(id: "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000002")))
            #expect(mismatch.status == .badRequest)
            let missing = try await client.execute(
                uri: "/xapi/statements", method: .put, headers: lrs.headers(json: true), body: buffer(statementJSON()))
            #expect(missing.status == .badRequest)
        }
    }

    /// Found by fuzzing (Fixtures/fuzz/statements): re-reading a 1.0.3 statement under 2.0's
    /// rules turned its timestamp's offset into UTC, so `format=ids` and `canonical` disagreed
    /// with `exact`.
    @Test func everyFormatKeepsA103TimestampAsSent() async throws {
        let lrs = try await TestLRS()
        let id = "6e1f0001-7c2a-4d4b-9a2e-2f9b1c0000aa"
        try await lrs.test(.router) { client in
            let put = try await client.execute(
                uri: "/xapi/statements?statementId=\(id)", method: .put, headers: lrs.headers(json: true),
                body: buffer(statementJSON(extra: #""timestamp":"2024-05-01T12:00:00+02:00""#)))
            #expect(put.status == .noContent)
            for format in ["exact", "ids", "canonical"] {
                let body = try #require(try json(try await client.execute(
                    uri: "/xapi/statements?statementId=\(id)&format=\(format)", method: .get, headers: lrs.headers())) as? [String: Any])
                #expect(body["timestamp"] as? String == "2024-05-01T12:00:00+02:00", "format=\(format)")
            }
        }
    }

    @Test func anInvalidStatementInABatchNamesItsIndexAndPathAndStoresNothing() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let batch = "[" + statementJSON(actor: "bo") + #",{"actor":{"mbox":"bo@example.com"},"verb":{"id":"urn:v"},"object":{"id":"urn:o"}}]"#
            let response = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(batch))
            #expect(response.status == .badRequest)
            let body = try #require(try json(response) as? [String: Any])
            let errors = try #require(body["errors"] as? [[String: Any]])
            #expect(errors.first?["index"] as? Int == 1)
            #expect(errors.first?["path"] as? String == "statement.actor.mbox")
            let all = try await client.execute(uri: "/xapi/statements", method: .get, headers: lrs.headers())
            #expect(((try json(all) as? [String: Any])?["statements"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func rejectsWhatIsNotAStatementRequest() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let noVersion = try await client.execute(
                uri: "/xapi/statements", method: .get, headers: lrs.headers(version: nil))
            #expect(noVersion.status == .badRequest)
            let badVersion = try await client.execute(
                uri: "/xapi/statements", method: .get, headers: lrs.headers(version: "0.95"))
            #expect(badVersion.status == .badRequest)
            let notJSON = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: lrs.headers(), body: buffer(statementJSON()))
            #expect(notJSON.status == .badRequest)
            let malformed = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer("{\"actor\":"))
            #expect(malformed.status == .badRequest)
            let unknownParameter = try await client.execute(
                uri: "/xapi/statements?color=red", method: .get, headers: lrs.headers())
            #expect(unknownParameter.status == .badRequest)
            let badLimit = try await client.execute(uri: "/xapi/statements?limit=-1", method: .get, headers: lrs.headers())
            #expect(badLimit.status == .badRequest)
            let combined = try await client.execute(
                uri: "/xapi/statements?statementId=6e1f0001-7c2a-4d4b-9a2e-2f9b1c000001&verb=urn:v", method: .get,
                headers: lrs.headers())
            #expect(combined.status == .badRequest)
            let unknown = try await client.execute(
                uri: "/xapi/statements?statementId=6e1f0001-7c2a-4d4b-9a2e-2f9b1c000009", method: .get, headers: lrs.headers())
            #expect(unknown.status == .notFound)
            let body = try #require(try json(unknown) as? [String: Any])
            #expect(body["status"] as? Int == 404)
        }
    }

    @Test func authenticationAndScopes() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            var anonymous = HTTPFields()
            anonymous[Self.versionHeader] = "1.0.3"
            let none = try await client.execute(uri: "/xapi/statements", method: .get, headers: anonymous)
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate] != nil)
            var wrong = lrs.headers()
            wrong[.authorization] = "Basic " + Data("\(lrs.writer.credential.key):nope".utf8).base64EncodedString()
            #expect(try await client.execute(uri: "/xapi/statements", method: .get, headers: wrong).status == .unauthorized)
            var garbage = lrs.headers()
            garbage[.authorization] = "Basic !!!not-base64"
            #expect(try await client.execute(uri: "/xapi/statements", method: .get, headers: garbage).status == .unauthorized)
            let forbidden = try await client.execute(uri: "/xapi/statements", method: .get, headers: lrs.headers(lrs.reader))
            #expect(forbidden.status == .forbidden)
            try await lrs.credentials.revoke(key: lrs.writer.credential.key)
            #expect(try await client.execute(uri: "/xapi/statements", method: .get, headers: lrs.headers()).status == .unauthorized)
        }
    }

    @Test func aRevocationByAnotherProcessTakesEffectAtOnce() async throws {
        let lrs = try await TestLRS()
        let course = try await lrs.credentials.create(name: "course", scopes: [.statementsWrite])
        try await lrs.test(.live) { client in
            #expect(try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(course, json: true),
                                             body: buffer(statementJSON())).status == .ok, "verified once, now cached")
            // `tessera credentials revoke` runs in a process of its own: its own repository and cache.
            let elsewhere = Credentials(repository: lrs.repository)
            #expect(try await elsewhere.revoke(key: course.credential.key))
            let refused = try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(course, json: true),
                                                   body: buffer(statementJSON()))
            #expect(refused.status == .unauthorized, "the next request is refused, not 30 s later")
        }
    }

    @Test func readMineSeesOnlyItsOwnStatements() async throws {
        let lrs = try await TestLRS()
        let mine = try await lrs.credentials.create(name: "one course", scopes: [.statementsWrite, .statementsReadMine])
        try await lrs.test(.router) { client in
            let other = try #require(try json(try await client.execute(
                uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(statementJSON(actor: "bo")))) as? [String])
            let own = try #require(try json(try await client.execute(
                uri: "/xapi/statements", method: .post, headers: lrs.headers(mine, json: true), body: buffer(statementJSON(actor: "cy")))) as? [String])
            let page = try #require(try json(try await client.execute(uri: "/xapi/statements", method: .get, headers: lrs.headers(mine))) as? [String: Any])
            #expect((page["statements"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == own)
            let foreign = try await client.execute(uri: "/xapi/statements?statementId=\(other[0])", method: .get, headers: lrs.headers(mine))
            #expect(foreign.status == .notFound)
            let everything = try #require(try json(try await client.execute(uri: "/xapi/statements", method: .get, headers: lrs.headers())) as? [String: Any])
            #expect((everything["statements"] as? [Any])?.count == 2)
        }
    }

    @Test func voidedStatementsAreReachableOnlyByVoidedStatementId() async throws {
        let lrs = try await TestLRS()
        let target = "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000003"
        try await lrs.test(.router) { client in
            _ = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(statementJSON(id: target)))
            let voiding = #"{"actor":{"mbox":"mailto:admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"\#(target)"}}"#
            let voided = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(voiding))
            #expect(voided.status == .ok)
            #expect(try await client.execute(uri: "/xapi/statements?statementId=\(target)", method: .get, headers: lrs.headers()).status == .notFound)
            #expect(try await client.execute(uri: "/xapi/statements?voidedStatementId=\(target)", method: .get, headers: lrs.headers()).status == .ok)
        }
    }

    @Test func moreLinksPageThroughEverything() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let batch = "[" + (0..<7).map { statementJSON(actor: "p\($0)") }.joined(separator: ",") + "]"
            _ = try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(batch))
            var uri = "/xapi/statements?limit=3"
            var seen: [String] = []
            while !uri.isEmpty {
                let page = try #require(try json(try await client.execute(uri: uri, method: .get, headers: lrs.headers())) as? [String: Any])
                seen += (page["statements"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                uri = page["more"] as? String ?? ""
                #expect(uri.isEmpty || uri.hasPrefix("/xapi/statements?"))
            }
            #expect(seen.count == 7 && Set(seen).count == 7)
        }
    }

    @Test func browserContentMayCallCrossOrigin() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            var preflight = HTTPFields()
            preflight[.origin] = "https://content.example.com"
            preflight[.accessControlRequestMethod] = "POST"
            let options = try await client.execute(uri: "/xapi/statements", method: .options, headers: preflight)
            #expect(options.headers[.accessControlAllowOrigin] == "https://content.example.com")
            #expect(options.headers[.accessControlAllowHeaders]?.lowercased().contains("x-experience-api-version") == true)
            var headers = lrs.headers()
            headers[.origin] = "https://content.example.com"
            let get = try await client.execute(uri: "/xapi/statements", method: .get, headers: headers)
            #expect(get.status == .ok)
            #expect(get.headers[.accessControlAllowOrigin] == "https://content.example.com")
        }
    }

    @Test func oversizedBodiesAreRefusedWith413() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let huge = ByteBuffer(repeating: UInt8(ascii: " "), count: (16 << 20) + 1)
            let response = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: huge)
            #expect(response.status == .contentTooLarge)
            #expect((try json(response) as? [String: Any])?["status"] as? Int == 413)
        }
    }

    @Test func alternateRequestSyntaxStandsForTheRealRequest() async throws {
        let lrs = try await TestLRS()
        let id = "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000010"
        let authorization = try #require(lrs.headers()[.authorization])
        @Sendable func form(_ fields: [(String, String)]) -> ByteBuffer {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return buffer(fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
        }
        let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        try await lrs.test(.router) { client in
            let put = try await client.execute(
                uri: "/xapi/statements?method=PUT", method: .post, headers: headers,
                body: form([("statementId", id), ("Authorization", authorization), ("X-Experience-API-Version", "1.0.3"),
                            ("Content-Type", "application/json"), ("content", statementJSON())]))
            #expect(put.status == .noContent, "\(String(buffer: put.body))")
            let get = try await client.execute(
                uri: "/xapi/statements?method=GET", method: .post, headers: headers,
                body: form([("statementId", id), ("Authorization", authorization), ("X-Experience-API-Version", "1.0.3")]))
            #expect(get.status == .ok)
            #expect((try json(get) as? [String: Any])?["id"] as? String == id)
            let v2 = try await client.execute(
                uri: "/xapi/statements?method=GET", method: .post, headers: headers,
                body: form([("Authorization", authorization), ("X-Experience-API-Version", "2.0.0")]))
            #expect(v2.status == .badRequest)
            let extra = try await client.execute(
                uri: "/xapi/statements?method=GET&limit=1", method: .post, headers: headers,
                body: form([("Authorization", authorization), ("X-Experience-API-Version", "1.0.3")]))
            #expect(extra.status == .badRequest)
        }
    }

    @Test func unknownResourcesAnswerWithAJSONError() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let response = try await client.execute(uri: "/xapi/nothing-here", method: .get, headers: lrs.headers())
            #expect(response.status == .notFound)
            #expect((try json(response) as? [String: Any])?["status"] as? Int == 404)
            #expect(response.headers[Self.versionHeader] == "1.0.3")
        }
    }

    @Test func headAnswersLikeGetWithoutABody() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let head = try await client.execute(uri: "/xapi/statements", method: .head, headers: lrs.headers())
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
        }
    }

    @Test func aboutListsVersionsForTheClient() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let plain = try await client.execute(uri: "/xapi/about", method: .get)
            #expect(plain.status == .ok)
            #expect((try json(plain) as? [String: Any])?["version"] as? [String] == ["1.0.3", "2.0.0"])
            var old = HTTPFields()
            old[Self.versionHeader] = "1.0.2"
            let legacy = try await client.execute(uri: "/xapi/about", method: .get, headers: old)
            #expect((try json(legacy) as? [String: Any])?["version"] as? [String] == ["1.0.3"])
        }
    }

    @Test func acceptLanguageIsReadUpToItsFirst32Tags() {
        let header = (0..<1_000).map { "x-\($0);q=0.\($0 % 9 + 1)" }.joined(separator: ", ") + ", en-US;q=1"
        let languages = StatementQueryParameters.languages(header)
        #expect(languages.count == 32)
        #expect(!languages.contains("en-US"), "a tag after the first 32 listed is not read")
        #expect(StatementQueryParameters.languages("fr;q=0.5, en-US, de;q=0.8") == ["en-US", "de", "fr"])
    }

    @Test func aCanonicalReadOfAHugeLanguageMapWithAHugeAcceptLanguageAnswers() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.live) { client in
            let display = (0..<40_000).map { #""x-\#($0)":"v\#($0)""# }.joined(separator: ",") + #","fr-FR":"a fait""#
            let body = #"{"actor":{"mbox":"mailto:ann@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/did","display":{\#(display)}},"object":{"id":"https://courses.example.com/c"}}"#
            #expect(try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(body)).status == .ok)
            var headers = lrs.headers()
            headers[.acceptLanguage] = "fr-FR, " + (0..<1_000).map { "y-\($0)" }.joined(separator: ", ")
            let read = try await client.execute(uri: "/xapi/statements?format=canonical", method: .get, headers: headers)
            #expect(read.status == .ok)
            let page = try #require(try json(read) as? [String: Any])
            let verb = try #require(((page["statements"] as? [[String: Any]])?.first?["verb"] as? [String: Any]))
            #expect(verb["display"] as? [String: String] == ["fr-FR": "a fait"])
        }
    }

    @Test func pagesAreBoundedByBytesAndTheMoreLinkCarriesTheRest() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.live) { client in
            let padding = String(repeating: "x", count: 250_000)
            for batch in 0..<3 {
                let statements = (0..<10).map { index in
                    statementJSON(actor: "learner\(batch * 10 + index)", extra: #""result":{"extensions":{"https://tessera.example.com/pad":"\#(padding)"}}"#)
                }
                let posted = try await client.execute(
                    uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer("[" + statements.joined(separator: ",") + "]"))
                #expect(posted.status == .ok)
            }
            var uri = "/xapi/statements?limit=500"
            var pages: [Int] = []
            var seen = Set<String>()
            while !uri.isEmpty {
                let response = try await client.execute(uri: uri, method: .get, headers: lrs.headers())
                #expect(response.status == .ok)
                #expect(response.body.readableBytes <= StatementQuery.maximumPageBytes + 300_000, "one page stays within its byte budget")
                let page = try #require(try json(response) as? [String: Any])
                let statements = try #require(page["statements"] as? [[String: Any]])
                pages.append(statements.count)
                for statement in statements { seen.insert(statement["id"] as? String ?? "") }
                uri = page["more"] as? String ?? ""
            }
            #expect(pages.count > 1, "30 statements of 250 KB do not fit one page: \(pages)")
            #expect(seen.count == 30, "the more links carry every statement once")
        }
    }
}
