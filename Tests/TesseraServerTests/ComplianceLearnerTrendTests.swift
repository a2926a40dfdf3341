import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TesseraAnalytics
import Testing

/// Compliance, the learner view, proficiency over time and retention curves on the sample
/// organisation: figures worked out independently from Fixtures/analytics (catalog, roster,
/// statements) and pinned here.
struct ComplianceLearnerTrendTests {
    static func object(_ client: some TestClientProtocol, _ uri: String, _ headers: HTTPFields) async throws -> [String: Any] {
        let response = try await client.execute(uri: uri, method: .get, headers: headers)
        #expect(response.status == .ok, "\(uri): \(String(buffer: response.body))")
        return try #require(try json(response) as? [String: Any])
    }

    static func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }

    @Test func whoHasNotCompletedAMandatoryProgram() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            try await SampleOrganisationTests.load(lrs, client)
            let reader = lrs.headers(lrs.reader, version: nil)
            let report = try await Self.object(client, "/analytics/compliance?asOf=2024-12-20", reader)
            let programs = try #require(report["programs"] as? [[String: Any]])
            #expect(programs.map { $0["name"] as? String } == ["Forklift certification", "GDPR essentials"], "mandatory programs only")
            // Forklift is mandatory for the warehouse only: 35 people there on 2024-12-20, 29
            // completed (3 after their due day), 6 overdue. GDPR: everyone, 109 people, 83 and 26.
            let counts = programs.map { program in
                ["people", "completed", "completedLate", "overdue", "notYetDue", "notCompleted"].map { program[$0] as? Int }
            }
            #expect(counts == [[35, 29, 3, 6, 0, 0], [109, 83, 0, 26, 0, 0]])
            let forklift = programs[0]
            #expect((forklift["teams"] as? [[String: Any]])?.map { $0["team"] as? String } == ["Warehouse"])
            let outstanding = try #require(forklift["outstanding"] as? [[String: Any]])
            #expect(outstanding.count == 6)
            let first = outstanding[0]
            // Due by 2024-06-30 (or 60 days after hire): overdue since 1 July, 173 days on 20 December.
            #expect(first["status"] as? String == "overdue" && first["dueDate"] as? String == "2024-06-30", "\(first)")
            #expect(first["overdueSince"] as? String == "2024-07-01" && first["daysOverdue"] as? Int == 173)
            #expect((first["agent"] as? [String: Any])?["mbox"] as? String != nil)
            let gdprTeams = try #require(programs[1]["teams"] as? [[String: Any]])
            #expect(gdprTeams.map { $0["overdue"] as? Int } == [3, 4, 6, 6, 7], "Customer care, Engineering, Finance, Sales, Warehouse")

            // Before GDPR's date nobody is overdue on it: those without it are not yet due.
            let earlier = try await Self.object(client, "/analytics/compliance?asOf=2024-08-01&program=" + Self.encoded("https://learn.northwind.example/programs/gdpr"), reader)
            let gdpr = try #require((earlier["programs"] as? [[String: Any]])?.first)
            #expect(gdpr["overdue"] as? Int == 0 && (gdpr["notYetDue"] as? Int ?? 0) > 0, "\(gdpr)")

            // The reminder list: one row per person outstanding, with their address.
            let csv = String(buffer: try await client.execute(uri: "/analytics/compliance?asOf=2024-12-20&format=csv", method: .get, headers: reader).body)
            let lines = csv.split(separator: "\r\n")
            #expect(lines.first == "program,programName,team,name,mbox,mbox_sha1sum,openid,account_homePage,account_name,hired,status,dueDate,overdueSince,daysOverdue")
            #expect(lines.count == 1 + 6 + 26)
            #expect(lines.dropFirst().allSatisfy { $0.contains(",mailto:") && $0.contains(",overdue,") })

            let team = try await Self.object(client, "/analytics/compliance?asOf=2024-12-20&team=Sales", reader)
            #expect((team["programs"] as? [[String: Any]])?.map { $0["people"] as? Int } == [0, 28], "forklift is not the sales team's")
        }
    }

    @Test func oneLearnersRecordAcrossTheMeasures() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            try await SampleOrganisationTests.load(lrs, client)
            let reader = lrs.headers(lrs.reader, version: nil)
            let found = try await Self.object(client, "/analytics/learners?search=" + Self.encoded("warehouse 1"), reader)
            let people = try #require(found["people"] as? [[String: Any]])
            // Every word matches somewhere: Warehouse 1, 10-19, 21 and 31, by name.
            #expect(found["matches"] as? Int == 13 && people.first?["name"] as? String == "Warehouse 1", "\(found)")
            #expect(try await Self.object(client, "/analytics/learners?search=CUSTOMER12", reader)["matches"] as? Int == 1, "by address, any case")

            let agent = Self.encoded(#"{"mbox":"mailto:warehouse01@northwind.example"}"#)
            let record = try await Self.object(client, "/analytics/learner?asOf=2024-12-20&agent=" + agent, reader)
            #expect((record["person"] as? [String: Any])?["team"] as? String == "Warehouse")
            let skills = try #require(record["skills"] as? [[String: Any]])
            #expect(skills.map { $0["skillName"] as? String } == ["Forklift safety", "Data protection (GDPR)", "SQL", "Data visualisation"])
            // GDPR: passed with 0.78 on 2024-04-07, re-assessed at 0.62 on 2024-08-28.
            let gdpr = skills[1]
            let assessments = try #require(gdpr["assessments"] as? [[String: Any]])
            #expect(assessments.map { $0["score"] as? Double } == [0.78, 0.62])
            #expect(assessments.map { $0["reassessment"] as? Bool } == [false, true])
            #expect(abs((gdpr["changeSinceFirstAssessment"] as? Double ?? 0) + 0.16) < 1e-9)
            let retention = try #require(gdpr["retention"] as? [String: Any])
            #expect(retention["baseline"] as? Double == 0.78 && retention["followUp"] as? Double == 0.62)
            #expect(retention["reachedMastery"] as? Bool == false)
            // Forklift safety: applied on the job on 2024-03-20.
            #expect((skills[0]["observations"] as? [[String: Any]])?.map { $0["timestamp"] as? String } == ["2024-03-20T23:36:00.000Z"])
            let programs = try #require(record["programs"] as? [[String: Any]])
            let forklift = try #require(programs.first { $0["name"] as? String == "Forklift certification" })
            #expect(forklift["completedAt"] as? String == "2024-03-15T23:36:00.000Z")
            #expect((forklift["compliance"] as? [String: Any])?["status"] as? String == "completed")
            #expect(programs.first { $0["name"] as? String == "Negotiation masterclass" }?["compliance"] is NSNull, "voluntary")

            let csv = String(buffer: try await client.execute(uri: "/analytics/learner?format=csv&agent=" + agent, method: .get, headers: reader).body)
            #expect(csv.hasPrefix("timestamp,event,id,name,score,level,success\r\n"))
            #expect(csv.contains("2024-08-28T18:21:00.000Z,reassessment,https://skills.northwind.example/gdpr,Data protection (GDPR),0.62,practitioner,"))

            let nobody = Self.encoded(#"{"mbox":"mailto:nobody@northwind.example"}"#)
            #expect(try await client.execute(uri: "/analytics/learner?agent=" + nobody, method: .get, headers: reader).status == .notFound)
        }
    }

    @Test func proficiencyOverTimeAndRetentionCurves() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            try await SampleOrganisationTests.load(lrs, client)
            let reader = lrs.headers(lrs.reader, version: nil)
            let trend = try await Self.object(client, "/analytics/proficiency/trend?from=2024-01-01&to=2024-12-31", reader)
            let points = try #require(trend["points"] as? [[String: Any]])
            #expect(points.map { $0["date"] as? String } == ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31", "2024-06-30",
                                                            "2024-07-31", "2024-08-31", "2024-09-30", "2024-10-31", "2024-11-30", "2024-12-31"])
            // Each point is the organisation-wide report as of that day's end.
            for point in [points[2], points[11]] {
                let date = try #require(point["date"] as? String)
                let asOf = try await Self.object(client, "/analytics/proficiency?asOf=\(date)", reader)
                let rows = try #require(point["rows"] as? [[String: Any]]), expected = try #require(asOf["bySkill"] as? [[String: Any]])
                #expect(rows.map { $0["assessed"] as? Int } == expected.map { $0["assessed"] as? Int }, "\(date)")
                #expect(rows.map { $0["meanProficiency"] as? Double } == expected.map { $0["meanProficiency"] as? Double })
            }
            // GDPR's learners over the year: 9 in January, 113 from July.
            let gdpr = points.map { point in ((point["rows"] as? [[String: Any]]) ?? []).first { $0["skillName"] as? String == "Data protection (GDPR)" }?["assessed"] as? Int }
            #expect(gdpr.first == 9 && gdpr.last == 113)
            let team = try await Self.object(client, "/analytics/proficiency/trend?from=2024-06-01&to=2024-07-15&team=Sales", reader)
            let teamPoints = try #require(team["points"] as? [[String: Any]])
            #expect(teamPoints.map { $0["date"] as? String } == ["2024-06-30", "2024-07-15"])
            #expect(teamPoints.allSatisfy { (($0["rows"] as? [[String: Any]]) ?? []).allSatisfy { $0["team"] as? String == "Sales" } })

            // The curves follow the point comparison's people and end at its rates (91 trained,
            // 29 not, from 2024-05-31 to 2024-12-31).
            let period = "from=2024-05-31&to=2024-12-31"
            let point = try #require((try await Self.object(client, "/analytics/retention/employees?" + period, reader)["rows"] as? [[String: Any]])?.first)
            let curves = try await Self.object(client, "/analytics/retention/employees/curve?" + period, reader)
            for group in ["participants", "nonParticipants"] {
                let curve = try #require(curves[group] as? [String: Any]), expected = try #require(point[group] as? [String: Any])
                #expect(curve["count"] as? Int == expected["count"] as? Int)
                let steps = try #require(curve["steps"] as? [[String: Any]])
                #expect(steps.first?["date"] as? String == "2024-05-31" && steps.last?["date"] as? String == "2024-12-31")
                #expect(abs((steps.last?["stillEmployed"] as? Double ?? 0) - (expected["rate"] as? Double ?? 1)) < 1e-6, "\(group)")
                let left = steps.map { $0["left"] as? Int ?? 0 }.reduce(0, +)
                #expect(left == (expected["count"] as? Int ?? 0) - (expected["retained"] as? Int ?? 0))
            }
            let csv = String(buffer: try await client.execute(uri: "/analytics/retention/employees/curve?format=csv&" + period, method: .get, headers: reader).body)
            #expect(csv.hasPrefix("group,day,date,atRisk,left,stillEmployed,stillEmployedLow,stillEmployedHigh,groupTooFew\r\nparticipants,0,2024-05-31,91,0,1,,,false\r\n"))

            // Knowledge retention: of those who reached mastery (0.8), how many were still there.
            let knowledge = try await Self.object(client, "/analytics/retention/knowledge", reader)
            let rows = try #require(knowledge["rows"] as? [[String: Any]])
            #expect(rows.map { [$0["stillAtMastery"] as? Int, $0["reachedMastery"] as? Int] } == [[6, 13], [8, 13], [10, 14], [13, 35], [2, 3], [4, 8]])
            #expect(rows.map { $0["stillAtMasteryRateTooFew"] as? Bool } == [false, false, false, false, true, true])
            let gdprRetention = try #require(rows.first { $0["skillName"] as? String == "Data protection (GDPR)" })
            let interval = try #require(Intervals.wilson(13, of: 35))
            #expect(abs((gdprRetention["stillAtMasteryRateLow"] as? Double ?? 0) - interval.lowerBound) < 5e-6)
        }
    }

    @Test func badRequestsAreNamedAndTheScopeIsChecked() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            try await SampleOrganisationTests.load(lrs, client)
            let reader = lrs.headers(lrs.reader, version: nil)
            let voluntary = Self.encoded("https://learn.northwind.example/programs/negotiation")
            let group = Self.encoded(#"{"objectType":"Group","mbox":"mailto:team@northwind.example"}"#)
            for (uri, parameter) in [
                ("/analytics/compliance?program=" + voluntary, "program"),
                ("/analytics/compliance?asOf=yesterday", "asOf"),
                ("/analytics/compliance?team=Warehous", "team"),
                ("/analytics/learner", "agent"),
                ("/analytics/learner?agent=" + group, "agent"),
                ("/analytics/learner?agent=%7B", "agent"),
                ("/analytics/learners?search=" + String(repeating: "a", count: 201), "search"),
                ("/analytics/proficiency/trend?from=2020-01-01&to=2024-12-31", "from"),
                ("/analytics/proficiency/trend?from=2024-06-01&to=2024-05-01", "to"),
                ("/analytics/retention/employees/curve", "from"),
                ("/analytics/retention/employees/curve?from=2024-05-31&program=" + voluntary + "x", "program"),
            ] {
                let response = try await client.execute(uri: uri, method: .get, headers: reader)
                let body = String(buffer: response.body)
                #expect(response.status == .badRequest, "\(uri): \(body)")
                #expect(body.contains(#""path":"\#(parameter)"#), "\(uri) names \(parameter): \(body)")
            }
            let statementsOnly = try await lrs.credentials.create(name: "course", scopes: [.statementsWrite])
            for uri in ["/analytics/compliance", "/analytics/learners", "/analytics/proficiency/trend"] {
                #expect(try await client.execute(uri: uri, method: .get, headers: reader).status == .ok, "\(uri) for analytics/read")
                #expect(try await client.execute(uri: uri, method: .get, headers: lrs.headers(statementsOnly, version: nil)).status == .forbidden, "\(uri)")
            }
        }
    }
}
