import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TesseraAnalytics
import TesseraLRS
import TesseraSQLite
import Testing

/// The sample organisation under Fixtures/analytics, loaded over HTTP: the figures the README
/// shows, and the story they tell.
struct SampleOrganisationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/analytics")

    /// Loads the sample organisation's catalog, roster and statements over HTTP.
    static func load(_ lrs: TestLRS, _ client: some TestClientProtocol) async throws {
        let catalog = try Data(contentsOf: fixtures.appendingPathComponent("catalog.json"))
        let roster = try Data(contentsOf: fixtures.appendingPathComponent("roster.csv"))
        let statements = try Data(contentsOf: fixtures.appendingPathComponent("statements.json"))
        _ = try await lrs.loadAnalytics(
            client, catalog: ByteBuffer(data: catalog), roster: ByteBuffer(data: roster), statements: ByteBuffer(data: statements))
    }

    @Test func theSampleOrganisationTellsItsStory() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            try await Self.load(lrs, client)
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
            let teamRows = try #require(proficiency["rows"] as? [[String: Any]])
            #expect(teamRows.count > 10)
            // One row per skill over every team: Coaching's 37 learners are 7 + 7 + 6 + 5 + 12.
            let bySkill = try #require(proficiency["bySkill"] as? [[String: Any]])
            #expect(bySkill.count == 6 && bySkill.allSatisfy { $0["team"] as? String == "(everyone)" })
            let coaching = try #require(bySkill.first { $0["skillName"] as? String == "Coaching" })
            #expect(coaching["assessed"] as? Int == 37)
            for row in bySkill {
                let teams = teamRows.filter { $0["skill"] as? String == row["skill"] as? String }
                let assessed = teams.map { $0["assessed"] as? Int ?? 0 }.reduce(0, +)
                let weighted = teams.map { ($0["meanProficiency"] as? Double ?? 0) * Double($0["assessed"] as? Int ?? 0) }.reduce(0, +)
                #expect(row["assessed"] as? Int == assessed)
                #expect(abs((row["meanProficiency"] as? Double ?? 0) - weighted / Double(assessed)) < 1e-5)
            }
            let csv = String(buffer: try await client.execute(uri: "/analytics/proficiency?by=skill&format=csv", method: .get, headers: dashboard).body)
            #expect(csv.split(separator: "\r\n").count == 7 && csv.contains("\r\n(everyone),"), "a header and six skills")
        }
    }

    /// Every rate comes with its 95% interval and every small group is flagged, in JSON and
    /// CSV: figures computed by hand from the counts (docs/analytics.md, "Intervals and small
    /// groups").
    @Test func ratesCarryIntervalsAndSmallGroupsAreFlagged() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            try await Self.load(lrs, client)
            let reader = lrs.headers(lrs.reader, version: nil)
            func close(_ value: Any?, _ expected: Double) -> Bool { abs((value as? Double ?? .nan) - expected) < 5e-6 }

            let outcomes = try #require(try json(try await client.execute(uri: "/analytics/outcomes", method: .get, headers: reader)) as? [String: Any])
            #expect(outcomes["minimumGroupSize"] as? Int == 10)
            let programs = try #require(outcomes["programs"] as? [[String: Any]])
            // GDPR: 89 of 113 enrolled completed: Wilson 0.703394-0.852915.
            let gdpr = programs[1]
            #expect(close(gdpr["completionRateLow"], 0.703394) && close(gdpr["completionRateHigh"], 0.852915), "\(gdpr)")
            #expect(gdpr["completionRateTooFew"] as? Bool == false && gdpr["behaviorChangeRateTooFew"] as? Bool == false)
            // 10 enrolled, 4 completed, 2 applied it: the completion rate can be compared (ten
            // people), the behaviour-change rate cannot (four): 0.150039-0.849961.
            let small = programs[3]
            #expect(small["completionRateTooFew"] as? Bool == false && small["behaviorChangeRateTooFew"] as? Bool == true, "\(small)")
            #expect(close(small["completionRateLow"], 0.168180) && close(small["completionRateHigh"], 0.687326))
            #expect(close(small["behaviorChangeRateLow"], 0.150039) && close(small["behaviorChangeRateHigh"], 0.849961))

            let knowledge = try #require(try json(try await client.execute(uri: "/analytics/retention/knowledge", method: .get, headers: reader)) as? [String: Any])
            let rows = try #require(knowledge["rows"] as? [[String: Any]])
            #expect(rows.map { $0["retainedRateTooFew"] as? Bool } == [false, false, false, false, true, false], "the skill with 5 pairs")
            for row in rows {
                let pairs = try #require(row["pairs"] as? Int), retained = try #require(row["retained"] as? Int)
                #expect(close(row["retainedRate"], Double(retained) / Double(pairs)))
                let interval = try #require(Intervals.wilson(retained, of: pairs))
                #expect(close(row["retainedRateLow"], interval.lowerBound) && close(row["retainedRateHigh"], interval.upperBound))
            }

            let employees = try #require(try json(try await client.execute(
                uri: "/analytics/retention/employees?from=2024-05-31&to=2024-12-31&by=team", method: .get, headers: reader)) as? [String: Any])
            for row in try #require(employees["rows"] as? [[String: Any]]) {
                let trained = try #require(row["participants"] as? [String: Any]), others = try #require(row["nonParticipants"] as? [String: Any])
                let counts = try [trained, others].map { (try #require($0["retained"] as? Int), try #require($0["count"] as? Int)) }
                #expect(row["differenceTooFew"] as? Bool == (counts[0].1 < 10 || counts[1].1 < 10), "\(row)")
                guard let difference = Intervals.difference(counts[0], counts[1]) else {
                    #expect(row["differencePointsLow"] is NSNull)
                    continue
                }
                #expect(close(row["differencePointsLow"], difference.lowerBound * 100) && close(row["differencePointsHigh"], difference.upperBound * 100))
                #expect(trained["rateTooFew"] as? Bool == (counts[0].1 < 10))
            }

            let csv = try await client.execute(uri: "/analytics/outcomes?format=csv", method: .get, headers: reader)
            let header = String(buffer: csv.body).split(separator: "\r\n").first.map(String.init) ?? ""
            #expect(header.hasSuffix("completionRateLow,completionRateHigh,completionRateTooFew,behaviorChangeRateLow,behaviorChangeRateHigh,behaviorChangeRateTooFew"),
                    "\(header)")
            let proficiency = try #require(try json(try await client.execute(uri: "/analytics/proficiency", method: .get, headers: reader)) as? [String: Any])
            for row in try #require(proficiency["rows"] as? [[String: Any]]) {
                #expect(row["tooFewToCompare"] as? Bool == ((row["assessed"] as? Int ?? 0) < 10))
            }
        }
    }
}
