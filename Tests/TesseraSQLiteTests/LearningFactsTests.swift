import Foundation
import Logging
import TesseraAnalytics
import TesseraSamples
@testable import TesseraSQLite
import TesseraLRS
import TesseraTestSupport
import Testing
import XAPI

/// What the SQLite writer does with analytics off (the roll-ups themselves are checked on
/// every backend in `LearningFactsContractTests`).
struct LearningFactsTests {
    @Test func factsMissedWithAnalyticsOffAreDerivedAtTheNextStartWithItOn() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("facts.sqlite")
        var random = SplitMix64(seed: 9)
        var stored: [Statement] = []
        let withAnalytics = try SQLiteStore(path: path, readers: 1, durability: .normal, logger: Logger(label: "test"))
        try await withAnalytics.replaceCatalog(AnalyticsReference.firstCatalog)
        let first = try (0..<40).map { _ in try prepared(AnalyticsReference.randomStatement(&random, id: XAPIUUID.random(using: &random))) }
        try await withAnalytics.store(first)
        stored += first.map(\.statement)
        withAnalytics.close()

        let without = try SQLiteStore(path: path, readers: 1, durability: .normal, analytics: false, logger: Logger(label: "test"))
        let second = try (0..<40).map { _ in try prepared(AnalyticsReference.randomStatement(&random, id: XAPIUUID.random(using: &random))) }
        try await without.store(second)
        stored += second.map(\.statement)
        let missing = try #require(try await without.proficiencyReport(asOf: nil, skill: nil, team: nil))
        #expect(missing.rows != AnalyticsReference.reference(stored, voided: [], catalog: AnalyticsReference.firstCatalog, asOf: .max), "nothing recorded while off")
        without.close()

        let again = try SQLiteStore(path: path, readers: 1, durability: .normal, logger: Logger(label: "test"))
        defer { again.close() }
        let report = try #require(try await again.proficiencyReport(asOf: nil, skill: nil, team: nil))
        #expect(report.rows == AnalyticsReference.reference(stored, voided: [], catalog: AnalyticsReference.firstCatalog, asOf: .max))
    }
}
