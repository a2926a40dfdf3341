import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TesseraLRS
import TesseraSQLite
import Testing

/// The proficiency measure on a small hand-checked data set, over HTTP.
struct ProficiencyTests {
    static let catalog = #"""
    {"skills": [{"id": "https://skills.example.com/sql", "name": "SQL", "activities": ["https://courses.example.com/sql/exam"]}],
     "skillCategoryPrefixes": ["https://skills.example.com/"],
     "levels": [{"name": "novice", "min": 0}, {"name": "practitioner", "min": 0.6}, {"name": "expert", "min": 0.85}]}
    """#
    static let roster = "mbox,team,hired\nmailto:ann@example.com,Ops,2020-01-01\nmailto:bo@example.com,Ops,2020-01-01\nmailto:cy@example.com,Sales,2020-01-01\n"

    /// A statement by `who` with `verb` at `day`, tagged with the SQL skill unless `object` is
    /// the assessed activity.
    static func statement(_ id: Int, _ who: String, _ verb: String, _ day: String, score: String?, tagged: Bool = true,
                          object: String = "https://courses.example.com/sql/lesson") -> String {
        let result = score.map { #","result":{"score":\#($0)}"# } ?? ""
        let context = tagged ? #","context":{"contextActivities":{"category":[{"id":"https://skills.example.com/sql"}]}}"# : ""
        return #"{"id":"00000000-0000-4000-8000-\#(String(format: "%012d", id))","actor":{"mbox":"mailto:\#(who)@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/\#(verb)"},"object":{"id":"\#(object)"},"timestamp":"\#(day)T12:00:00Z"\#(result)\#(context)}"#
    }

    static let statements = [
        statement(1, "ann", "passed", "2024-01-10", score: #"{"scaled":0.5}"#),
        statement(2, "ann", "scored", "2024-03-10", score: #"{"scaled":0.9}"#),
        statement(3, "bo", "failed", "2024-02-01", score: #"{"raw":40,"min":0,"max":100}"#, tagged: false,
                  object: "https://courses.example.com/sql/exam"),
        statement(4, "cy", "completed", "2024-02-01", score: #"{"scaled":1.0}"#),
        statement(5, "dan", "passed", "2024-02-15", score: #"{"scaled":0.7}"#),
        statement(6, "ann", "experienced", "2024-04-01", score: nil),
    ]

    private func rows(_ response: TestResponse) throws -> [[String: Any]] {
        try #require((try json(response) as? [String: Any])?["rows"] as? [[String: Any]])
    }

    @Test func proficiencyByTeamAndSkillAsOfAndAfterVoiding() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let admin = try await lrs.loadAnalytics(
                client, catalog: buffer(Self.catalog), roster: buffer(Self.roster),
                statements: buffer("[" + Self.statements.joined(separator: ",") + "]"))
            let dashboard = lrs.headers(lrs.reader, version: nil)

            let now = try rows(try await client.execute(uri: "/analytics/proficiency", method: .get, headers: dashboard))
            #expect(now.count == 2)
            let ops = try #require(now.first { $0["team"] as? String == "Ops" })
            #expect(ops["skill"] as? String == "https://skills.example.com/sql")
            #expect(ops["skillName"] as? String == "SQL")
            #expect(ops["assessed"] as? Int == 2, "ann (0.9) and bo (0.4, from raw/min/max on the assessed activity)")
            #expect(ops["meanProficiency"] as? Double == 0.65)
            #expect(ops["meanGain"] as? Double == 0.4, "ann 0.5 -> 0.9; bo has one score")
            #expect(ops["meanChangeSinceFirstAssessment"] as? Double == 0.4, "the same figure, under the name the dashboard uses")
            #expect(ops["gainLearners"] as? Int == 1)
            #expect(ops["levels"] as? [String: Int] == ["novice": 1, "practitioner": 0, "expert": 1])
            let unassigned = try #require(now.first { $0["team"] as? String == "(unassigned)" })
            #expect(unassigned["meanProficiency"] as? Double == 0.7, "dan is not on the roster")
            #expect(unassigned["levels"] as? [String: Int] == ["novice": 0, "practitioner": 1, "expert": 0])

            let february = try rows(try await client.execute(
                uri: "/analytics/proficiency?asOf=2024-02-20&team=Ops", method: .get, headers: dashboard))
            #expect(february.count == 1)
            #expect(february.first?["meanProficiency"] as? Double == 0.45, "ann's March score is not yet there")
            #expect(february.first?["meanGain"] is NSNull)

            let csv = try await client.execute(uri: "/analytics/proficiency?format=csv&team=Ops", method: .get, headers: dashboard)
            #expect(String(buffer: csv.body) == "team,skill,skillName,assessed,meanProficiency,meanGain,gainLearners,level:novice,level:practitioner,level:expert,tooFewToCompare,meanChangeSinceFirstAssessment\r\nOps,https://skills.example.com/sql,SQL,2,0.65,0.4,1,1,0,1,true,0.4\r\n",
                    "two learners are under the minimum group size of ten")

            let void = #"{"actor":{"mbox":"mailto:admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"00000000-0000-4000-8000-000000000002"}}"#
            _ = try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(admin, json: true), body: buffer(void))
            let afterVoiding = try rows(try await client.execute(uri: "/analytics/proficiency?team=Ops", method: .get, headers: dashboard))
            #expect(afterVoiding.first?["meanProficiency"] as? Double == 0.45, "voided statements never count")
            #expect(afterVoiding.first?["gainLearners"] as? Int == 0)

            let bad = try await client.execute(uri: "/analytics/proficiency?asOf=soon", method: .get, headers: dashboard)
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body).contains("asOf"))
            let forbidden = try await client.execute(uri: "/analytics/proficiency", method: .get, headers: lrs.headers(version: nil))
            #expect(forbidden.status == .forbidden, "statement credentials do not read analytics")
        }
    }
}
