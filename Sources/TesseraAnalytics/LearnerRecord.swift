/// What the store holds about one learner: the roster's entry and their statements as the
/// analytics read them, straight from the stored facts.
public struct LearnerEvents: Sendable, Equatable {
    /// One statement's contribution to one skill.
    public struct SkillEvent: Sendable, Equatable {
        public let skill: String
        /// The statement's timestamp (milliseconds) and its place in the store, which orders
        /// statements with the same timestamp.
        public let at: Int64
        public let seq: Int64
        public let kind: SkillFact.Kind
        public let score: Double?
        public let success: Bool?

        public init(skill: String, at: Int64, seq: Int64, kind: SkillFact.Kind, score: Double?, success: Bool?) {
            self.skill = skill
            self.at = at
            self.seq = seq
            self.kind = kind
            self.score = score
            self.success = success
        }
    }

    /// The roster's entry (nil when the roster does not list them).
    public let person: Roster.Person?
    public let skillEvents: [SkillEvent]
    /// Activity IRI → the learner's first completion of it (milliseconds).
    public let firstCompletions: [String: Int64]

    public init(person: Roster.Person?, skillEvents: [SkillEvent], firstCompletions: [String: Int64]) {
        self.person = person
        self.skillEvents = skillEvents
        self.firstCompletions = firstCompletions
    }

    /// True when neither the roster nor any stored fact knows them.
    public var isEmpty: Bool { person == nil && skillEvents.isEmpty && firstCompletions.isEmpty }
}

/// One person's record across the measures (docs/analytics.md "Learner view"), by the same
/// definitions as the organisation's reports.
public struct LearnerRecord: Sendable, Equatable {
    /// One scored assessment.
    public struct Assessment: Sendable, Equatable {
        public let at: Int64
        public let score: Double
        /// The catalog level the score falls in.
        public let level: String?
        /// False for the first assessment on the skill, true for every later one.
        public let reassessment: Bool
    }

    /// A behaviour statement: the skill applied on the job (or, with success false, tried and
    /// not achieved).
    public struct Observation: Sendable, Equatable {
        public let at: Int64
        public let success: Bool?
    }

    /// Knowledge retention's pair for the skill: the first `passed` score and the first
    /// assessment at least `minDays` later.
    public struct RetentionPair: Sendable, Equatable {
        public let baselineAt: Int64
        public let baseline: Double
        public let followUpAt: Int64
        public let followUp: Double
    }

    /// Everything about one skill.
    public struct SkillRecord: Sendable, Equatable {
        public let skill: Catalog.Skill
        /// Oldest first.
        public let assessments: [Assessment]
        public let observations: [Observation]
        public let retention: RetentionPair?

        /// Latest score minus first (nil with fewer than two assessments): the same figure as
        /// the proficiency report's change since first assessment.
        public var changeSinceFirstAssessment: Double? {
            guard assessments.count > 1, let first = assessments.first, let last = assessments.last else { return nil }
            return last.score - first.score
        }
    }

    /// One program and how far the person is through it.
    public struct ProgramRecord: Sendable, Equatable {
        public let program: Catalog.Program
        /// How many of its activities they have completed.
        public let activitiesCompleted: Int
        /// When they completed the last of them (nil until they have completed all).
        public let completedAt: Int64?
    }

    /// The person as the roster lists them (nil when it does not).
    public let person: Roster.Person?
    /// Skills with at least one assessment or observation: the catalog's, in its order, then
    /// the assessed skills tagged by category (named by their id), by id.
    public let skills: [SkillRecord]
    /// Every program of the catalog, in its order.
    public let programs: [ProgramRecord]

    /// The record of `events` under `catalog`, with knowledge-retention follow-ups at least
    /// `minDays` after the baseline.
    public init(_ events: LearnerEvents, catalog: Catalog, minDays: Int) {
        person = events.person
        let bySkill = Dictionary(grouping: events.skillEvents, by: \.skill)
        // The catalog's skills in its order, then skills tagged by category (assessed ones).
        let listed = Set(catalog.skills.map(\.id))
        let tagged = bySkill.filter { !listed.contains($0.key) && $0.value.contains { $0.kind.contains(.assessment) } }.keys.sorted()
        skills = (catalog.skills + tagged.map { Catalog.Skill(id: $0, name: $0) }).compactMap { skill in
            let ordered = (bySkill[skill.id] ?? []).sorted { ($0.at, $0.seq) < ($1.at, $1.seq) }
            guard !ordered.isEmpty else { return nil }
            let scored = ordered.filter { $0.kind.contains(.assessment) && $0.score != nil }
            let assessments = scored.enumerated().map { index, event in
                Assessment(at: event.at, score: event.score!, level: catalog.level(of: event.score!)?.name, reassessment: index > 0)
            }
            let observations = ordered.filter { $0.kind.contains(.behavior) }.map { Observation(at: $0.at, success: $0.success) }
            var retention: RetentionPair?
            if let baseline = ordered.first(where: { $0.kind.contains(.passed) && $0.score != nil }),
               let followUp = scored.first(where: { $0.at >= baseline.at + Int64(minDays) * 86_400_000 }) {
                retention = RetentionPair(baselineAt: baseline.at, baseline: baseline.score!, followUpAt: followUp.at, followUp: followUp.score!)
            }
            return SkillRecord(skill: skill, assessments: assessments, observations: observations, retention: retention)
        }
        programs = catalog.programs.map { program in
            let firsts = Set(program.activities).compactMap { events.firstCompletions[$0] }
            let complete = !program.activities.isEmpty && firsts.count == Set(program.activities).count
            return ProgramRecord(program: program, activitiesCompleted: firsts.count, completedAt: complete ? firsts.max() : nil)
        }
    }
}
