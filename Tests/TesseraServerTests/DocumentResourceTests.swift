import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TesseraCrypto
import TesseraLRS
import TesseraSQLite
import Testing
import XAPI

/// The State, Activity Profile and Agent Profile resources over HTTP.
struct DocumentResourceTests {
    static let activity = "activityId=https%3A%2F%2Fcourses.example.com%2Ffire-safety"
    static let agent = "agent=%7B%22mbox%22%3A%22mailto%3Aann%40example.com%22%7D"
    static let state = "/xapi/activities/state?\(activity)&\(agent)"
    static let activityProfile = "/xapi/activities/profile?\(activity)"
    static let agentProfile = "/xapi/agents/profile?\(agent)"

    /// A TestLRS plus a credential for documents (state and profile).
    final class Fixture: @unchecked Sendable {
        let lrs: TestLRS
        let documents: IssuedCredential

        init() async throws {
            lrs = try await TestLRS()
            documents = try await lrs.credentials.create(name: "course documents", scopes: [.state, .profile])
        }

        func headers(version: String = "1.0.3", contentType: String? = "application/json", _ extra: [HTTPField.Name: String] = [:]) -> HTTPFields {
            var headers = lrs.headers(documents, version: version)
            if let contentType { headers[.contentType] = contentType }
            for (name, value) in extra { headers[name] = value }
            return headers
        }
    }

    private func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test(arguments: [TestingSetup.router, .live])
    func stateRoundTripWithETagAndLastModified(setup: TestingSetup) async throws {
        let fixture = try await Fixture()
        try await fixture.lrs.test(setup) { client in
            let content = #"{"bookmark":"page-7","score":42}"#
            let put = try await client.execute(
                uri: Self.state + "&stateId=resume", method: .put, headers: fixture.headers(), body: buffer(content))
            #expect(put.status == .noContent)
            let get = try await client.execute(uri: Self.state + "&stateId=resume", method: .get, headers: fixture.headers())
            #expect(get.status == .ok)
            #expect(body(get) == content, "the document comes back byte for byte")
            #expect(get.headers[.contentType] == "application/json")
            let sha1 = Digest.hex(Digest.sha1(Array(content.utf8)))
            #expect(get.headers[.eTag] == "\"\(sha1)\"", "the ETag is the quoted SHA-1 of the content")
            #expect(get.headers[.lastModified] != nil)
            let head = try await client.execute(uri: Self.state + "&stateId=resume", method: .head, headers: fixture.headers())
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            #expect(head.headers[.eTag] == get.headers[.eTag])
            let missing = try await client.execute(uri: Self.state + "&stateId=other", method: .get, headers: fixture.headers())
            #expect(missing.status == .notFound)
        }
    }

