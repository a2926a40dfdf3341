import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TesseraLRS
import TesseraSQLite
import Testing

/// Outcomes, knowledge retention and employee retention on a small hand-checked data set.
struct OutcomesAndRetentionTests {
    static let sql = "https://skills.example.com/sql"
    static let catalog = #"""
    {"skills": [{"id": "https://skills.example.com/sql", "name": "SQL"}],
     "skillCategoryPrefixes": ["https://skills.example.com/"],
     "programs": [
       {"id": "https://programs.example.com/analyst", "name": "Data analyst", "kind": "reskilling", "mode": "voluntary",
        "activities": ["https://courses.example.com/sql-basics", "https://courses.example.com/dashboards"], "skills": ["https://skills.example.com/sql"]},
       {"id": "https://programs.example.com/safety", "name": "Safety", "kind": "upskilling", "mode": "mandatory",
        "activities": ["https://courses.example.com/forklift"], "skills": ["https://skills.example.com/forklift"]}],
     "behaviorVerbs": ["https://verbs.example.com/demonstrated"], "masteryScore": 0.8}
    """#
    static let roster = """
    mbox,team,hired,left
    mailto:ann@example.com,Ops,2020-01-01,
    mailto:bo@example.com,Ops,2020-01-01,2024-09-30
    mailto:cy@example.com,Sales,2020-01-01,2024-03-15
    mailto:di@example.com,Sales,2024-05-01,
    mailto:ed@example.com,Sales,2019-01-01,

