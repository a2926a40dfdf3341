import Testing
@testable import TesseraAnalytics
import XAPI

/// Reading and writing the roster, as JSON and as CSV.
struct RosterTests {
    @Test func jsonRoundTrip() throws {
        let text = #"""
        [{"agent": {"mbox": "mailto:ann@example.com"}, "name": "Ann", "team": "Warehouse", "role": "Picker", "hired": "2023-02-01", "left": null},
         {"agent": {"account": {"homePage": "https://hr.example.com", "name": "E-42"}}, "team": "Finance", "hired": "2020-01-01", "left": "2024-06-30"}]
        """#
        let roster = try Roster.read(json: Array(text.utf8)).get()
        #expect(roster.people.count == 2)
        #expect(roster.people[0].agent == .mbox("mailto:ann@example.com"))
        #expect(roster.people[1].left == Day("2024-06-30"))
        #expect(roster.people[1].name == nil)
        #expect(try Roster.read(json: roster.json()).get() == roster)
        #expect(try Roster.read(csv: roster.csv()).get() == roster, "CSV carries the same people")
    }

    @Test func csvWithQuotesAndAnyColumnOrder() throws {
        let text = "team,hired,mbox,name,left\r\n\"Sales, North\",2022-03-04,mailto:bo@example.com,\"Bo \"\"B\"\" Jones\",\r\n"
        let roster = try Roster.read(csv: Array(text.utf8)).get()
        #expect(roster.people == [Roster.Person(agent: .mbox("mailto:bo@example.com"), name: #"Bo "B" Jones"#, team: "Sales, North", hired: Day("2022-03-04")!)])
    }

    @Test func csvProblemsNameTheLineAndColumn() {
        let text = """
        mbox,account_homePage,account_name,hired,left
        mailto:a@example.com,,,2022-01-01,
        ann@example.com,,,2022-01-01,
        mailto:c@example.com,https://hr.example.com,C-1,2022-01-01,
        mailto:d@example.com,,,2022-02-30,
        mailto:e@example.com,,,2022-01-01,2021-01-01
        mailto:a@example.com,,,2022-01-01,
        mailto:f@example.com,,2022-01-01
        """
        guard case .failure(let error) = Roster.read(csv: Array(text.utf8)) else {
            Issue.record("an invalid roster was accepted")
            return
        }
        let paths = error.problems.map(\.path)
        #expect(paths == ["line 3, column mbox", "line 4", "line 5, column hired", "line 6, column left", "line 7", "line 8"], "\(error.problems)")
    }

    @Test func jsonProblemsNameThePath() {
        let text = #"[{"agent": {"objectType": "Group", "mbox": "mailto:team@example.com"}, "hired": "2022-01-01"}, {"agent": {"mbox": "mailto:x@example.com"}, "hired": "yesterday", "colour": "red"}, {"hired": "2022-01-01"}]"#
        guard case .failure(let error) = Roster.read(json: Array(text.utf8)) else {
            Issue.record("an invalid roster was accepted")
            return
        }
        let paths = Set(error.problems.map(\.path))
        #expect(paths.isSuperset(of: ["roster[0].agent", "roster[1].hired", "roster[1].colour", "roster[2].agent"]), "\(error.problems)")
    }

    @Test func daysAndCSVEscaping() {
        #expect(Day("2024-02-29")?.description == "2024-02-29")
        #expect(Day("2023-02-29") == nil)
        #expect(Day("2024-2-1") == nil)
        #expect(Day(containing: Day("2024-06-05")!.endMilliseconds) == Day("2024-06-05"))
        #expect(Day(containing: -1).description == "1969-12-31")
        #expect(String(decoding: CSV.escaped("=SUM(A1)"), as: UTF8.self) == "'=SUM(A1)", "formulas are defused")
        #expect(String(decoding: CSV.escaped("-0.5"), as: UTF8.self) == "-0.5", "numbers are not")
        #expect(String(decoding: CSV.escaped("a,b"), as: UTF8.self) == "\"a,b\"")
        #expect(String(decoding: CSV.escaped("\t=1+1"), as: UTF8.self) == "'\t=1+1", "a leading TAB is defused")
        #expect(String(decoding: CSV.escaped("\r=1+1"), as: UTF8.self) == "\"'\r=1+1\"", "a leading CR is defused (and quoted)")
        if case .success = CSV.parse(Array("a,\"b\nc".utf8)) { Issue.record("an unclosed quote was accepted") }
    }
}