    @Test func anyContentTypeIsKeptAsSent() async throws {
        let fixture = try await Fixture()
        try await fixture.lrs.test(.router) { client in
            let bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF, 0x10]
            let put = try await client.execute(
                uri: Self.activityProfile + "&profileId=badge", method: .put,
                headers: fixture.headers(contentType: "image/png", ["If-None-Match": "*"].named), body: ByteBuffer(bytes: bytes))
            #expect(put.status == .noContent)
            let get = try await client.execute(uri: Self.activityProfile + "&profileId=badge", method: .get, headers: fixture.headers())
            #expect(Array(get.body.readableBytesView) == bytes)
            #expect(get.headers[.contentType] == "image/png")
        }
    }

    @Test func idListsFilterBySinceAndRegistrationAndDeleteRemovesOneOrAll() async throws {
        let fixture = try await Fixture()
        let registration = "registration=6e1f0001-7c2a-4d4b-9a2e-2f9b1c000001"
        try await fixture.lrs.test(.router) { client in
            for id in ["a", "b"] {
                let put = try await client.execute(uri: Self.state + "&stateId=\(id)", method: .put, headers: fixture.headers(), body: buffer("{}"))
                #expect(put.status == .noContent)
            }
            let inRegistration = try await client.execute(
                uri: Self.state + "&\(registration)&stateId=c", method: .put, headers: fixture.headers(), body: buffer("{}"))
            #expect(inRegistration.status == .noContent)
            let ids = try await client.execute(uri: Self.state, method: .get, headers: fixture.headers())
            #expect(try json(ids) as? [String] == ["a", "b"], "documents without a registration only")
            let registered = try await client.execute(uri: Self.state + "&\(registration)", method: .get, headers: fixture.headers())
            #expect(try json(registered) as? [String] == ["c"])

            try await Task.sleep(for: .milliseconds(5))
            let since = XAPITimestamp.now().text
            try await Task.sleep(for: .milliseconds(5))
            _ = try await client.execute(uri: Self.state + "&stateId=b", method: .put, headers: fixture.headers(), body: buffer(#"{"v":2}"#))
            let changed = try await client.execute(
                uri: Self.state + "&since=\(since.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", method: .get,
                headers: fixture.headers())
            #expect(try json(changed) as? [String] == ["b"])

            let deleteOne = try await client.execute(uri: Self.state + "&stateId=a", method: .delete, headers: fixture.headers())
            #expect(deleteOne.status == .noContent)
            let deleteAll = try await client.execute(uri: Self.state, method: .delete, headers: fixture.headers())
            #expect(deleteAll.status == .noContent)
            let none = try await client.execute(uri: Self.state, method: .get, headers: fixture.headers())
            #expect(try json(none) as? [String] == [])
            let stillRegistered = try await client.execute(uri: Self.state + "&\(registration)", method: .get, headers: fixture.headers())
            #expect(try json(stillRegistered) as? [String] == ["c"], "deleting without a registration leaves registered ones")
        }
    }

    @Test func postMergesTopLevelMembersOfJSONObjects() async throws {
        let fixture = try await Fixture()
        let uri = Self.agentProfile + "&profileId=preferences"
        try await fixture.lrs.test(.router) { client in
            let first = try await client.execute(uri: uri, method: .post, headers: fixture.headers(), body: buffer(#"{"a":1,"b":{"x":1}}"#))
            #expect(first.status == .noContent, "POST to a missing document stores it")
            let second = try await client.execute(uri: uri, method: .post, headers: fixture.headers(), body: buffer(#"{"b":{"y":2},"c":3}"#))
            #expect(second.status == .noContent)
            let merged = try await client.execute(uri: uri, method: .get, headers: fixture.headers())
            let object = try #require(try json(merged) as? [String: Any])
            #expect(object["a"] as? Int == 1)
            #expect(object["b"] as? [String: Int] == ["y": 2], "merge is one level deep: b is replaced whole")
            #expect(object["c"] as? Int == 3)

            for (content, contentType) in [("plain text", "text/plain"), ("[1,2]", "application/json"), ("{\"broken\":", "application/json")] {
                let refused = try await client.execute(
                    uri: uri, method: .post, headers: fixture.headers(contentType: contentType), body: buffer(content))
                #expect(refused.status == .badRequest, "\(content) as \(contentType)")
                #expect(body(refused).contains("\"message\""))
            }
            let unchanged = try await client.execute(uri: uri, method: .get, headers: fixture.headers())
            #expect(body(unchanged) == body(merged), "refused POSTs change nothing")

            _ = try await client.execute(
                uri: Self.agentProfile + "&profileId=notes", method: .put,
                headers: fixture.headers(contentType: "text/plain", ["If-None-Match": "*"].named), body: buffer("hello"))
            let intoText = try await client.execute(
                uri: Self.agentProfile + "&profileId=notes", method: .post, headers: fixture.headers(), body: buffer(#"{"a":1}"#))
            #expect(intoText.status == .badRequest, "JSON cannot merge into a stored non-JSON document")
        }
    }

    @Test func preconditionsOnProfiles() async throws {
        let fixture = try await Fixture()
        let uri = Self.activityProfile + "&profileId=config"
        try await fixture.lrs.test(.router) { client in
            let create = try await client.execute(
                uri: uri, method: .put, headers: fixture.headers(["If-None-Match": "*"].named), body: buffer(#"{"v":1}"#))
            #expect(create.status == .noContent)
            let etag = try #require(try await client.execute(uri: uri, method: .get, headers: fixture.headers()).headers[.eTag])

            let blind = try await client.execute(uri: uri, method: .put, headers: fixture.headers(), body: buffer(#"{"v":2}"#))
            #expect(blind.status == .conflict, "PUT without a precondition over an existing profile")
            #expect(body(blind).contains("If-Match"))
            let createAgain = try await client.execute(
                uri: uri, method: .put, headers: fixture.headers(["If-None-Match": "*"].named), body: buffer(#"{"v":2}"#))
            #expect(createAgain.status == .preconditionFailed)
            let stale = try await client.execute(
                uri: uri, method: .put, headers: fixture.headers(["If-Match": "\"0000\""].named), body: buffer(#"{"v":2}"#))
            #expect(stale.status == .preconditionFailed)
            let stalePost = try await client.execute(
                uri: uri, method: .post, headers: fixture.headers(["If-Match": "\"0000\""].named), body: buffer(#"{"w":2}"#))
            #expect(stalePost.status == .preconditionFailed)
            let staleDelete = try await client.execute(uri: uri, method: .delete, headers: fixture.headers(["If-Match": "\"0000\""].named))
            #expect(staleDelete.status == .preconditionFailed)
            let unchanged = try await client.execute(uri: uri, method: .get, headers: fixture.headers())
            #expect(body(unchanged) == #"{"v":1}"#, "failed preconditions change nothing")

            let current = try await client.execute(
                uri: uri, method: .put, headers: fixture.headers(["If-Match": etag].named), body: buffer(#"{"v":3}"#))
            #expect(current.status == .noContent)
            let replaced = try await client.execute(uri: uri, method: .get, headers: fixture.headers())
            #expect(body(replaced) == #"{"v":3}"#)
            #expect(replaced.headers[.eTag] != etag)
            let delete = try await client.execute(
                uri: uri, method: .delete, headers: fixture.headers(["If-Match": try #require(replaced.headers[.eTag])].named))
            #expect(delete.status == .noContent)
            let gone = try await client.execute(uri: uri, method: .get, headers: fixture.headers())
            #expect(gone.status == .notFound)
        }
    }

    @Test func profilePutWithoutPreconditionIsRefusedUnder1_0_3AndCreatesUnder2_0() async throws {
        let fixture = try await Fixture()
        try await fixture.lrs.test(.router) { client in
            for base in [Self.activityProfile, Self.agentProfile] {
                let old = base + "&profileId=new-1.0.3"
                let refused = try await client.execute(uri: old, method: .put, headers: fixture.headers(version: "1.0.3"), body: buffer("{}"))
                #expect(refused.status == .badRequest, "\(base): 1.0.3 PUT without If-Match or If-None-Match")
                #expect(body(refused).contains("If-None-Match"))
                let nothing = try await client.execute(uri: old, method: .get, headers: fixture.headers(version: "1.0.3"))
                #expect(nothing.status == .notFound, "a refused PUT stores nothing")

                let new = base + "&profileId=new-2.0.0"
                let created = try await client.execute(uri: new, method: .put, headers: fixture.headers(version: "2.0.0"), body: buffer("{}"))
                #expect(created.status == .noContent, "\(base): 2.0.0 creates without a precondition")
                for version in ["1.0.3", "2.0.0"] {
                    let blind = try await client.execute(uri: new, method: .put, headers: fixture.headers(version: version), body: buffer("{}"))
                    #expect(blind.status == .conflict, "\(base) \(version): a blind overwrite")
                }
            }
        }
    }

    @Test func stateAllowsBlindOverwritesIn1_0_3ButNotIn2_0() async throws {
        let fixture = try await Fixture()
        try await fixture.lrs.test(.router) { client in
            for version in ["1.0.3", "2.0.0"] {
                let uri = Self.state + "&stateId=blind-\(version)"
                let first = try await client.execute(uri: uri, method: .put, headers: fixture.headers(version: version), body: buffer("{}"))
                #expect(first.status == .noContent)
                let second = try await client.execute(uri: uri, method: .put, headers: fixture.headers(version: version), body: buffer("{}"))
                #expect(second.status == (version == "1.0.3" ? .noContent : .conflict), "version \(version)")
            }
        }
    }

    @Test func badParametersAreRejectedByName() async throws {
        let fixture = try await Fixture()
        try await fixture.lrs.test(.router) { client in
            let cases: [(String, HTTPRequest.Method, String)] = [
                ("/xapi/activities/state?\(Self.agent)&stateId=x", .put, "activityId"),
                ("/xapi/activities/state?\(Self.activity)&stateId=x", .get, "agent"),
                ("/xapi/activities/state?\(Self.activity)&agent=not-json&stateId=x", .delete, "agent"),
                ("/xapi/activities/state?\(Self.activity)&agent=%7B%22name%22%3A%22x%22%7D&stateId=x", .get, "agent"),
                (Self.state, .put, "stateId"),
                (Self.state + "&stateId=x&registration=nope", .put, "registration"),
                (Self.state + "&since=yesterday", .get, "since"),
                ("/xapi/activities/state?activityId=not%20an%20iri&\(Self.agent)", .get, "activityId"),
                (Self.activityProfile, .delete, "profileId"),
                ("/xapi/agents/profile?profileId=x", .get, "agent"),
                (Self.state + "&stateId=x&color=blue", .get, "color"),
            ]
            for (uri, method, parameter) in cases {
                let response = try await client.execute(uri: uri, method: method, headers: fixture.headers(), body: buffer("{}"))
                #expect(response.status == .badRequest, "\(method) \(uri)")
                #expect(body(response).contains(parameter), "\(method) \(uri): \(body(response))")
            }
        }
    }

    @Test func documentsNeedTheirScopes() async throws {
        let fixture = try await Fixture()
        let statementsOnly = fixture.lrs.writer
        let reader = try await fixture.lrs.credentials.create(name: "auditor", scopes: [.allRead])
        let stateOnly = try await fixture.lrs.credentials.create(name: "state only", scopes: [.state])
        try await fixture.lrs.test(.router) { client in
            let denied = try await client.execute(
                uri: Self.state + "&stateId=x", method: .put, headers: fixture.lrs.headers(statementsOnly, json: true), body: buffer("{}"))
            #expect(denied.status == .forbidden)
            let allowed = try await client.execute(
                uri: Self.state + "&stateId=x", method: .put, headers: fixture.lrs.headers(stateOnly, json: true), body: buffer("{}"))
            #expect(allowed.status == .noContent)
            let profileDenied = try await client.execute(
                uri: Self.agentProfile + "&profileId=x", method: .put, headers: fixture.lrs.headers(stateOnly, json: true), body: buffer("{}"))
            #expect(profileDenied.status == .forbidden)
            let read = try await client.execute(uri: Self.state + "&stateId=x", method: .get, headers: fixture.lrs.headers(reader))
            #expect(read.status == .ok, "all/read reads documents")
            let write = try await client.execute(
                uri: Self.state + "&stateId=x", method: .put, headers: fixture.lrs.headers(reader, json: true), body: buffer("{}"))
            #expect(write.status == .forbidden, "all/read does not write")
        }
    }
}

extension Dictionary where Key == String, Value == String {
    /// Header fields from plain names.
    var named: [HTTPField.Name: String] {
        Dictionary<HTTPField.Name, String>(uniqueKeysWithValues: map { (HTTPField.Name($0.key)!, $0.value) })
    }
}

extension DocumentResourceTests {
    @Test func aDocumentStoredAsHTMLIsServedInert() async throws {
        let lrs = try await TestLRS()
        let content = try await lrs.credentials.create(name: "content", scopes: [.state])
        try await lrs.test(.live) { client in
            let path = "/xapi/activities/state?activityId=https%3A%2F%2Fcourses.example.com%2Fc&stateId=page"
                + "&agent=%7B%22mbox%22%3A%22mailto%3Aann%40example.com%22%7D"
            var headers = lrs.headers(content)
            headers[.contentType] = "text/html"
            let page = "<html><body><script>fetch('/admin/agents',{method:'DELETE'})</script></body></html>"
            #expect(try await client.execute(uri: path, method: .put, headers: headers, body: buffer(page)).status == .noContent)
            let read = try await client.execute(uri: path, method: .get, headers: lrs.headers(content))
            #expect(read.status == .ok)
            #expect(String(buffer: read.body) == page, "stored and served as sent")
            let policy = try #require(read.headers[.contentSecurityPolicy])
            #expect(policy.contains("sandbox") && policy.contains("default-src 'none'"), "a browser opening it runs nothing")
            #expect(read.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
        }
    }
}
