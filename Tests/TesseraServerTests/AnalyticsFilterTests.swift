import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The analytics API refuses filters that name nothing (a typo is not a group with nobody in
/// it) and inverted periods, naming the parameter and what exists.
struct AnalyticsFilterTests {
    @Test func unknownTeamsSkillsAndInvertedPeriodsAreNamed() async throws {
        let lrs = try await TestLRS()
        let analyst = try await lrs.credentials.create(name: "analyst", scopes: [.analyticsRead])
        try await lrs.test(.live) { client in
            try await DashboardTests.loadSample(lrs, client)
            let headers = lrs.headers(analyst, version: nil)
            for (uri, parameter, mentions) in [
                ("/analytics/proficiency?team=Warehous", "team", "Warehouse"),
                ("/analytics/outcomes?team=Warehous", "team", "Warehouse"),
                ("/analytics/retention/knowledge?team=Warehous", "team", "Warehouse"),
                ("/analytics/proficiency?skill=https%3A%2F%2Fskills.northwind.example%2Fforklift", "skill", "https://skills.northwind.example/forklift-safety"),
                ("/analytics/retention/knowledge?skill=https%3A%2F%2Fskills.northwind.example%2Fsq", "skill", "https://skills.northwind.example/sql"),
                ("/analytics/outcomes?from=2024-06-01&to=2024-05-01", "to", "from"),
            ] {
                let response = try await client.execute(uri: uri, method: .get, headers: headers)
                #expect(response.status == .badRequest, "\(uri)")
                let body = String(buffer: response.body)
                #expect(body.contains(#""path":"\#(parameter)""#), "\(uri): \(body)")
                #expect(body.contains(mentions), "\(uri) says what exists: \(body)")
            }
            #expect(try await client.execute(uri: "/analytics/proficiency?team=Warehouse", method: .get, headers: headers).status == .ok)
            let unassigned = "/analytics/proficiency?team=" + ("(unassigned)".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            #expect(try await client.execute(uri: unassigned, method: .get, headers: headers).status == .ok)
        }
    }
}
