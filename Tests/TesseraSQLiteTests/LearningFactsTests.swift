import Foundation
import Logging
import TesseraAnalytics
import TesseraSamples
@testable import TesseraSQLite
import TesseraLRS
import TesseraTestSupport
import Testing
import XAPI

/// The analytics roll-ups the writer maintains, checked against the measures' definitions
/// computed straight from the statements.
struct LearningFactsTests {
    static let learners = ["ann", "bo", "cy", "di", "ed", "flo"]
    static let verbs = ["passed", "failed", "scored", "completed", "experienced", "attempted"]
    static let skills = (1...4).map { "https://skills.example.com/s\($0)" }
    static let activities = (1...5).map { "https://courses.example.com/a\($0)" }

    static let firstCatalog: Catalog = {
        var catalog = Catalog()
        catalog.skillCategoryPrefixes = ["https://skills.example.com/"]
        catalog.skills = [Catalog.Skill(id: "https://skills.example.com/assessed", name: "Assessed", activities: [activities[0], activities[1]])]
        catalog.levels = [Catalog.Level(name: "low", min: 0), Catalog.Level(name: "high", min: 0.7)]
        catalog.programs = [Catalog.Program(
            id: "https://programs.example.com/p1", name: "P1", kind: .upskilling, mode: .mandatory,
            activities: [activities[0], activities[1]], skills: [skills[0]])]
        catalog.behaviorVerbs = ["http://adlnet.gov/expapi/verbs/experienced"]
        return catalog
    }()

    static let secondCatalog: Catalog = {
        var catalog = Catalog()
        catalog.skillCategoryPrefixes = ["https://skills.example.com/s1", "https://skills.example.com/s3"]
        catalog.skills = [Catalog.Skill(id: "https://skills.example.com/other", name: "Other", activities: [activities[2]])]
        catalog.assessmentVerbs = ["passed", "scored"].map { "http://adlnet.gov/expapi/verbs/" + $0 }
        catalog.levels = [Catalog.Level(name: "any", min: -1)]
        catalog.programs = [
            Catalog.Program(id: "https://programs.example.com/p2", name: "P2", kind: .reskilling, mode: .voluntary,
                            activities: [activities[2], activities[3], activities[4]], skills: [skills[2], activities[0]]),
            Catalog.Program(id: "https://programs.example.com/p3", name: "P3", kind: .upskilling, mode: .voluntary,
                            activities: [activities[1]], skills: [skills[1]]),
        ]
        catalog.behaviorVerbs = ["http://adlnet.gov/expapi/verbs/attempted"]
        return catalog
    }()

