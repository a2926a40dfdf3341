import Foundation
import TesseraTestSupport
import Testing

/// `tessera catalog` and `tessera roster`, run as real processes on a database file.
struct AnalyticsCommandTests {
    @Test func loadAndShowTheSampleCatalogAndRoster() throws {
        let directory = try TemporaryDirectory()
        let database = directory.path("cli.sqlite")
        let samples = TesseraExecutable.packageRoot.appendingPathComponent("Fixtures/analytics")

        let loaded = try TesseraExecutable.run(["catalog", "load", samples.appendingPathComponent("catalog.json").path, "--db", database])
        #expect(loaded.status == 0)
        #expect(loaded.standardOutput == "catalog loaded: 6 skills, 5 programs, 3 levels\n")
        let shown = try TesseraExecutable.run(["catalog", "show", "--db", database])
        let catalog = try #require(try JSONSerialization.jsonObject(with: Data(shown.standardOutput.utf8)) as? [String: Any])
        #expect((catalog["programs"] as? [Any])?.count == 5)

        let roster = try TesseraExecutable.run(["roster", "load", samples.appendingPathComponent("roster.csv").path, "--db", database])
        #expect(roster.standardOutput == "roster loaded: 120 people\n")
        let csv = try TesseraExecutable.run(["roster", "show", "--csv", "--db", database])
        #expect(csv.standardOutput.split(whereSeparator: \.isNewline).count == 121, "a header and 120 people")

        let broken = directory.url.appendingPathComponent("broken.json")
        try Data(#"{"skills":[{"id":"sql"}],"levels":[{"name":"a","min":0.5},{"name":"b","min":0.1}]}"#.utf8).write(to: broken)
        let refused = try TesseraExecutable.run(["catalog", "load", broken.path, "--db", database])
        #expect(refused.status == 1)
        for problem in ["catalog.skills[0].id", "catalog.skills[0].name", "catalog.levels[1].min"] {
            #expect(refused.standardError.contains(problem), "\(problem) in \(refused.standardError)")
        }
        let unchanged = try TesseraExecutable.run(["catalog", "show", "--db", database])
        #expect(unchanged.standardOutput == shown.standardOutput, "a refused catalog changes nothing")
    }
}
