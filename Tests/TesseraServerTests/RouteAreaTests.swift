import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TesseraLRS
import Testing

/// Routes are grouped by area, each with exactly its middleware: the version check, CORS and the
/// alternate request syntax belong to `/xapi` only, whatever the path's spelling, and every
/// area answers its unknown paths and methods through its own middleware.
struct RouteAreaTests {
    static let versionHeader = HTTPField.Name("X-Experience-API-Version")!
    static let evilOrigin = "https://evil.example"

    /// Sends `request` over a raw socket and returns the status line's code and the head.
    static func raw(_ port: Int, _ request: String) async throws -> (status: Int?, head: String) {
        let connection = try RawHTTPConnection(port: port)
        connection.send(request)
        let text = String(decoding: await connection.receiveAll(), as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
        return (text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }, head.lowercased())
    }

    @Test func pathsSpelledWithExtraSlashesGetTheirAreasMiddleware() async throws {
        let lrs = try await TestLRS()
        let token = lrs.headers(version: nil)[.authorization]!
        try await lrs.test(.live) { client in
            let port = try #require(client.port)
            let unversioned = try await Self.raw(port, "GET //xapi//statements HTTP/1.1\r\nHost: x\r\nAuthorization: \(token)\r\nConnection: close\r\n\r\n")
            #expect(unversioned.status == 400, "the version check applies to //xapi//statements")
            #expect(unversioned.head.contains("x-experience-api-version: 2.0.0"))
            let versioned = try await Self.raw(
                port, "GET //xapi//statements HTTP/1.1\r\nHost: x\r\nAuthorization: \(token)\r\nX-Experience-API-Version: 1.0.3\r\nConnection: close\r\n\r\n")
            #expect(versioned.status == 200)
            #expect(versioned.head.contains("x-experience-api-consistent-through:"), "the matched route, not the spelling, decides")
            let anonymous = try await Self.raw(port, "GET //admin//agents HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(anonymous.status == 401)
            let preflight = try await Self.raw(
                port, "OPTIONS //admin/agents HTTP/1.1\r\nHost: x\r\nOrigin: \(Self.evilOrigin)\r\nAccess-Control-Request-Method: DELETE\r\nConnection: close\r\n\r\n")
            #expect(!preflight.head.contains("access-control-allow-origin"), "no CORS outside /xapi")
        }
    }

    @Test(arguments: [TestingSetup.router, .live])
    func corsIsForTheXAPIAreaOnly(setup: TestingSetup) async throws {
        let lrs = try await TestLRS()
        let admin = try await lrs.credentials.create(name: "admin", scopes: [.admin, .allRead, .analyticsRead])
        try await lrs.test(setup) { client in
            var headers = lrs.headers(admin)
            headers[.origin] = Self.evilOrigin
            let xapi = try await client.execute(uri: "/xapi/statements", method: .get, headers: headers)
            #expect(xapi.status == .ok)
            #expect(xapi.headers[.accessControlAllowOrigin] == Self.evilOrigin, "course content calls the LRS cross-origin")
            for path in ["/admin/agents?agent=%7B%22mbox%22%3A%22mailto%3Aann%40example.com%22%7D", "/export/statements", "/analytics/proficiency",
                         "/dashboard/login", "/health"] {
                let response = try await client.execute(uri: path, method: path.hasPrefix("/admin") ? .delete : .get, headers: headers)
                #expect(response.headers[.accessControlAllowOrigin] == nil, "\(path)")
                #expect(response.headers[.accessControlAllowCredentials] == nil, "\(path)")
            }
            var preflight = HTTPFields()
            preflight[.origin] = Self.evilOrigin
            preflight[.accessControlRequestMethod] = "POST"
            let allowed = try await client.execute(uri: "/xapi/statements", method: .options, headers: preflight)
            #expect(allowed.headers[.accessControlAllowOrigin] == Self.evilOrigin)
            #expect(allowed.headers[.accessControlAllowMethods]?.contains("POST") == true)
            let refused = try await client.execute(uri: "/admin/agents", method: .options, headers: preflight)
            #expect(refused.headers[.accessControlAllowOrigin] == nil)
        }
    }

    @Test(arguments: [TestingSetup.router, .live])
    func theAlternateSyntaxCannotReachAdminExportOrAnalytics(setup: TestingSetup) async throws {
        let lrs = try await TestLRS()
        let admin = try await lrs.credentials.create(name: "admin", scopes: [.admin, .statementsWrite])
        try await lrs.test(setup) { client in
            let posted = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: lrs.headers(admin, json: true), body: buffer(statementJSON(actor: "ann")))
            #expect(posted.status == .ok)
            // A cross-site form: the browser sends the form and, at best, a cookie; here even
            // the credential is in the form, as the alternate syntax allows under /xapi.
            let authorization = lrs.headers(admin)[.authorization]!
            let form = "Authorization=" + authorization.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                + "&agent=%7B%22mbox%22%3A%22mailto%3Aann%40example.com%22%7D"
            var headers = lrs.headers(admin, version: nil)
            headers[.contentType] = "application/x-www-form-urlencoded"
            let erased = try await client.execute(uri: "/admin/agents?method=DELETE", method: .post, headers: headers, body: buffer(form))
            #expect(erased.status == .methodNotAllowed, "\(String(buffer: erased.body))")
            #expect(erased.headers[.allow] == "DELETE")
            let still = try await client.execute(uri: "/xapi/statements?agent=%7B%22mbox%22%3A%22mailto%3Aann%40example.com%22%7D", method: .get, headers: lrs.headers())
            let page = try #require(try json(still) as? [String: Any])
            #expect((page["statements"] as? [Any])?.count == 1, "nobody was erased")
            // Under /xapi the alternate syntax still works.
            let viaForm = try await client.execute(
                uri: "/xapi/statements?method=GET", method: .post, headers: headers,
                body: buffer("Authorization=" + authorization.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&X-Experience-API-Version=1.0.3"))
            #expect(viaForm.status == .ok, "\(String(buffer: viaForm.body))")
        }
    }

    @Test(arguments: [TestingSetup.router, .live])
    func unknownPathsAndMethodsAreAnsweredByTheirArea(setup: TestingSetup) async throws {
        let lrs = try await TestLRS()
        try await lrs.test(setup) { client in
            let unknown = try await client.execute(uri: "/xapi/no-such-resource", method: .get, headers: lrs.headers())
            #expect(unknown.status == .notFound)
            #expect(unknown.headers[Self.versionHeader] == "1.0.3", "an unknown /xapi path still answers in the client's version")
            #expect(String(buffer: unknown.body).contains("no resource at /xapi/no-such-resource"))
            #expect(try await client.execute(uri: "/xapi/no-such-resource", method: .get, headers: lrs.headers(version: nil).removing(.authorization))
                .status == .badRequest, "the version check comes first")

            let patch = try await client.execute(uri: "/xapi/statements", method: .patch, headers: lrs.headers(json: true), body: buffer("{}"))
            #expect(patch.status == .methodNotAllowed)
            #expect(patch.headers[.allow] == "PUT, POST, GET, HEAD")
            #expect(patch.headers[Self.versionHeader] == "1.0.3")
            #expect(patch.headers[HTTPField.Name("X-Experience-API-Consistent-Through")!] != nil)

            let mistypedAdmin = try await client.execute(uri: "/admin/agent", method: .delete)
            #expect(mistypedAdmin.status == .unauthorized, "a mistyped /admin path still needs a credential")
            #expect(try await client.execute(uri: "/nowhere", method: .get).status == .notFound)
            let options = try await client.execute(uri: "/health", method: .options)
            #expect(options.status == .noContent && options.headers[.allow] == "GET, HEAD")

            let about = try await client.execute(uri: "/xapi/about", method: .get)
            #expect(about.status == .ok, "About needs neither a credential nor a version")
            #expect(try await client.execute(uri: "/export/public-key", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/export/statements", method: .get).status == .unauthorized)
        }
    }
}

extension HTTPFields {
    fileprivate func removing(_ name: HTTPField.Name) -> HTTPFields {
        var fields = self
        fields[name] = nil
        return fields
    }
}