    /// A random statement: learner, verb, object, a score in one of the contract's forms (or
    /// none), up to two skill categories, and a timestamp in a 150-day range (out of order).
    static func randomStatement(_ random: inout SplitMix64, id: XAPIUUID) -> String {
        func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        let seconds = 1_700_000_000 + Int64(random.next() % (150 * 86_400))
        var members = [
            #""id":"\#(id)""#,
            #""actor":{"mbox":"mailto:\#(pick(learners))@example.com"}"#,
            #""verb":{"id":"http://adlnet.gov/expapi/verbs/\#(pick(verbs))"}"#,
            #""object":{"id":"\#(pick(activities))"}"#,
            #""timestamp":"\#(XAPITimestamp(seconds: seconds, nanoseconds: 0).text)""#,
        ]
        switch random.next() % 3 {
        case 0: members.append(#""result":{"score":{"scaled":\#(Double(random.next() % 101) / 100)}}"#)
        case 1: members.append(#""result":{"score":{"raw":\#(random.next() % 50),"min":0,"max":50}}"#)
        default: break
        }
        let categories = (0..<(random.next() % 3)).map { _ in #"{"id":"\#(pick(skills))"}"# }
        if !categories.isEmpty { members.append(#""context":{"contextActivities":{"category":[\#(categories.joined(separator: ","))]}}"#) }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// The proficiency report computed straight from the definition.
    static func reference(
        _ statements: [Statement], voided: Set<XAPIUUID>, catalog: Catalog, asOf: Int64, roster: Roster = Roster(), team: String? = nil
    ) -> [ProficiencyRow] {
        let index = CatalogIndex(catalog)
        var events: [(agent: InverseFunctionalIdentifier, skill: String, at: Int64, seq: Int64, score: Double)] = []
        for (seq, statement) in statements.enumerated() where !voided.contains(statement.id!) {
            guard let event = LearningEvent(statement), let score = event.score, index.assessmentVerbs.contains(event.verb) else { continue }
            for skill in event.skills(in: index) {
                events.append((event.agent, skill, event.timestamp!.milliseconds, Int64(seq), score))
            }
        }
        let teams = Dictionary(uniqueKeysWithValues: roster.people.compactMap { person in person.team.map { (person.agent.storageKey, $0) } })
        return ProficiencyReport.rows(ProficiencyReport.standings(events, asOf: asOf), catalog: catalog, teams: teams, team: team)
    }

    /// Outcomes computed straight from the definition: (enrolled, completed, behaviorChanged)
    /// per program of `catalog`, for statements with timestamps in [from, to].
    static func referenceOutcomes(
        _ statements: [Statement], voided: Set<XAPIUUID>, catalog: Catalog, from: Int64, to: Int64, windowDays: Int
    ) -> [[Int]] {
        let index = CatalogIndex(catalog)
        let events = statements.enumerated().compactMap { seq, statement -> (seq: Int, event: LearningEvent)? in
            // Voiding statements carry no timestamp here and are about no program.
            guard !voided.contains(statement.id!), let event = LearningEvent(statement), let at = event.timestamp?.milliseconds
            else { return nil }
            return at >= from && at <= to ? (seq, event) : nil
        }
        return catalog.programs.map { program in
            let targets = Set([program.id] + program.activities)
            let enrolled = Set(events.filter { item in
                ([item.event.activity].compactMap { $0 } + item.event.parentsAndGroupings).contains(where: targets.contains)
            }.map(\.event.agent.storageKey))
            var completedAt: [String: Int64] = [:]
            for agent in enrolled {
                var latest = Int64.min
                var all = true
                for activity in program.activities {
                    let firsts = events.filter {
                        $0.event.agent.storageKey == agent && $0.event.activity == activity && index.completionVerbs.contains($0.event.verb)
                    }.map { $0.event.timestamp!.milliseconds }
                    guard let first = firsts.min() else { all = false; break }
                    latest = max(latest, first)
                }
                if all { completedAt[agent] = latest }
            }
            let changed = completedAt.filter { agent, at in
                events.contains { item in
                    let when = item.event.timestamp!.milliseconds
                    let aboutSkill = !Set(program.skills).isDisjoint(with: item.event.skills(in: index).union([item.event.activity].compactMap { $0 }))
                    return item.event.agent.storageKey == agent && index.behaviorVerbs.contains(item.event.verb) && aboutSkill
                        && item.event.success != false && when > at && when <= min(to, at + Int64(windowDays) * 86_400_000)
                }
            }
            return [enrolled.count, completedAt.count, changed.count]
        }
    }

    /// Knowledge retention computed straight from the definition.
    static func referenceRetention(_ statements: [Statement], voided: Set<XAPIUUID>, catalog: Catalog, minDays: Int) -> [KnowledgeRetention] {
        let index = CatalogIndex(catalog)
        struct Key: Hashable { let skill: String; let agent: String }
        var passed: [Key: [(at: Int64, seq: Int, score: Double)]] = [:]
        var assessed: [Key: [(at: Int64, seq: Int, score: Double)]] = [:]
        for (seq, statement) in statements.enumerated() where !voided.contains(statement.id!) {
            guard let event = LearningEvent(statement), let score = event.score else { continue }
            for skill in event.skills(in: index) {
                let key = Key(skill: skill, agent: event.agent.storageKey)
                let point = (event.timestamp!.milliseconds, seq, score)
                if event.verb == Catalog.passedVerb { passed[key, default: []].append(point) }
                if index.assessmentVerbs.contains(event.verb) { assessed[key, default: []].append(point) }
            }
        }
        var pairs: [String: [(baseline: Double, followUp: Double)]] = [:]
        for (key, points) in passed {
            let baseline = points.min { ($0.at, $0.seq) < ($1.at, $1.seq) }!
            let later = (assessed[key] ?? []).filter { $0.at >= baseline.at + Int64(minDays) * 86_400_000 }
            guard let followUp = later.min(by: { ($0.at, $0.seq) < ($1.at, $1.seq) }) else { continue }
            pairs[key.skill, default: []].append((baseline.score, followUp.score))
        }
        return pairs.keys.sorted().compactMap { KnowledgeRetention(skill: $0, pairs: pairs[$0]!, masteryScore: catalog.masteryScore) }
    }

    /// A roster placing some of the learners in teams (the others are unassigned).
    static func roster(_ teams: [String: String]) -> Roster {
        Roster(people: teams.keys.sorted().map { learner in
            Roster.Person(agent: .mbox("mailto:\(learner)@example.com"), team: teams[learner], hired: Day(ordinal: 0))
        })
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func incrementalProficiencyMatchesRecomputationThroughVoidingAndCatalogReloads(seed: UInt64) async throws {
        let temporary = try TemporaryStore()
        var random = SplitMix64(seed: seed)
        var stored: [Statement] = []
        var voided = Set<XAPIUUID>()
        let firstRoster = Self.roster(["ann": "Red", "bo": "Red", "cy": "Blue"])
        let roster = Self.roster(["ann": "Blue", "bo": "Red", "di": "Red", "ed": "Green"])
        try await temporary.store.replaceCatalog(Self.firstCatalog)
        for round in 0..<12 {
            var batch: [PreparedStatement] = []
            for _ in 0..<25 {
                let statement = try prepared(Self.randomStatement(&random, id: XAPIUUID.random(using: &random)))
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
            if round == 6 { try await temporary.store.replaceCatalog(Self.secondCatalog) }
            if round == 3 { try await temporary.store.replaceRoster(firstRoster) }
            if round == 9 { try await temporary.store.replaceRoster(roster) }
        }
        let catalog = Self.secondCatalog
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
                let expected = Self.reference(stored, voided: voided, catalog: catalog, asOf: asOf, roster: roster, team: team)
                #expect(team != nil || !expected.isEmpty)
                #expect(report.rows == expected, "seed \(seed), asOf \(asOf), team \(team ?? "all")")
            }
        }
        // Follow-ups for the default gap are kept in the roll-up; others are looked up.
        for minDays in [10, KnowledgeRetention.defaultMinDays] {
            let retention = try #require(try await temporary.store.knowledgeRetention(skill: nil, minDays: minDays)).rows
            let expectedRetention = Self.referenceRetention(stored, voided: voided, catalog: catalog, minDays: minDays)
            #expect(!expectedRetention.isEmpty)
            #expect(retention.count == expectedRetention.count)
            for (row, expected) in zip(retention, expectedRetention) {
                #expect(row.skill == expected.skill && row.pairs == expected.pairs, "seed \(seed), minDays \(minDays)")
                #expect(abs(row.meanBaseline - expected.meanBaseline) < 1e-9 && abs(row.meanFollowUp - expected.meanFollowUp) < 1e-9)
                #expect(abs(row.retainedRate - expected.retainedRate) < 1e-9)
            }
        }
        for (from, to) in [(Int64.min, Int64.max), (start + 15 * 86_400_000, start + 40 * 86_400_000)] {
            let outcomes = try #require(try await temporary.store.outcomes(program: nil, from: from, to: to, windowDays: 20)).outcomes
            let expected = Self.referenceOutcomes(stored, voided: voided, catalog: catalog, from: from, to: to, windowDays: 20)
            #expect(outcomes.map { [$0.enrolled, $0.completed, $0.behaviorChanged] } == expected, "seed \(seed), [\(from), \(to)]")
            if from == Int64.min { #expect(expected.contains { $0[1] > 0 && $0[2] > 0 }, "the data exercises completion and behaviour: \(expected)") }
        }
        // Loading the first catalog again gives what the first catalog defines.
        try await temporary.store.replaceCatalog(Self.firstCatalog)
        let reloaded = try #require(try await temporary.store.proficiencyReport(asOf: nil, skill: nil, team: nil))
        #expect(reloaded.rows == Self.reference(stored, voided: voided, catalog: Self.firstCatalog, asOf: .max, roster: roster))
        let lastDay = Day(containing: start + 149 * 86_400_000).endMilliseconds
        let reloadedByDay = try #require(try await temporary.store.proficiencyReport(asOf: lastDay, skill: nil, team: nil))
        #expect(reloadedByDay.rows == Self.reference(stored, voided: voided, catalog: Self.firstCatalog, asOf: lastDay, roster: roster))
    }

    @Test func factsMissedWithAnalyticsOffAreDerivedAtTheNextStartWithItOn() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("facts.sqlite")
        var random = SplitMix64(seed: 9)
        var stored: [Statement] = []
        let withAnalytics = try SQLiteStore(path: path, readers: 1, durability: .normal, logger: Logger(label: "test"))
        try await withAnalytics.replaceCatalog(Self.firstCatalog)
        let first = try (0..<40).map { _ in try prepared(Self.randomStatement(&random, id: XAPIUUID.random(using: &random))) }
        try await withAnalytics.store(first)
        stored += first.map(\.statement)
        withAnalytics.close()

        let without = try SQLiteStore(path: path, readers: 1, durability: .normal, analytics: false, logger: Logger(label: "test"))
        let second = try (0..<40).map { _ in try prepared(Self.randomStatement(&random, id: XAPIUUID.random(using: &random))) }
        try await without.store(second)
        stored += second.map(\.statement)
        let missing = try #require(try await without.proficiencyReport(asOf: nil, skill: nil, team: nil))
        #expect(missing.rows != Self.reference(stored, voided: [], catalog: Self.firstCatalog, asOf: .max), "nothing recorded while off")
        without.close()

        let again = try SQLiteStore(path: path, readers: 1, durability: .normal, logger: Logger(label: "test"))
        defer { again.close() }
        let report = try #require(try await again.proficiencyReport(asOf: nil, skill: nil, team: nil))
        #expect(report.rows == Self.reference(stored, voided: [], catalog: Self.firstCatalog, asOf: .max))
    }
}