    """

    static func statement(_ who: String, _ verb: String, _ object: String, _ day: String, extra: String = "") -> String {
        let verbIRI = verb.hasPrefix("https://") ? verb : "http://adlnet.gov/expapi/verbs/" + verb
        return #"{"actor":{"mbox":"mailto:\#(who)@example.com"},"verb":{"id":"\#(verbIRI)"},"object":{"id":"\#(object)"},"timestamp":"\#(day)T12:00:00Z"\#(extra)}"#
    }

    static let statements: [String] = {
        let a1 = "https://courses.example.com/sql-basics", a2 = "https://courses.example.com/dashboards"
        let a3 = "https://courses.example.com/forklift", demonstrated = "https://verbs.example.com/demonstrated"
        let tagged = #","context":{"contextActivities":{"category":[{"id":"https://skills.example.com/sql"}]}}"#
        func scored(_ value: Double) -> String { #","result":{"score":{"scaled":\#(value)}}"# + tagged }
        return [
            statement("ann", "experienced", a1, "2024-01-05"),
            statement("ann", "completed", a1, "2024-01-10"),
            statement("ann", "completed", a2, "2024-02-01"),
            statement("ann", demonstrated, sql, "2024-03-01", extra: #","result":{"success":true}"#),
            statement("bo", "experienced", "https://courses.example.com/sql-basics/lesson-1", "2024-01-07",
                      extra: #","context":{"contextActivities":{"parent":[{"id":"https://programs.example.com/analyst"}]}}"#),
            statement("bo", "completed", a1, "2024-01-20"),
            statement("cy", "completed", a1, "2024-01-03"),
            statement("cy", "completed", a2, "2024-01-04"),
            statement("cy", demonstrated, "https://work.example.com/report", "2024-01-20", extra: #","result":{"success":false}"# + tagged),
            statement("cy", demonstrated, sql, "2024-06-01", extra: #","result":{"success":true}"#),
            statement("ed", "completed", a3, "2024-02-10"),
            statement("ann", "passed", "https://courses.example.com/sql-quiz", "2024-02-05", extra: scored(0.9)),
            statement("ann", "scored", "https://courses.example.com/sql-quiz", "2024-04-10", extra: scored(0.7)),
            statement("bo", "passed", "https://courses.example.com/sql-quiz", "2024-03-01", extra: scored(0.6)),
            statement("bo", "scored", "https://courses.example.com/sql-quiz", "2024-03-20", extra: scored(0.85)),
            statement("bo", "scored", "https://courses.example.com/sql-quiz", "2024-06-01", extra: scored(0.9)),
            statement("di", "failed", "https://courses.example.com/sql-quiz", "2024-05-02", extra: scored(0.3)),
        ]
    }()

    private func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try json(response) as? [String: Any], "\(String(buffer: response.body))")
    }

    @Test func outcomesKnowledgeAndEmployeeRetention() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            _ = try await lrs.loadAnalytics(
                client, catalog: buffer(Self.catalog), roster: buffer(Self.roster),
                statements: buffer("[" + Self.statements.joined(separator: ",") + "]"))
            let dashboard = lrs.headers(lrs.reader, version: nil)

            // Outcomes over all time.
            let all = try object(try await client.execute(uri: "/analytics/outcomes", method: .get, headers: dashboard))
            let programs = try #require(all["programs"] as? [[String: Any]])
            let analyst = try #require(programs.first { $0["program"] as? String == "https://programs.example.com/analyst" })
            #expect(analyst["enrolled"] as? Int == 3, "ann, bo (via the parent), cy")
            #expect(analyst["completed"] as? Int == 2, "ann and cy completed both activities; bo one")
            #expect(analyst["behaviorChanged"] as? Int == 1, "ann within 90 days; cy's only success came later")
            #expect(analyst["completionRate"] as? Double == 0.666667)
            #expect(analyst["behaviorChangeRate"] as? Double == 0.5)
            let safety = try #require(programs.first { $0["program"] as? String == "https://programs.example.com/safety" })
            #expect([safety["enrolled"], safety["completed"], safety["behaviorChanged"]] as? [Int] == [1, 1, 0])
            let byKind = try #require(all["byKind"] as? [[String: Any]])
            #expect(byKind.first { $0["kind"] as? String == "reskilling" }?["completed"] as? Int == 2)
            #expect(byKind.first { $0["kind"] as? String == "upskilling" }?["enrolled"] as? Int == 1)
            let byMode = try #require(all["byMode"] as? [[String: Any]])
            #expect(byMode.first { $0["mode"] as? String == "mandatory" }?["programs"] as? Int == 1)

            // A window that leaves out cy's completions and ann's first visit.
            let windowed = try object(try await client.execute(
                uri: "/analytics/outcomes?program=https%3A%2F%2Fprograms.example.com%2Fanalyst&from=2024-01-06&to=2024-12-31",
                method: .get, headers: dashboard))
            let only = try #require((windowed["programs"] as? [[String: Any]])?.first)
            #expect([only["enrolled"], only["completed"], only["behaviorChanged"]] as? [Int] == [2, 1, 1])
            // A behaviour window too short for ann's demonstration (28 days after completing).
            let short = try object(try await client.execute(
                uri: "/analytics/outcomes?program=https%3A%2F%2Fprograms.example.com%2Fanalyst&windowDays=20", method: .get, headers: dashboard))
            #expect((short["programs"] as? [[String: Any]])?.first?["behaviorChanged"] as? Int == 0)

            // Knowledge retention: ann 0.9 -> 0.7, bo 0.6 -> 0.9 (his 0.85 came too soon), di has no baseline.
            let knowledge = try object(try await client.execute(uri: "/analytics/retention/knowledge", method: .get, headers: dashboard))
            let row = try #require((knowledge["rows"] as? [[String: Any]])?.first)
            #expect(row["skill"] as? String == Self.sql)
            #expect(row["pairs"] as? Int == 2)
            #expect(row["meanBaseline"] as? Double == 0.75)
            #expect(row["meanFollowUp"] as? Double == 0.8)
            #expect(row["meanChange"] as? Double == 0.05)
            #expect(row["retainedRate"] as? Double == 0.5)

            // Employee retention over (2024-03-01, 2024-12-31]: ann, cy and ed took part; bo did not; di came later.
            let employees = try object(try await client.execute(
                uri: "/analytics/retention/employees?from=2024-03-01&to=2024-12-31", method: .get, headers: dashboard))
            let overall = try #require((employees["rows"] as? [[String: Any]])?.first)
            // With 95% Wilson intervals (2 of 3: 0.207660-0.938508; 0 of 1: 0-0.793451), both
            // groups under the minimum of ten, and Newcombe's interval for the difference.
            let trained = try #require(overall["participants"] as? [String: Any]), others = try #require(overall["nonParticipants"] as? [String: Any])
            #expect(trained["count"] as? Int == 3 && trained["retained"] as? Int == 2 && trained["rate"] as? Double == 0.666667)
            #expect(trained["rateLow"] as? Double == 0.20766 && trained["rateHigh"] as? Double == 0.938508 && trained["rateTooFew"] as? Bool == true)
            #expect(others["count"] as? Int == 1 && others["retained"] as? Int == 0 && others["rate"] as? Double == 0)
            #expect(others["rateLow"] as? Double == 0 && others["rateHigh"] as? Double == 0.793451 && others["rateTooFew"] as? Bool == true)
            #expect(overall["differencePoints"] as? Double == 66.666667)
            #expect(overall["differencePointsLow"] as? Double == -24.998565 && overall["differencePointsHigh"] as? Double == 93.850806)
            #expect(overall["differenceTooFew"] as? Bool == true, "the interval spans zero and the groups are tiny: no finding")
            let byTeam = try object(try await client.execute(
                uri: "/analytics/retention/employees?from=2024-03-01&to=2024-12-31&by=team", method: .get, headers: dashboard))
            let teams = try #require(byTeam["rows"] as? [[String: Any]])
            #expect(teams.map { $0["team"] as? String } == ["Ops", "Sales"])
            #expect(teams[0]["differencePoints"] as? Double == 100)
            #expect(teams[1]["differencePoints"] is NSNull, "Sales has no non-participants")

            let csv = try await client.execute(
                uri: "/analytics/retention/employees?from=2024-03-01&to=2024-12-31&format=csv", method: .get, headers: dashboard)
            #expect(String(buffer: csv.body).hasSuffix(",3,2,0.666667,1,0,0,66.666667,0.20766,0.938508,true,0,0.793451,true,-24.998565,93.850806,true\r\n"),
                    "\(String(buffer: csv.body))")

            for (uri, parameter) in [("/analytics/retention/employees", "from"), ("/analytics/outcomes?windowDays=-1", "windowDays"),
                                     ("/analytics/outcomes?program=https%3A%2F%2Fnope.example.com", "program"),
                                     ("/analytics/retention/knowledge?minDays=x", "minDays"),
                                     ("/analytics/retention/employees?from=2024-03-01&by=role", "by")] {
                let response = try await client.execute(uri: uri, method: .get, headers: dashboard)
                #expect(response.status == .badRequest, "\(uri)")
                #expect(String(buffer: response.body).contains(parameter), "\(uri)")
            }
        }
    }
}
