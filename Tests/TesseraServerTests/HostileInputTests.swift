import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TesseraServer
import TesseraLRS
import Testing

/// What content nobody controls may send, through a real socket: each request gets the right
/// 4xx with a JSON error, the server keeps answering, and nothing stored changes.
struct HostileInputTests {
    // MARK: Malformed HTTP

    @Test func malformedHTTPGetsAJSONRefusalAndTheConnectionCloses() async throws {
        let lrs = try await TestLRS()
        let before = try await Self.snapshot(lrs)
        try await lrs.test(.live) { client in
            let port = try #require(client.port)
            let cases: [(name: String, request: [UInt8], status: Int, path: String)] = [
                ("headers over 80 KiB", Array("GET /xapi/about HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 100_000))\r\n\r\n".utf8), 431, "headers"),
                ("a request line that is not HTTP", Array("GARBAGE\r\n\r\n".utf8), 400, "request"),
                ("a bare LF inside the head", Array("GET /xapi/about HTTP/1.1\r\nHost: x\nX: y\r\n\r\n".utf8), 400, "request"),
                ("a folded header", Array("GET /xapi/about HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n".utf8), 400, "request"),
                ("a Content-Length that is not a number", Array("POST /xapi/statements HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n".utf8), 400, "Content-Length"),
                ("Content-Length beside chunked (request smuggling)",
                 Array("POST /xapi/statements HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".utf8), 400, "request"),
                ("a NUL in a header", Array("GET /xapi/about HTTP/1.1\r\nHost: x\r\nX: a\u{0}b\r\n\r\n".utf8), 400, "request"),
            ]
            for item in cases {
                let connection = try RawHTTPConnection(port: port)
                connection.send(item.request)
                let (status, body) = await connection.response()
                #expect(status == item.status, "\(item.name)")
                let error = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "\(item.name): \(body)")
                #expect((error["errors"] as? [[String: Any]])?.first?["path"] as? String == item.path, "\(item.name): \(body)")
            }
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok, "the server still answers")
        }
        #expect(try await Self.snapshot(lrs) == before)
    }

    @Test func slowAndStalledClientsAreDisconnected() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.live, idleTimeout: .seconds(1)) { client in
            let port = try #require(client.port)
            // Slowloris: a head sent a few bytes at a time, never finished.
            let slow = try RawHTTPConnection(port: port, timeout: 5)
            let started = ContinuousClock.now
            var stillOpen = true
            for piece in ["GET /xapi/ab", "out HTTP/1.1\r\n", "Host: x\r\n", "X-A: 1\r\n", "X-B: 2\r\n", "X-C: 3\r\n", "X-D: 4\r\n"] {
                stillOpen = slow.send(piece)
                if !stillOpen { break }
                try await Task.sleep(for: .milliseconds(400))
            }
            let unanswered = await slow.receiveAll()
            #expect(unanswered.isEmpty, "no response to an unfinished head")
            #expect(ContinuousClock.now - started < .seconds(6))
            // A body promised and never sent.
            let stalled = try RawHTTPConnection(port: port, timeout: 5)
            stalled.send("POST /xapi/statements HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[")
            let waited = ContinuousClock.now
            _ = await stalled.receiveAll()
            #expect(ContinuousClock.now - waited < .seconds(4), "the server closed the stalled connection")
            // (The test client's own kept-alive connection has been idle too: ask on a new one.)
            let healthy = try RawHTTPConnection(port: port)
            healthy.send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let answer = await healthy.response()
            #expect(answer.status == 200, "others are still served")
        }
    }

    // MARK: Bodies

    @Test func hostileBodiesAreRefusedWithTheirRuleAndStoreNothing() async throws {
        let lrs = try await TestLRS()
        let before = try await Self.snapshot(lrs)
        try await lrs.test(.live) { client in
            let oneStatement = statementJSON()
            let cases: [(name: String, body: [UInt8], contentType: String?, status: HTTPResponse.Status, mentions: String)] = [
                ("a body over 16 MiB", Array(repeating: UInt8(ascii: " "), count: ServerLimits.maxBodyBytes + 1), "application/json", .contentTooLarge, "larger than"),
                ("10,000 statements in one batch", Array(("[" + Array(repeating: oneStatement, count: 10_000).joined(separator: ",") + "]").utf8),
                 "application/json", .contentTooLarge, "at most 5000 statements"),
                ("bad UTF-8", Array(#"{"actor":{"mbox":"mailto:a@example.com","name":""#.utf8) + [0xC3, 0x28] + Array(#""}}"#.utf8), "application/json", .badRequest, "UTF-8"),
                ("nesting 100,000 deep", Array(String(repeating: "[", count: 100_000).utf8), "application/json", .badRequest, "nest"),
                ("a huge number", Array(statementJSON(extra: #""result":{"score":{"raw":1e999999}}"#).utf8), "application/json", .badRequest, "out of range"),
                ("a number with 5,000 digits", Array(statementJSON(extra: #""result":{"score":{"raw":\#(String(repeating: "9", count: 5_000))}}"#).utf8), "application/json", .badRequest, "longer than 64"),
                ("an invalid IRI", Array(#"{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"not an iri"},"object":{"id":"https://x.example/a"}}"#.utf8), "application/json", .badRequest, "verb.id"),
                ("an invalid UUID", Array(statementJSON(id: "not-a-uuid").utf8), "application/json", .badRequest, "id"),
                ("an invalid duration", Array(statementJSON(extra: #""result":{"duration":"PT1H2X"}"#).utf8), "application/json", .badRequest, "result.duration"),
                ("an invalid timestamp", Array(statementJSON(extra: #""timestamp":"2024-02-30T10:00:00Z""#).utf8), "application/json", .badRequest, "timestamp"),
                ("no content type", Array(oneStatement.utf8), nil, .badRequest, "Content-Type"),
                ("a wrong content type", Array(oneStatement.utf8), "text/plain", .badRequest, "Content-Type"),
                ("JSON that is not a statement", Array("42".utf8), "application/json", .badRequest, "statement"),
            ]
            for item in cases {
                var headers = lrs.headers()
                if let type = item.contentType { headers[.contentType] = type }
                let response = try await client.execute(uri: "/xapi/statements", method: .post, headers: headers, body: ByteBuffer(bytes: item.body))
                #expect(response.status == item.status, "\(item.name): \(String(buffer: response.body).prefix(300))")
                let message = String(buffer: response.body)
                #expect(message.contains(item.mentions), "\(item.name) names its rule: \(message.prefix(300))")
                #expect(response.headers[.contentType] == "application/json", "\(item.name)")
            }
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
        #expect(try await Self.snapshot(lrs) == before)
    }

    // MARK: Parameters

    @Test func injectionInEveryParameterChangesNothing() async throws {
        let lrs = try await TestLRS()
        let admin = try await lrs.credentials.create(name: "admin", scopes: [.admin, .all])
        try await lrs.test(.live) { client in
            let stored = try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(admin, json: true), body: buffer(statementJSON()))
            #expect(stored.status == .ok)
            let before = try await Self.snapshot(lrs)
            let hostile = [
                "' OR '1'='1", "1; DROP TABLE statements; --", "\" OR 1=1 --", "%27%20OR%201%3D1", "../../../../etc/passwd",
                "<script>alert(1)</script>", "\u{0}", "𝕏\u{202E}", String(repeating: "A", count: 5_000),
            ]
            let parameters: [(path: String, names: [String])] = [
                ("/xapi/statements", ["statementId", "voidedStatementId", "agent", "verb", "activity", "registration", "since", "until", "limit", "format", "ascending", "related_agents", "attachments"]),
                ("/xapi/activities/state", ["activityId", "agent", "stateId", "registration", "since"]),
                ("/xapi/activities/profile", ["activityId", "profileId", "since"]),
                ("/xapi/agents/profile", ["agent", "profileId", "since"]),
                ("/xapi/activities", ["activityId"]),
                ("/xapi/agents", ["agent"]),
                ("/analytics/proficiency", ["asOf", "skill", "team", "format"]),
                ("/analytics/outcomes", ["program", "from", "to", "windowDays", "team"]),
                ("/export/statements", ["since", "until", "agent", "verb", "activity", "format", "columns"]),
            ]
            var answered = 0
            for (path, names) in parameters {
                for name in names {
                    for value in hostile {
                        let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                        let response = try await client.execute(uri: "\(path)?\(name)=\(encoded)", method: .get, headers: lrs.headers(admin))
                        let code = response.status.code
                        #expect(code == 200 || code == 400 || code == 404, "\(path)?\(name)=\(value.prefix(40)) answered \(code)")
                        if code == 400 {
                            #expect(String(buffer: response.body).contains(#""path":"#), "\(path)?\(name): a 400 names the parameter")
                        }
                        // Echoed values stay inside JSON (or CSV) that browsers may not sniff as HTML.
                        #expect(response.headers[.contentType]?.contains("html") == false, "\(path)?\(name)")
                        #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                        answered += 1
                    }
                }
            }
            #expect(answered == parameters.reduce(0) { $0 + $1.names.count } * hostile.count)
            #expect(try await Self.snapshot(lrs) == before, "reads changed nothing")
            // Hostile document ids are data: stored and read back under exactly that id, never a path.
            for id in ["../../../../etc/passwd", "' OR '1'='1", "a/../../b"] {
                let query = "activityId=https%3A%2F%2Fx.example%2Fa&agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.com%22%7D&stateId="
                    + (id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                var headers = lrs.headers(admin)
                headers[.contentType] = "text/plain"
                #expect(try await client.execute(uri: "/xapi/activities/state?\(query)", method: .put, headers: headers, body: buffer("v")).status == .noContent)
                let read = try await client.execute(uri: "/xapi/activities/state?\(query)", method: .get, headers: lrs.headers(admin))
                #expect(String(buffer: read.body) == "v", "\(id)")
            }
        }
    }

    @Test func headersAreNotInjectedAndOddRequestIdsAreReplaced() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.live) { client in
            let port = try #require(client.port)
            // An encoded line break in a parameter that errors echo.
            let response = try await client.execute(
                uri: "/xapi/statements?statementId=x%0D%0ASet-Cookie%3A%20injected%3D1", method: .get, headers: lrs.headers())
            #expect(response.status == .badRequest)
            #expect(response.headers[.setCookie] == nil)
            // A request id with characters outside the plain set is replaced, not echoed.
            for odd in ["<script>", "a b", String(repeating: "x", count: 200), "id;drop"] {
                var headers = lrs.headers()
                headers[HTTPField.Name("X-Request-Id")!] = odd
                let echoed = try await client.execute(uri: "/xapi/about", method: .get, headers: headers)
                #expect(echoed.headers[HTTPField.Name("X-Request-Id")!] != odd)
            }
            // Raw: a header value with a bare CR is refused by the parser.
            let raw = try RawHTTPConnection(port: port)
            raw.send("GET /xapi/about HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\rSet-Cookie: b\r\n\r\n")
            let refused = await raw.response()
            #expect(refused.status == 400)
        }
    }

    // MARK: Credentials and scopes

    @Test func badBasicAuthEncodingsAreRefused() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.live) { client in
            let key = lrs.writer.credential.key
            let encodings = [
                "Basic", "Basic ", "Basic !!!!", "Basic " + Data("no-colon".utf8).base64EncodedString(),
                "Basic " + Data(":\(lrs.writer.secret)".utf8).base64EncodedString(), "Bearer \(key)",
                "Basic " + Data([0xFF, 0xFE, 0x3A, 0x41]).base64EncodedString(),
                "Basic " + Data("\(key):\(lrs.writer.secret)x".utf8).base64EncodedString(),
                "Basic " + Data("\(key)' OR '1'='1:x".utf8).base64EncodedString(),
                "basic " + String(repeating: "A", count: 10_000),
            ]
            for authorization in encodings {
                var headers = lrs.headers()
                headers[.authorization] = authorization
                let response = try await client.execute(uri: "/xapi/statements", method: .get, headers: headers)
                #expect(response.status == .unauthorized, "\(authorization.prefix(40))")
                #expect(response.headers[.wwwAuthenticate] != nil)
                #expect(response.headers[.contentType] == "application/json")
            }
        }
    }

    @Test func everyScopeStaysInsideItsBoundary() async throws {
        let lrs = try await TestLRS()
        let mine = try await lrs.credentials.create(name: "mine", scopes: [.statementsWrite, .statementsReadMine])
        let writeOnly = try await lrs.credentials.create(name: "write-only", scopes: [.statementsWrite])
        let stateOnly = try await lrs.credentials.create(name: "state-only", scopes: [.state])
        let analytics = try await lrs.credentials.create(name: "analytics", scopes: [.analyticsRead])
        try await lrs.test(.live) { client in
            #expect(try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(lrs.writer, json: true), body: buffer(statementJSON(actor: "other"))).status == .ok)
            #expect(try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(mine, json: true), body: buffer(statementJSON(actor: "own"))).status == .ok)
            let own = try #require(try json(try await client.execute(uri: "/xapi/statements", method: .get, headers: lrs.headers(mine))) as? [String: Any])
            let actors = (own["statements"] as? [[String: Any]] ?? []).compactMap { ($0["actor"] as? [String: Any])?["mbox"] as? String }
            #expect(actors == ["mailto:own@example.com"], "statements/read/mine sees only its own")

            let forbidden: [(IssuedCredential, String, HTTPRequest.Method)] = [
                (writeOnly, "/xapi/statements", .get),
                (writeOnly, "/xapi/activities/state?activityId=https%3A%2F%2Fx.example%2Fa&agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.com%22%7D&stateId=s", .get),
                (stateOnly, "/xapi/activities/profile?activityId=https%3A%2F%2Fx.example%2Fa&profileId=p", .get),
                (stateOnly, "/xapi/agents/profile?agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.com%22%7D&profileId=p", .get),
                (stateOnly, "/xapi/statements", .get),
                (analytics, "/xapi/statements", .get),
                (analytics, "/analytics/catalog", .put),
                (analytics, "/export/statements", .get),
                (lrs.writer, "/analytics/outcomes", .get),
                (lrs.writer, "/admin/agents?agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.com%22%7D", .delete),
            ]
            for (credential, uri, method) in forbidden {
                let response = try await client.execute(uri: uri, method: method, headers: lrs.headers(credential))
                #expect(response.status == .forbidden, "\(credential.credential.name) \(method) \(uri)")
                #expect(String(buffer: response.body).contains("lacks the scope"), "\(credential.credential.name) \(uri)")
            }
        }
    }

    // MARK: U+0000

    /// A NUL character can reach no identifier, name or lookup: refused with the field named,
    /// on every backend (PostgreSQL cannot store it in text), and nothing changes.
    @Test func aNulCharacterIsRefusedWhereverItWouldBeStoredOrLookedUp() async throws {
        let lrs = try await TestLRS()
        let admin = try await lrs.credentials.create(name: "admin", scopes: [.admin])
        let everything = try await lrs.credentials.create(name: "course", scopes: [.all])
        let before = try await Self.snapshot(lrs)
        try await lrs.test(.router) { client in
            func refusal(_ response: TestResponse) throws -> (Int, String) {
                let error = try #require(try json(response) as? [String: Any])
                let path = ((error["errors"] as? [[String: Any]])?.first?["path"] as? String) ?? (error["parameter"] as? String) ?? ""
                return (Int(response.status.code), path + " " + String(buffer: response.body))
            }
            var headers = lrs.headers(everything, json: true)
            let state = "/xapi/activities/state?activityId=https%3A%2F%2Fcourses.example.com%2Fc&agent=%7B%22mbox%22%3A%22mailto%3Aann%40example.com%22%7D&stateId=a%00b"
            let put = try await client.execute(uri: state, method: .put, headers: headers, body: buffer(#"{"page":1}"#))
            let (putStatus, putBody) = try refusal(put)
            #expect(putStatus == 400 && putBody.contains("stateId") && putBody.contains("U+0000"), "\(putBody)")

            let named = #"{"actor":{"account":{"homePage":"https://hr.example.com","name":"a\u0000b"}},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"https://courses.example.com/c"}}"#
            let posted = try await client.execute(uri: "/xapi/statements", method: .post, headers: headers, body: buffer(named))
            let (postStatus, postBody) = try refusal(posted)
            #expect(postStatus == 400 && postBody.contains("actor.account.name") && postBody.contains("U+0000"), "\(postBody)")

            let agent = #"{"account":{"homePage":"https://hr.example.com","name":"a\u0000b"}}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let queried = try await client.execute(uri: "/xapi/statements?agent=" + agent, method: .get, headers: headers)
            #expect(queried.status == .badRequest, "\(String(buffer: queried.body))")

            let team = try await client.execute(uri: "/analytics/proficiency?team=a%00b", method: .get, headers: lrs.headers(lrs.reader, version: nil))
            #expect(team.status == .badRequest && String(buffer: team.body).contains("team"), "\(String(buffer: team.body))")

            headers = lrs.headers(admin, version: nil)
            headers[.contentType] = "text/csv"
            let roster = try await client.execute(
                uri: "/analytics/roster", method: .put, headers: headers, body: buffer("mbox,name,team,hired\nmailto:ann@example.com,Ann,Sa\u{0}les,2020-01-01\n"))
            #expect(roster.status == .badRequest && String(buffer: roster.body).contains("line 2, column team"), "\(String(buffer: roster.body))")

            var keyed = HTTPFields()
            keyed[.authorization] = "Basic " + Data("a\u{0}b:secret".utf8).base64EncodedString()
            keyed[HTTPField.Name("X-Experience-API-Version")!] = "1.0.3"
            #expect(try await client.execute(uri: "/xapi/statements", method: .get, headers: keyed).status == .unauthorized)
        }
        #expect(try await Self.snapshot(lrs) == before, "nothing changed")
    }

    // MARK: Support

    /// Row counts of every table and the last statement's seq: equal snapshots mean nothing
    /// stored changed.
    static func snapshot(_ lrs: TestLRS) async throws -> [String: Int64] {
        var counts: [String: Int64] = [:]
        for name in try await lrs.tableNames() { counts[name] = try await lrs.scalar("SELECT COUNT(*) FROM \"\(name)\"") ?? -1 }
        counts["last seq"] = try await lrs.scalar("SELECT COALESCE(MAX(seq), 0) FROM statements") ?? -1
        return counts
    }
}
