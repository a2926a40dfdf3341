import TesseraAnalytics
import TesseraSamples
import XAPI

/// The analytics measures computed straight from their definitions, over statements drawn at
/// random: what the roll-ups every backend keeps are checked against.
public enum AnalyticsReference {
    public static let learners = ["ann", "bo", "cy", "di", "ed", "flo"]
    public static let verbs = ["passed", "failed", "scored", "completed", "experienced", "attempted"]
    public static let skills = (1...4).map { "https://skills.example.com/s\($0)" }
    public static let activities = (1...5).map { "https://courses.example.com/a\($0)" }

    public static let firstCatalog: Catalog = {
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

    public static let secondCatalog: Catalog = {
        var catalog = Catalog()
        catalog.skillCategoryPrefixes = ["https://skills.example.com/s1", "https://skills.example.com/s3"]
        catalog.skills = [Catalog.Skill(id: "https://skills.example.com/other", name: "Other", activities: [activities[2]])]
        catalog.assessmentVerbs = ["passed", "scored"].map { "http://adlnet.gov/expapi/verbs/" + $0 }
        catalog.levels = [Catalog.Level(name: "any", min: -1)]
        // Half the random scores reach it: the data has people who reach mastery and keep it.
        catalog.masteryScore = 0.5
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
    public static func randomStatement(_ random: inout SplitMix64, id: XAPIUUID) -> String {
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
    public static func reference(
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
    public static func referenceOutcomes(
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
    public static func referenceRetention(_ statements: [Statement], voided: Set<XAPIUUID>, catalog: Catalog, minDays: Int) -> [KnowledgeRetention] {
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

    /// When each person completed each program of `catalog` (statements with timestamps up to
    /// `until`), straight from the definition: the latest of their first completion of each of
    /// the program's activities. Keyed by agent, then by program.
    public static func referenceCompletions(
        _ statements: [Statement], voided: Set<XAPIUUID>, catalog: Catalog, until: Int64
    ) -> [String: [String: Int64]] {
        let index = CatalogIndex(catalog)
        var firsts: [String: [String: Int64]] = [:]
        for statement in statements where !voided.contains(statement.id!) {
            guard let event = LearningEvent(statement), let at = event.timestamp?.milliseconds, at <= until,
                  let activity = event.activity, index.completionVerbs.contains(event.verb) else { continue }
            firsts[event.agent.storageKey, default: [:]][activity] = min(firsts[event.agent.storageKey]?[activity] ?? .max, at)
        }
        return firsts.mapValues { completed in
            var programs: [String: Int64] = [:]
            for program in catalog.programs {
                let times = program.activities.map { completed[$0] }
                if times.allSatisfy({ $0 != nil }) { programs[program.id] = times.map { $0! }.max() }
            }
            return programs
        }.filter { !$0.value.isEmpty }
    }

    /// One learner's record straight from the definitions, as lines to compare: per skill
    /// (catalog skills and skills tagged by category that were assessed) each assessment, each
    /// behaviour observation and the knowledge-retention pair; per program its completion.
    public static func referenceLearner(
        _ statements: [Statement], voided: Set<XAPIUUID>, catalog: Catalog, agent: InverseFunctionalIdentifier, minDays: Int
    ) -> [String] {
        let index = CatalogIndex(catalog)
        var assessed: [String: [(at: Int64, seq: Int, score: Double)]] = [:]
        var passed: [String: [(at: Int64, seq: Int, score: Double)]] = [:]
        var observed: [String: [(at: Int64, seq: Int, success: Bool?)]] = [:]
        for (seq, statement) in statements.enumerated() where !voided.contains(statement.id!) {
            guard let event = LearningEvent(statement), event.agent == agent, let at = event.timestamp?.milliseconds else { continue }
            let skills = event.skills(in: index)
            if let score = event.score {
                for skill in skills where index.assessmentVerbs.contains(event.verb) { assessed[skill, default: []].append((at, seq, score)) }
                for skill in skills where event.verb == Catalog.passedVerb { passed[skill, default: []].append((at, seq, score)) }
            }
            if index.behaviorVerbs.contains(event.verb) {
                for skill in skills.union([event.activity].compactMap { $0 }) { observed[skill, default: []].append((at, seq, event.success)) }
            }
        }
        let listed = catalog.skills.map(\.id)
        var lines: [String] = []
        for skill in listed + assessed.keys.filter({ !listed.contains($0) }).sorted() {
            let assessments = (assessed[skill] ?? []).sorted { ($0.at, $0.seq) < ($1.at, $1.seq) }
            let observations = (observed[skill] ?? []).sorted { ($0.at, $0.seq) < ($1.at, $1.seq) }
            guard !assessments.isEmpty || !observations.isEmpty || passed[skill] != nil else { continue }
            lines += assessments.map { "\(skill) assessed \($0.at) \($0.score)" }
            lines += observations.map { "\(skill) observed \($0.at) \(String(describing: $0.success))" }
            if let baseline = passed[skill]?.min(by: { ($0.at, $0.seq) < ($1.at, $1.seq) }),
               let followUp = assessments.first(where: { $0.at >= baseline.at + Int64(minDays) * 86_400_000 }) {
                lines.append("\(skill) retention \(baseline.score) -> \(followUp.score)")
            }
        }
        let completed = referenceCompletions(statements, voided: voided, catalog: catalog, until: .max)[agent.storageKey] ?? [:]
        lines += catalog.programs.compactMap { program in completed[program.id].map { "\(program.id) completed \($0)" } }
        return lines
    }

    /// `record` as the lines `referenceLearner` writes.
    public static func lines(_ record: LearnerRecord) -> [String] {
        var lines: [String] = []
        for skill in record.skills {
            let id = skill.skill.id
            lines += skill.assessments.map { "\(id) assessed \($0.at) \($0.score)" }
            lines += skill.observations.map { "\(id) observed \($0.at) \(String(describing: $0.success))" }
            if let pair = skill.retention { lines.append("\(id) retention \(pair.baseline) -> \(pair.followUp)") }
        }
        lines += record.programs.compactMap { program in program.completedAt.map { "\(program.program.id) completed \($0)" } }
        return lines
    }

    /// A roster placing some of the learners in teams (the others are unassigned).
    public static func roster(_ teams: [String: String]) -> Roster {
        Roster(people: teams.keys.sorted().map { learner in
            Roster.Person(agent: .mbox("mailto:\(learner)@example.com"), team: teams[learner], hired: Day(ordinal: 0))
        })
    }
}
