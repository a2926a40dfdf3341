import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import XAPI

/// The versions a server is set to serve, and the conformance rules that differ between
/// 1.0.3 and 2.0.0 or that hold on every response of the Statement resource.
struct XAPIVersionsAndConformanceTests {
    static let versionHeader = HTTPField.Name("X-Experience-API-Version")!
    static let consistentThrough = HTTPField.Name("X-Experience-API-Consistent-Through")!

    @Test func servedVersionsAreReadFromACommaSeparatedList() throws {
        #expect(ServedXAPIVersions(parsing: "1.0.3,2.0.0") == .all)
        #expect(ServedXAPIVersions(parsing: "2.0.0,1.0.3") == .all, "order does not matter")
        let only1 = try #require(ServedXAPIVersions(parsing: "1.0.3"))
        #expect(only1.versions == [.v1_0_3])
        #expect(only1.newest == .v1_0_3)
        #expect(!only1.contains(.v2_0_0))
        #expect(ServedXAPIVersions(parsing: "2.0")?.versions == [.v2_0_0], "2.0 names 2.0.0, as in the header")
        #expect(ServedXAPIVersions.all.newest == .v2_0_0)
        #expect(ServedXAPIVersions.all.description == "1.0.3,2.0.0")
        for bad in ["", "1.0.3,", "3.0.0", "1.0.3,0.9", "latest"] {
            #expect(ServedXAPIVersions(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test(arguments: [TestingSetup.router, .live])
    func aServerFor1_0_3AloneLabelsAndListsOnly1_0_3(setup: TestingSetup) async throws {
        let lrs = try await TestLRS()
        try await lrs.test(setup, xapiVersions: try #require(ServedXAPIVersions(parsing: "1.0.3"))) { client in
            let unlabelled = try await client.execute(uri: "/xapi/statements", method: .get, headers: lrs.headers(version: nil))
            #expect(unlabelled.status == .badRequest)
            #expect(unlabelled.headers[Self.versionHeader] == "1.0.3", "the newest served version labels it")

            let newer = try await client.execute(uri: "/xapi/statements", method: .get, headers: lrs.headers(version: "2.0.0"))
            #expect(newer.status == .badRequest)
            #expect(String(buffer: newer.body).contains("(1.0.3)"), "\(String(buffer: newer.body))")

            let served = try await client.execute(uri: "/xapi/statements", method: .get, headers: lrs.headers(version: "1.0.3"))
            #expect(served.status == .ok)
            #expect(served.headers[Self.versionHeader] == "1.0.3")

            let about = try await client.execute(uri: "/xapi/about", method: .get)
            #expect((try json(about) as? [String: Any])?["version"] as? [String] == ["1.0.3"])
            #expect(about.headers[Self.versionHeader] == "1.0.3")
        }
    }

    @Test func theDefaultServerLabelsUnversionedRequests2_0_0() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let unlabelled = try await client.execute(uri: "/xapi/statements", method: .get, headers: lrs.headers(version: nil))
            #expect(unlabelled.status == .badRequest)
            #expect(unlabelled.headers[Self.versionHeader] == "2.0.0")
            let about = try await client.execute(uri: "/xapi/about", method: .get)
            #expect((try json(about) as? [String: Any])?["version"] as? [String] == ["1.0.3", "2.0.0"])
        }
    }

    @Test(arguments: ["1.0.3", "2.0.0"])
    func everyStatementResponseSaysHowCurrentItIs(version: String) async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let unknownId = "6e1f0001-7c2a-4d4b-9a2e-2f9b1c0000ff"
            let cases: [(String, HTTPRequest.Method, String?, HTTPResponse.Status)] = [
                ("/xapi/statements?statementId=\(unknownId)&verb=http%3A%2F%2Fexample.com%2Fv", .get, nil, .badRequest),
                ("/xapi/statements?voidedStatementId=\(unknownId)&limit=1", .get, nil, .badRequest),
                ("/xapi/statements?statementId=\(unknownId)", .get, nil, .notFound),
                ("/xapi/statements", .post, #"{"actor":{}}"#, .badRequest),
                ("/xapi/statements", .get, nil, .ok),
            ]
            for (uri, method, body, status) in cases {
                let response = try await client.execute(
                    uri: uri, method: method, headers: lrs.headers(version: version, json: body != nil), body: body.map(buffer))
                #expect(response.status == status, "\(method) \(uri)")
                let header = try #require(response.headers[Self.consistentThrough], "\(method) \(uri) \(response.status)")
                #expect((try? XAPITimestamp.parse(header, version: .v2_0_0).get()) != nil, "\(header) is a timestamp")
            }
        }
    }

    @Test func anIdentifiedGroupIsNotAnAuthority() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let members = #"[{"mbox":"mailto:app@example.com"},{"account":{"homePage":"https://e.com","name":"ann"}}]"#
            let identified = statementJSON(
                extra: #""authority":{"objectType":"Group","mbox":"mailto:team@example.com","member":\#(members)}"#)
            let refused = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(identified))
            #expect(refused.status == .badRequest)
            #expect(String(buffer: refused.body).contains("authority"), "\(String(buffer: refused.body))")
            let anonymous = statementJSON(extra: #""authority":{"objectType":"Group","member":\#(members)}"#)
            let accepted = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(anonymous))
            #expect(accepted.status == .ok, "\(String(buffer: accepted.body))")
        }
    }

    @Test(arguments: [("1.0.3", "1.0"), ("2.0.0", "2.0"), ("2.0.0", "1.0")])
    func aStatementVersionWithoutPatchIsAccepted(header: String, statementVersion: String) async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let id = "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000010"
            let put = try await client.execute(
                uri: "/xapi/statements?statementId=\(id)", method: .put, headers: lrs.headers(version: header, json: true),
                body: buffer(statementJSON(extra: #""version":"\#(statementVersion)""#)))
            #expect(put.status == .noContent, "\(String(buffer: put.body))")
            let read = try await client.execute(
                uri: "/xapi/statements?statementId=\(id)", method: .get, headers: lrs.headers(version: header))
            #expect((try json(read) as? [String: Any])?["version"] as? String == statementVersion)
        }
    }

    @Test func idsFormatDropsAnActivitysObjectType() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let id = "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000011"
            let statement = #"""
                {"actor":{"mbox":"mailto:ann@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},
                 "object":{"objectType":"Activity","id":"https://e.com/a","definition":{"name":{"en-US":"A"}}}}
                """#
            let put = try await client.execute(
                uri: "/xapi/statements?statementId=\(id)", method: .put, headers: lrs.headers(json: true), body: buffer(statement))
            #expect(put.status == .noContent)
            let ids = try await client.execute(
                uri: "/xapi/statements?statementId=\(id)&format=ids", method: .get, headers: lrs.headers())
            let object = try #require((try json(ids) as? [String: Any])?["object"] as? [String: Any])
            #expect(object.keys.sorted() == ["id"])
            let exact = try await client.execute(
                uri: "/xapi/statements?statementId=\(id)&format=exact", method: .get, headers: lrs.headers())
            #expect(((try json(exact) as? [String: Any])?["object"] as? [String: Any])?["objectType"] as? String == "Activity")
        }
    }
}
