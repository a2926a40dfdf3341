import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TesseraLRS
import TesseraSQLite
import Testing

/// Loading and reading the analytics catalog and roster over HTTP.
struct CatalogRosterResourceTests {
    static let catalog = #"{"skills":[{"id":"https://skills.example.com/sql","name":"SQL"}],"programs":[{"id":"https://programs.example.com/analyst","name":"Analyst","kind":"reskilling","mode":"voluntary","activities":["https://courses.example.com/sql"]}],"levels":[{"name":"novice","min":0}]}"#

    private func headers(_ lrs: TestLRS, _ credential: IssuedCredential, contentType: String? = nil, accept: String? = nil) -> HTTPFields {
        var headers = lrs.headers(credential, version: nil)
        if let contentType { headers[.contentType] = contentType }
        if let accept { headers[.accept] = accept }
        return headers
    }

    @Test(arguments: [TestingSetup.router, .live])
    func adminsLoadTheCatalogAndDashboardsReadIt(setup: TestingSetup) async throws {
        let lrs = try await TestLRS()
        let admin = try await lrs.credentials.create(name: "operator", scopes: [.admin])
        try await lrs.test(setup) { client in
            let none = try await client.execute(uri: "/analytics/catalog", method: .get, headers: headers(lrs, lrs.reader))
            #expect(none.status == .notFound)
            let denied = try await client.execute(
                uri: "/analytics/catalog", method: .put, headers: headers(lrs, lrs.reader, contentType: "application/json"),
                body: buffer(Self.catalog))
            #expect(denied.status == .forbidden, "analytics/read cannot load a catalog")
            let loaded = try await client.execute(
                uri: "/analytics/catalog", method: .put, headers: headers(lrs, admin, contentType: "application/json"),
                body: buffer(Self.catalog))
            #expect(loaded.status == .noContent)
            #expect(loaded.headers[HTTPField.Name("X-Experience-API-Version")!] == nil, "not an xAPI resource")
            let read = try await client.execute(uri: "/analytics/catalog", method: .get, headers: headers(lrs, lrs.reader))
            #expect(read.status == .ok)
            let object = try #require(try json(read) as? [String: Any])
            #expect((object["programs"] as? [[String: Any]])?.first?["kind"] as? String == "reskilling")
            #expect(object["masteryScore"] as? Double == 0.8, "defaults are written out")
        }
    }

    @Test func invalidCatalogsAre400sNamingEachProblemAndChangeNothing() async throws {
        let lrs = try await TestLRS()
        let admin = try await lrs.credentials.create(name: "operator", scopes: [.admin])
        try await lrs.test(.router) { client in
            _ = try await client.execute(
                uri: "/analytics/catalog", method: .put, headers: headers(lrs, admin, contentType: "application/json"), body: buffer(Self.catalog))
            let bad = #"{"programs":[{"id":"https://p.example.com/x","name":"X","kind":"sideways","mode":"voluntary","activities":["nope"]}]}"#
            let response = try await client.execute(
                uri: "/analytics/catalog", method: .put, headers: headers(lrs, admin, contentType: "application/json"), body: buffer(bad))
            #expect(response.status == .badRequest)
            let errors = try #require((try json(response) as? [String: Any])?["errors"] as? [[String: Any]])
            #expect(Set(errors.compactMap { $0["path"] as? String }) == ["catalog.programs[0].kind", "catalog.programs[0].activities[0]"])
            let notJSON = try await client.execute(
                uri: "/analytics/catalog", method: .put, headers: headers(lrs, admin, contentType: "text/plain"), body: buffer(Self.catalog))
            #expect(notJSON.status == .badRequest)
            let kept = try await client.execute(uri: "/analytics/catalog", method: .get, headers: headers(lrs, admin))
            #expect(String(buffer: kept.body).contains("Analyst"), "the previous catalog stays")
        }
    }

    @Test func rosterLoadsAsCSVOrJSONAndReadsBackInEither() async throws {
        let lrs = try await TestLRS()
        let admin = try await lrs.credentials.create(name: "operator", scopes: [.admin])
        let csv = "mbox,name,team,hired,left\nmailto:ann@example.com,Ann,Warehouse,2023-02-01,\nmailto:bo@example.com,Bo,Sales,2021-05-10,2024-01-31\n"
        try await lrs.test(.router) { client in
            let loaded = try await client.execute(
                uri: "/analytics/roster", method: .put, headers: headers(lrs, admin, contentType: "text/csv"), body: buffer(csv))
            #expect(loaded.status == .noContent)
            let asJSON = try await client.execute(uri: "/analytics/roster", method: .get, headers: headers(lrs, lrs.reader))
            let people = try #require(try json(asJSON) as? [[String: Any]])
            #expect(people.count == 2)
            #expect(people.first?["team"] as? String == "Warehouse")
            let asCSV = try await client.execute(
                uri: "/analytics/roster", method: .get, headers: headers(lrs, lrs.reader, accept: "text/csv"))
            #expect(asCSV.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(String(buffer: asCSV.body).contains("mailto:bo@example.com,,,,,Bo,Sales,,2021-05-10,2024-01-31"))
            let byParameter = try await client.execute(uri: "/analytics/roster?format=csv", method: .get, headers: headers(lrs, lrs.reader))
            #expect(String(buffer: byParameter.body) == String(buffer: asCSV.body))

            let bad = try await client.execute(
                uri: "/analytics/roster", method: .put, headers: headers(lrs, admin, contentType: "text/csv"),
                body: buffer("mbox,hired\nmailto:x@example.com,soon\n"))
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body).contains("line 2, column hired"))
            let unchanged = try await client.execute(uri: "/analytics/roster", method: .get, headers: headers(lrs, lrs.reader))
            #expect((try json(unchanged) as? [Any])?.count == 2)
        }
    }
}
