import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TesseraLRS
import Testing

/// The admin console and `/admin/credentials`: roles, credentials created and revoked at once,
/// erasure with its reason in the audit log.
struct ConsoleTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func post(_ client: some TestClientProtocol, _ uri: String, _ body: String, cookie: String, origin: String? = nil) async throws -> TestResponse {
        var headers = form
        headers[.cookie] = cookie
        if let origin { headers[.origin] = origin }
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test func viewersSeeTheDashboardAdminsTheConsoleToo() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            #expect(try await client.execute(uri: "/console", method: .get).headers[.location] == "/dashboard/login")
            let viewer = try await DashboardTests.sessionCookie(client, lrs.viewer)
            let refused = try await client.execute(uri: "/console/credentials", method: .get, headers: [.cookie: viewer])
            #expect(refused.status == .forbidden && String(buffer: refused.body).contains("needs the admin role"))
            let dashboard = String(buffer: try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: viewer]).body)
            #expect(!dashboard.contains(#"href="/console""#), "no console link for a viewer")

            let admin = try await DashboardTests.sessionCookie(client, lrs.administrator)
            let home = try await client.execute(uri: "/console", method: .get, headers: [.cookie: admin])
            #expect(home.status == .ok && home.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'") == true)
            #expect(String(buffer: try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: admin]).body).contains(#"href="/console""#))
        }
    }

    @Test func aCredentialMadeInTheConsoleWorksUntilRevoked() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let admin = try await DashboardTests.sessionCookie(client, lrs.administrator)
            let empty = try await Self.post(client, "/console/credentials", "name=Storyline+courses", cookie: admin)
            #expect(empty.status == .badRequest && String(buffer: empty.body).contains("Choose at least one scope"))
            let forged = try await Self.post(client, "/console/credentials", "name=x&scope.admin=on", cookie: admin, origin: "https://attacker.example")
            #expect(forged.status == .forbidden)
            #expect(try await lrs.credentials.list().count == 2, "nothing created by a refused form")

            let created = try await Self.post(client, "/console/credentials", "name=Storyline+courses&scope.statements%2Fwrite=on", cookie: admin)
            #expect(created.status == .created)
            let page = String(buffer: created.body)
            func value(_ marker: String) -> String? {
                page.range(of: "<code data-\(marker)>").flatMap { start in page[start.upperBound...].range(of: "</code>").map { String(page[start.upperBound..<$0.lowerBound]) } }
            }
            let key = try #require(value("key")), secret = try #require(value("secret"))
            #expect(page.contains("it is not shown again"))
            let issued = IssuedCredential(
                credential: try #require(try await lrs.credentials.list().first { $0.key == key }), secret: secret)
            #expect(issued.credential.scopes == [.statementsWrite] && issued.credential.name == "Storyline courses")

            let statement = ByteBuffer(string: #"{"actor":{"mbox":"mailto:ann@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"https://courses.example.com/a"}}"#)
            let stored = try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(issued, json: true), body: statement)
            #expect(stored.status == .ok, "the new credential posts a statement")

            // When it was last used is written after the request, in the background.
            var listed = ""
            for _ in 0..<100 {
                listed = String(buffer: try await client.execute(uri: "/console/credentials", method: .get, headers: [.cookie: admin]).body)
                let row = listed.components(separatedBy: "<tr>").first { $0.contains(key) } ?? ""
                if row.contains("<td data-last-used>20") { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(listed.contains(key) && !listed.contains(secret), "listed, never with its secret")
            #expect((listed.components(separatedBy: "<tr>").first { $0.contains(key) } ?? "").contains("<td data-last-used>20"), "its last use is shown")
            let revoked = try await Self.post(client, "/console/credentials/revoke", "key=\(key)", cookie: admin)
            #expect(revoked.status == .ok && String(buffer: revoked.body).contains("Revoked \(key)"))
            let refused = try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(issued, json: true), body: statement)
            #expect(refused.status == .unauthorized, "refused at once")
            #expect(try await Self.post(client, "/console/credentials/revoke", "key=\(key)", cookie: admin).status == .notFound)
        }
    }

    @Test func anErasureRecordsItsReason() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let statement = ByteBuffer(string: #"{"actor":{"mbox":"mailto:leaver@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"https://courses.example.com/a"}}"#)
            #expect(try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(lrs.writer, json: true), body: statement).status == .ok)
            let admin = try await DashboardTests.sessionCookie(client, lrs.administrator)
            let noReason = try await Self.post(client, "/console/erase", "person=leaver%40example.com&reason=", cookie: admin)
            #expect(noReason.status == .badRequest && String(buffer: noReason.body).contains("Record why"))
            let erased = try await Self.post(client, "/console/erase", "person=leaver%40example.com&reason=GDPR+request+HR-1234", cookie: admin)
            #expect(erased.status == .ok)
            #expect(String(buffer: erased.body).contains("1 statements"), "\(String(buffer: erased.body))")
            let audit = String(buffer: try await client.execute(uri: "/console/audit", method: .get, headers: [.cookie: admin]).body)
            #expect(audit.contains("account ada; reason: GDPR request HR-1234"))
            let viewer = try await DashboardTests.sessionCookie(client, lrs.viewer)
            #expect(try await Self.post(client, "/console/erase", "person=a%40example.com&reason=x", cookie: viewer).status == .forbidden)
        }
    }

    @Test func theStatementBrowserFiltersAndMarksVoidedStatements() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let first = "7a1a3e0a-1b3c-4d5e-8f90-123456789abc", second = "7a1a3e0a-1b3c-4d5e-8f90-123456789abd"
            let statements = ByteBuffer(string: #"[{"id":"\#(first)","actor":{"mbox":"mailto:ann@example.com","name":"Ann"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed","display":{"en-US":"completed"}},"object":{"id":"https://courses.example.com/a"},"result":{"score":{"scaled":0.9},"success":true}},{"id":"\#(second)","actor":{"mbox":"mailto:bo@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attempted"},"object":{"id":"https://courses.example.com/b"}}]"#)
            #expect(try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(lrs.writer, json: true), body: statements).status == .ok)
            let voiding = ByteBuffer(string: #"{"actor":{"mbox":"mailto:admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"\#(second)"}}"#)
            #expect(try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(lrs.writer, json: true), body: voiding).status == .ok)

            let admin = try await DashboardTests.sessionCookie(client, lrs.administrator)
            let all = String(buffer: try await client.execute(uri: "/console/statements", method: .get, headers: [.cookie: admin]).body)
            #expect(all.contains("Ann") && all.contains("completed") && all.contains("score 0.9, passed"), "\(all)")
            #expect(all.contains("voided") && !all.contains("attempted"), "the voided statement is not listed, the voiding one is")
            let ann = String(buffer: try await client.execute(uri: "/console/statements?person=ann%40example.com", method: .get, headers: [.cookie: admin]).body)
            #expect(ann.contains("/console/statements/\(first)") && !ann.contains("admin@example.com"))
            let nobody = String(buffer: try await client.execute(uri: "/console/statements?person=zed%40example.com", method: .get, headers: [.cookie: admin]).body)
            #expect(nobody.contains("No statement matches"))
            let bad = try await client.execute(uri: "/console/statements?verb=completed", method: .get, headers: [.cookie: admin])
            #expect(bad.status == .badRequest && String(buffer: bad.body).contains("verb: an IRI"))

            let shown = String(buffer: try await client.execute(uri: "/console/statements/\(first)", method: .get, headers: [.cookie: admin]).body)
            #expect(shown.contains("&quot;scaled&quot; : 0.9") && !shown.contains("data-voided"), "\(shown)")
            let voided = String(buffer: try await client.execute(uri: "/console/statements/\(second)", method: .get, headers: [.cookie: admin]).body)
            #expect(voided.contains("data-voided"), "a voided statement is shown, marked")
            #expect(try await client.execute(uri: "/console/statements/not-a-uuid", method: .get, headers: [.cookie: admin]).status == .badRequest)
            let vocabulary = String(buffer: try await client.execute(uri: "/console/vocabulary", method: .get, headers: [.cookie: admin]).body)
            #expect(vocabulary.contains("<code>http://adlnet.gov/expapi/verbs/completed</code>") && vocabulary.contains("https://courses.example.com/b"))
        }
    }

    @Test func aRosterIsCheckedWholeBeforeItIsApplied() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let admin = try await DashboardTests.sessionCookie(client, lrs.administrator)
            func encoded(_ text: String) -> String { "document=" + (text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
            let broken = "mbox,name,team,hired,left\nmailto:ann@example.com,Ann,Floor,2024-01-05,\nann.example.com,Bo,Floor,2024-02-30,\n"
            let refused = try await Self.post(client, "/console/roster", encoded(broken), cookie: admin)
            let page = String(buffer: refused.body)
            #expect(refused.status == .badRequest && page.contains("Nothing was applied: 2 problems"), "\(page)")
            #expect(page.contains("line 3, column mbox") && page.contains("line 3, column hired"), "every problem, by line and column")
            #expect(page.contains("ann.example.com,Bo"), "the text is kept to be fixed")
            #expect(try await lrs.store.roster().people.isEmpty, "nothing applied")
            let fixed = broken.replacingOccurrences(of: "ann.example.com", with: "mailto:bo@example.com").replacingOccurrences(of: "02-30", with: "02-28")
            let loaded = try await Self.post(client, "/console/roster", encoded(fixed), cookie: admin)
            #expect(loaded.status == .ok && String(buffer: loaded.body).contains("Loaded the roster: 2 people"))
            #expect(try await lrs.store.roster().people.count == 2)
            let catalog = try await Self.post(client, "/console/catalog", encoded(#"{"programs":[{"id":"x"}]}"#), cookie: admin)
            #expect(catalog.status == .badRequest && String(buffer: catalog.body).contains("catalog.programs[0]"))
            #expect(try await lrs.store.catalog() == nil)
        }
    }

    @Test func adminsManageAccountsInTheConsole() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let admin = try await DashboardTests.sessionCookie(client, lrs.administrator)
            let bad = try await Self.post(client, "/console/accounts", "name=two+words&role=viewer", cookie: admin)
            #expect(bad.status == .badRequest && String(buffer: bad.body).contains("The name must be"))
            let twice = try await Self.post(client, "/console/accounts", "name=lena&role=viewer", cookie: admin)
            #expect(twice.status == .badRequest && String(buffer: twice.body).contains("exists already"))
            let created = try await Self.post(client, "/console/accounts", "name=omar&fullName=Omar+Okafor&role=viewer", cookie: admin)
            #expect(created.status == .created)
            let page = String(buffer: created.body)
            let password = try #require(page.range(of: "<code data-password>").flatMap { start in
                page[start.upperBound...].range(of: "</code>").map { String(page[start.upperBound..<$0.lowerBound]) } })
            let omar = try await DashboardTests.sessionCookie(
                client, IssuedCredential(credential: try #require(try await lrs.accounts.active(key: "omar")), secret: password))
            #expect(String(buffer: try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: omar]).body).contains("Signed in as Omar Okafor"))
            #expect(try await client.execute(uri: "/console", method: .get, headers: [.cookie: omar]).status == .forbidden, "a viewer")

            let disabled = try await Self.post(client, "/console/accounts/disable", "name=omar", cookie: admin)
            #expect(disabled.status == .ok && String(buffer: disabled.body).contains("Disabled omar"))
            #expect(try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: omar]).status == .seeOther, "signed out at once")
            let own = try await Self.post(client, "/console/accounts/disable", "name=ada", cookie: admin)
            #expect(own.status == .badRequest, "not one's own account")
        }
    }

    @Test func credentialsOverTheAdminAPI() async throws {
        let lrs = try await TestLRS()
        let admin = try await lrs.credentials.create(name: "operator", scopes: [.admin])
        try await lrs.test(.router) { client in
            let headers = lrs.headers(admin, version: nil, json: true)
            let created = try await client.execute(
                uri: "/admin/credentials", method: .post, headers: headers, body: ByteBuffer(string: #"{"name":"LMS bridge","scopes":["statements/write","statements/read/mine"]}"#))
            #expect(created.status == .created)
            let body = try #require(try json(created) as? [String: Any])
            let key = try #require(body["key"] as? String)
            #expect((body["secret"] as? String)?.count == 40 && body["scopes"] as? [String] == ["statements/read/mine", "statements/write"])
            let list = try #require(try json(try await client.execute(uri: "/admin/credentials", method: .get, headers: headers)) as? [[String: Any]])
            #expect(list.contains { $0["key"] as? String == key } && list.allSatisfy { $0["secret"] == nil })
            for (payload, field) in [(#"{"name":"x","scopes":["everything"]}"#, "scopes[0]"), (#"{"scopes":["admin"]}"#, "name"),
                                     (#"{"name":"x","scopes":[]}"#, "scopes"), (#"{"name":"x","scopes":["admin"],"extra":1}"#, "extra"), ("[", "body")] {
                let refused = try await client.execute(uri: "/admin/credentials", method: .post, headers: headers, body: ByteBuffer(string: payload))
                #expect(refused.status == .badRequest && String(buffer: refused.body).contains(#""path":"\#(field)""#), "\(payload): \(String(buffer: refused.body))")
            }
            #expect(try await client.execute(uri: "/admin/credentials/\(key)", method: .delete, headers: headers).status == .noContent)
            #expect(try await client.execute(uri: "/admin/credentials/\(key)", method: .delete, headers: headers).status == .notFound)
            #expect(try await lrs.credentials.authenticate(key: key, secret: body["secret"] as? String ?? "") == nil)
            #expect(try await client.execute(uri: "/admin/credentials", method: .get, headers: lrs.headers(lrs.reader, version: nil)).status == .forbidden)
            let erase = try await client.execute(
                uri: "/admin/agents?agent=%7B%22mbox%22%3A%22mailto%3Anobody%40example.com%22%7D&reason=Ticket+42", method: .delete, headers: headers)
            #expect(erase.status == .ok && String(buffer: erase.body).contains("credential operator; reason: Ticket 42"))
        }
    }
}
