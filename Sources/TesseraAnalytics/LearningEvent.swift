import XAPI

/// What analytics needs of one statement, independent of any catalog: who did what to which
/// activity, when, with what score and success, and the context activities that place it in a
/// program (parent, grouping) or tag it with a skill (category).
public struct LearningEvent: Sendable, Equatable {
    /// The actor; only an identified Agent is a person (Groups count for nobody).
    public var agent: InverseFunctionalIdentifier
    public var verb: String
    /// The object's id when the object is an activity.
    public var activity: String?
    /// The statement's timestamp (nil when the statement has none: the storage time stands in).
    public var timestamp: XAPITimestamp?
    /// See `score(of:)`.
    public var score: Double?
    public var success: Bool?
    /// `context.contextActivities.parent` and `grouping` ids.
    public var parentsAndGroupings: [String]
    /// `context.contextActivities.category` ids.
    public var categories: [String]

    /// The event of `statement`, or nil when its actor is not an identified Agent.
    public init?(_ statement: Statement) {
        guard case .agent(let agent) = statement.actor else { return nil }
        self.agent = agent.identifier
        verb = statement.verb.id
        if case .activity(let object) = statement.object { activity = object.id }
        timestamp = statement.timestamp
        score = Self.score(of: statement.result?.score)
        success = statement.result?.success
        let context = statement.context?.contextActivities
        parentsAndGroupings = ((context?.parent ?? []) + (context?.grouping ?? [])).map(\.id)
        categories = (context?.category ?? []).map(\.id)
    }

    /// The contract's score: `scaled`, else (raw - min) / (max - min) when all three are given
    /// and max > min.
    public static func score(of score: Score?) -> Double? {
        guard let score else { return nil }
        if let scaled = score.scaled { return scaled.value }
        guard let raw = score.raw?.value, let min = score.min?.value, let max = score.max?.value, max > min else { return nil }
        return (raw - min) / (max - min)
    }

    /// The skills of the statement under `catalog`: category ids that start with one of the
    /// skill prefixes, and the skills whose activities include the object.
    public func skills(in catalog: CatalogIndex) -> Set<String> {
        var skills = Set<String>()
        for category in categories where catalog.isSkillCategory(category) { skills.insert(category) }
        if let activity { skills.formUnion(catalog.skills(assessedBy: activity)) }
        return skills
    }
}

/// A catalog arranged for the questions ingest asks of every statement.
public struct CatalogIndex: Sendable {
    public let catalog: Catalog
    private let skillsByActivity: [String: [String]]
    public let assessmentVerbs: Set<String>
    public let completionVerbs: Set<String>
    public let behaviorVerbs: Set<String>
    private let programsByTarget: [String: [String]]
    private let programActivities: Set<String>

    public init(_ catalog: Catalog) {
        self.catalog = catalog
        var byTarget: [String: [String]] = [:]
        for program in catalog.programs {
            for target in Set([program.id] + program.activities) { byTarget[target, default: []].append(program.id) }
        }
        programsByTarget = byTarget
        programActivities = Set(catalog.programs.flatMap(\.activities))
        var byActivity: [String: [String]] = [:]
        for skill in catalog.skills {
            for activity in skill.activities { byActivity[activity, default: []].append(skill.id) }
        }
        skillsByActivity = byActivity
        assessmentVerbs = Set(catalog.assessmentVerbs)
        completionVerbs = Set(catalog.completionVerbs)
        behaviorVerbs = Set(catalog.behaviorVerbs)
    }

    /// The programs a statement is about: those whose id or activities include its object or
    /// a context parent or grouping (what counts as enrolment).
    public func programs(of event: LearningEvent) -> Set<String> {
        var programs = Set<String>()
        for target in [event.activity].compactMap({ $0 }) + event.parentsAndGroupings {
            programs.formUnion(programsByTarget[target] ?? [])
        }
        return programs
    }

    /// True when a statement with `verb` about `activity` completes an activity of a program
    /// (what outcomes count as completion).
    public func isCompletion(verb: String, activity: String?) -> Bool {
        guard let activity, completionVerbs.contains(verb) else { return false }
        return programActivities.contains(activity)
    }

    /// True when `id` starts with one of the skill category prefixes.
    public func isSkillCategory(_ id: String) -> Bool {
        catalog.skillCategoryPrefixes.contains { id.hasPrefix($0) }
    }

    /// The skills whose activities include `activity`.
    public func skills(assessedBy activity: String) -> [String] {
        skillsByActivity[activity] ?? []
    }

    /// What a statement with `verb`, with or without a score, counts as for its skills.
    public func kind(verb: String, scored: Bool) -> SkillFact.Kind {
        var kind: SkillFact.Kind = []
        if scored && assessmentVerbs.contains(verb) { kind.insert(.assessment) }
        if scored && verb == Catalog.passedVerb { kind.insert(.passed) }
        if behaviorVerbs.contains(verb) { kind.insert(.behavior) }
        return kind
    }

    /// What a statement contributes per skill: an assessment score, a `passed` score (the
    /// knowledge-retention baseline), a behaviour. A behaviour also counts for its object when
    /// the object is a skill ("the object is the skill").
    public func skillFacts(verb: String, activity: String?, score: Double?, skills: Set<String>) -> [SkillFact] {
        let kind = kind(verb: verb, scored: score != nil)
        guard !kind.isEmpty else { return [] }
        var facts = skills.sorted().map { SkillFact(skill: $0, kind: kind) }
        if kind.contains(.behavior), let activity, !skills.contains(activity) {
            facts.append(SkillFact(skill: activity, kind: .behavior))
        }
        return facts
    }
}

/// One statement's contribution to one skill.
public struct SkillFact: Sendable, Equatable {
    /// What the statement counts as for the skill.
    public struct Kind: OptionSet, Sendable, Hashable {
        public let rawValue: Int64
        public init(rawValue: Int64) { self.rawValue = rawValue }
        /// An assessment verb with a score (proficiency, follow-ups).
        public static let assessment = Kind(rawValue: 1)
        /// ADL passed with a score (knowledge-retention baseline).
        public static let passed = Kind(rawValue: 2)
        /// A behaviour verb (behaviour change).
        public static let behavior = Kind(rawValue: 4)
    }

    public let skill: String
    public let kind: Kind
}
