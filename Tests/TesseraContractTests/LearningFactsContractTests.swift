import Foundation
import TesseraAnalytics
import TesseraLRS
import TesseraSamples
import TesseraTestSupport
import Testing
import XAPI

/// The analytics roll-ups every backend keeps, checked against the measures' definitions
/// computed straight from the statements (`AnalyticsReference`) through voiding, catalog and
/// roster reloads, for reports as of an instant, as of the end of a day and over everything.
struct LearningFactsContractTests {
    @Test(arguments: Backends.all, [1, 2, 3] as [UInt64])
    func incrementalProficiencyMatchesRecomputationThroughVoidingAndCatalogReloads(backend: any StoreBackend, seed: UInt64) async throws {
        try await backend.with { temporary in
            var random = SplitMix64(seed: seed)
            var stored: [Statement] = []
            var voided = Set<XAPIUUID>()
            let firstRoster = AnalyticsReference.roster(["ann": "Red", "bo": "Red", "cy": "Blue"])
            let roster = AnalyticsReference.roster(["ann": "Blue", "bo": "Red", "di": "Red", "ed": "Green"])
            try await temporary.store.replaceCatalog(AnalyticsReference.firstCatalog)
            for round in 0..<12 {
                var batch: [PreparedStatement] = []
                for _ in 0..<25 {
                    let statement = try prepared(AnalyticsReference.randomStatement(&random, id: XAPIUUID.random(using: &random)))
                    batch.append(statement)
                }
                // Now and then, void one of the statements stored so far.
                let candidates = stored.filter { $0.voidedStatementID == nil }
                if round > 0 && random.next() % 2 == 0, let target = candidates.randomElement(using: &random)?.id, !voided.contains(target) {
                    batch.append(try prepared(#"{"actor":{"mbox":"mailto:admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"\#(target)"}}"#))
                    voided.insert(target)
                }
                try await temporary.store.store(batch)
                stored += batch.map(\.statement)
                if round == 6 { try await temporary.store.replaceCatalog(AnalyticsReference.secondCatalog) }
                if round == 3 { try await temporary.store.replaceRoster(firstRoster) }
                if round == 9 { try await temporary.store.replaceRoster(roster) }
            }
            let catalog = AnalyticsReference.secondCatalog
            let start: Int64 = 1_700_000_000_000
            // Instants inside a day (looked up per learner), ends of days (the per-day roll-up)
            // and everything stored (the per-learner roll-up).
            let moments: [Int64] = [
                start + 30 * 86_400_000, start + 75 * 86_400_000, Day(containing: start + 45 * 86_400_000).endMilliseconds,
                Day(containing: start + 100 * 86_400_000).endMilliseconds, Int64.max,
            ]
            for asOf in moments {
                for team in [nil, "Red"] {
                    let report = try #require(try await temporary.store.proficiencyReport(asOf: asOf == Int64.max ? nil : asOf, skill: nil, team: team))
                    let expected = AnalyticsReference.reference(stored, voided: voided, catalog: catalog, asOf: asOf, roster: roster, team: team)
                    #expect(team != nil || !expected.isEmpty)
                    #expect(report.rows == expected, "seed \(seed), asOf \(asOf), team \(team ?? "all")")
                }
            }
            // A trend is the report as of each day's end, read in one pass.
            let days = stride(from: 0, through: 160, by: 20).map { Day(containing: start + Int64($0) * 86_400_000) }
            for (skill, team) in [(nil, nil), (nil, "Red"), ("https://skills.example.com/s1", nil), ("https://skills.example.com/unknown", nil)] as [(String?, String?)] {
                let trend = try #require(try await temporary.store.proficiencyTrend(days: days, skill: skill, team: team)).reports
                #expect(trend.count == days.count)
                for (day, rows) in zip(days, trend) {
                    let report = try #require(try await temporary.store.proficiencyReport(asOf: day.endMilliseconds, skill: skill, team: team))
                    #expect(rows == report.rows, "seed \(seed), \(day), skill \(skill ?? "all"), team \(team ?? "all")")
                }
                if skill == nil && team == nil { #expect(trend.last?.isEmpty == false && trend.first != trend.last, "the trend moves") }
            }
            // Follow-ups for the default gap are kept in the roll-up; others are looked up.
            var stillAtMastery = 0, fellBelow = 0
            for minDays in [10, KnowledgeRetention.defaultMinDays] {
                let retention = try #require(try await temporary.store.knowledgeRetention(skill: nil, minDays: minDays)).rows
                let expectedRetention = AnalyticsReference.referenceRetention(stored, voided: voided, catalog: catalog, minDays: minDays)
                #expect(!expectedRetention.isEmpty)
                #expect(retention.count == expectedRetention.count)
                for (row, expected) in zip(retention, expectedRetention) {
                    #expect(row.skill == expected.skill && row.pairs == expected.pairs, "seed \(seed), minDays \(minDays)")
                    #expect(abs(row.meanBaseline - expected.meanBaseline) < 1e-9 && abs(row.meanFollowUp - expected.meanFollowUp) < 1e-9)
                    #expect(abs(row.retainedRate - expected.retainedRate) < 1e-9)
                    #expect(row.reachedMastery == expected.reachedMastery && row.stillAtMastery == expected.stillAtMastery)
                }
                stillAtMastery += expectedRetention.map(\.stillAtMastery).reduce(0, +)
                fellBelow += expectedRetention.map { $0.reachedMastery - $0.stillAtMastery }.reduce(0, +)
            }
            for (from, to) in [(Int64.min, Int64.max), (start + 15 * 86_400_000, start + 40 * 86_400_000)] {
                let outcomes = try #require(try await temporary.store.outcomes(program: nil, from: from, to: to, windowDays: 20, team: nil)).outcomes
                let expected = AnalyticsReference.referenceOutcomes(stored, voided: voided, catalog: catalog, from: from, to: to, windowDays: 20)
                #expect(outcomes.map { [$0.enrolled, $0.completed, $0.behaviorChanged] } == expected, "seed \(seed), [\(from), \(to)]")
                if from == Int64.min { #expect(expected.contains { $0[1] > 0 && $0[2] > 0 }, "the data exercises completion and behaviour: \(expected)") }
            }
            #expect(stillAtMastery > 0 && fellBelow > 0, "the data exercises the share still at mastery")
            // Everyone's program completions, and each learner's record, as the definitions give them.
            for until in [start + 40 * 86_400_000, Int64.max] {
                let completions = try #require(try await temporary.store.programCompletions(until: until)).people
                let expected = AnalyticsReference.referenceCompletions(stored, voided: voided, catalog: catalog, until: until)
                #expect(completions.map(\.person) == roster.people)
                for entry in completions {
                    #expect(entry.completed == expected[entry.person.agent.storageKey] ?? [:], "seed \(seed), until \(until)")
                }
                if until == Int64.max { #expect(completions.contains { !$0.completed.isEmpty }, "the data exercises completion") }
                // Employee retention's lighter read says the same of everyone.
                for program in [nil] + catalog.programs.map(\.id) as [String?] {
                    let members = try #require(try await temporary.store.retentionMembers(program: program, from: until)).members
                    func key(_ team: String?, _ hired: Day, _ left: Day?, _ trained: Bool) -> String { "\(team ?? "-") \(hired) \(left?.description ?? "-") \(trained)" }
                    let expectedMembers = completions.map { entry in
                        key(entry.person.team, entry.person.hired, entry.person.left,
                            program.map { entry.completed[$0] != nil } ?? !entry.completed.isEmpty)
                    }
                    #expect(members.map { key($0.team, $0.hired, $0.left, $0.participated) }.sorted() == expectedMembers.sorted(), "program \(program ?? "any")")
                }
            }
            for learner in AnalyticsReference.learners {
                let agent = InverseFunctionalIdentifier.mbox("mailto:\(learner)@example.com")
                let events = try #require(try await temporary.store.learnerEvents(agent)).events
                let record = LearnerRecord(events, catalog: catalog, minDays: 10)
                #expect(events.person == roster.people.first { $0.agent == agent }, "the roster's entry, or none")
                let expected = AnalyticsReference.referenceLearner(stored, voided: voided, catalog: catalog, agent: agent, minDays: 10)
                #expect(!expected.isEmpty)
                #expect(AnalyticsReference.lines(record) == expected, "seed \(seed), \(learner)")
            }
            // Loading the first catalog again gives what the first catalog defines.
            try await temporary.store.replaceCatalog(AnalyticsReference.firstCatalog)
            let reloaded = try #require(try await temporary.store.proficiencyReport(asOf: nil, skill: nil, team: nil))
            #expect(reloaded.rows == AnalyticsReference.reference(stored, voided: voided, catalog: AnalyticsReference.firstCatalog, asOf: .max, roster: roster))
            let lastDay = Day(containing: start + 149 * 86_400_000).endMilliseconds
            let reloadedByDay = try #require(try await temporary.store.proficiencyReport(asOf: lastDay, skill: nil, team: nil))
            #expect(reloadedByDay.rows == AnalyticsReference.reference(stored, voided: voided, catalog: AnalyticsReference.firstCatalog, asOf: lastDay, roster: roster))
        }
    }
}
