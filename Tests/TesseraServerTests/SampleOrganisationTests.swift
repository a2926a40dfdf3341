import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TesseraLRS
import TesseraSQLite
import Testing

/// The sample organisation under Fixtures/analytics, loaded over HTTP: the figures the README
/// shows, and the story they tell.
struct SampleOrganisationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/analytics")

    @Test func theSampleOrganisationTellsItsStory() async throws {
        let lrs = try await TestLRS()
        let catalog = try Data(contentsOf: Self.fixtures.appendingPathComponent("catalog.json"))
        let roster = try Data(contentsOf: Self.fixtures.appendingPathComponent("roster.csv"))
        let statements = try Data(contentsOf: Self.fixtures.appendingPathComponent("statements.json"))
        try await lrs.test(.router) { client in
            _ = try await lrs.loadAnalytics(
                client, catalog: ByteBuffer(data: catalog), roster: ByteBuffer(data: roster), statements: ByteBuffer(data: statements))
            let dashboard = lrs.headers(lrs.reader, version: nil)

            let outcomes = try #require(try json(try await client.execute(uri: "/analytics/outcomes", method: .get, headers: dashboard)) as? [String: Any])
            let programs = try #require(outcomes["programs"] as? [[String: Any]])
            let figures = programs.map { [$0["enrolled"], $0["completed"], $0["behaviorChanged"]] as? [Int] }
            #expect(figures == [[38, 32, 14], [113, 89, 37], [39, 22, 14], [10, 4, 2], [37, 26, 9]], "as the README shows")
            for program in programs {
                let completed = try #require(program["completed"] as? Int), changed = try #require(program["behaviorChanged"] as? Int)
                #expect(completed > 0 && changed < completed, "behaviour change trails completion: \(program["name"] ?? "")")
            }

            let knowledge = try #require(try json(try await client.execute(uri: "/analytics/retention/knowledge", method: .get, headers: dashboard)) as? [String: Any])
            let rows = try #require(knowledge["rows"] as? [[String: Any]])
            #expect(rows.map { $0["pairs"] as? Int } == [23, 22, 23, 74, 5, 17])
            #expect(rows.allSatisfy { ($0["meanChange"] as? Double ?? 0) < 0 }, "knowledge fades between assessment and refresher")

            let employees = try #require(try json(try await client.execute(
                uri: "/analytics/retention/employees?from=2024-05-31&to=2024-12-31", method: .get, headers: dashboard)) as? [String: Any])
            let row = try #require((employees["rows"] as? [[String: Any]])?.first)
            #expect((row["participants"] as? [String: Any])?["count"] as? Int == 91)
            #expect((row["nonParticipants"] as? [String: Any])?["count"] as? Int == 29)
            let gap = try #require(row["differencePoints"] as? Double)
            #expect(abs(gap - 15.2) < 0.05, "participants stay longer: \(gap) points")

            let proficiency = try #require(try json(try await client.execute(uri: "/analytics/proficiency", method: .get, headers: dashboard)) as? [String: Any])
            #expect((proficiency["rows"] as? [Any])?.count ?? 0 > 10)
        }
    }
}
