import XAPI

/// What the organisation's learning means: skills, programs, and which verbs count as
/// assessment, completion and behaviour (docs/analytics.md, DESIGN.md "Analytics contract").
public struct Catalog: Sendable, Equatable {
    /// A skill, optionally assessed by specific activities.
    public struct Skill: Sendable, Equatable {
        public var id: String
        public var name: String
        /// Activities whose statements are about this skill.
        public var activities: [String]

        public init(id: String, name: String, activities: [String] = []) {
            self.id = id
            self.name = name
            self.activities = activities
        }
    }

    /// Why a program exists.
    public enum Kind: String, Sendable, CaseIterable {
        /// Deeper skills for the current role.
        case upskilling
        /// A new role.
        case reskilling
    }

    /// Whether people must take it.
    public enum Mode: String, Sendable, CaseIterable {
        case mandatory
        case voluntary
    }

    /// When a mandatory program must be completed: a number of days after the person was
    /// hired, a date, or both (then the later of the two, so that people who join after the
    /// date still have their days).
    public struct DueRule: Sendable, Equatable {
        public var daysAfterHire: Int?
        public var date: Day?

        public init(daysAfterHire: Int? = nil, date: Day? = nil) {
            self.daysAfterHire = daysAfterHire
            self.date = date
        }

        /// The last day on which someone hired on `hired` completes on time.
        public func dueDay(hired: Day) -> Day {
            let afterHire = daysAfterHire.map { Day(ordinal: hired.ordinal + Int64($0)) }
            switch (afterHire, date) {
            case let (afterHire?, date?): return max(afterHire, date)
            case let (afterHire?, nil): return afterHire
            case let (nil, date?): return date
            case (nil, nil): return hired
            }
        }
    }

    /// A program: activities that must all be completed, and the skills it builds.
    public struct Program: Sendable, Equatable {
        public var id: String
        public var name: String
        public var kind: Kind
        public var mode: Mode
        public var activities: [String]
        public var skills: [String]
        /// When it must be completed (mandatory programs only; nil: no deadline).
        public var due: DueRule?
        /// The roster's teams that must complete it (mandatory programs only; empty: everyone).
        public var mandatoryFor: [String]

        public init(
            id: String, name: String, kind: Kind, mode: Mode, activities: [String], skills: [String] = [], due: DueRule? = nil,
            mandatoryFor: [String] = []
        ) {
            self.id = id
            self.name = name
            self.kind = kind
            self.mode = mode
            self.activities = activities
            self.skills = skills
            self.due = due
            self.mandatoryFor = mandatoryFor
        }

        /// True when `team` (nil: no team) must complete it.
        public func isRequired(ofTeam team: String?) -> Bool {
            mode == .mandatory && (mandatoryFor.isEmpty || team.map(mandatoryFor.contains) ?? false)
        }
    }

    /// A proficiency level: scores at or above `min` (and below the next level's) belong to it.
    public struct Level: Sendable, Equatable {
        public var name: String
        public var min: Double

        public init(name: String, min: Double) {
            self.name = name
            self.min = min
        }
    }

    public var skills: [Skill] = []
    /// A category activity whose id starts with one of these tags its statement with that skill.
    public var skillCategoryPrefixes: [String] = []
    public var programs: [Program] = []
    public var assessmentVerbs = Catalog.defaultAssessmentVerbs
    public var completionVerbs = Catalog.defaultCompletionVerbs
    public var behaviorVerbs: [String] = []
    public var masteryScore = 0.8
    /// Ascending by `min`.
    public var levels: [Level] = []

    /// ADL's passed, failed and scored.
    public static let defaultAssessmentVerbs = ["passed", "failed", "scored"].map { "http://adlnet.gov/expapi/verbs/" + $0 }
    /// ADL's completed and passed.
    public static let defaultCompletionVerbs = ["completed", "passed"].map { "http://adlnet.gov/expapi/verbs/" + $0 }
    /// ADL's passed: the verb of a knowledge-retention baseline.
    public static let passedVerb = "http://adlnet.gov/expapi/verbs/passed"

    /// An empty catalog with the default verbs.
    public init() {}

    /// The level a score falls in, if any.
    public func level(of score: Double) -> Level? {
        levels.last { score >= $0.min }
    }

    // MARK: JSON

    /// Reads a catalog, checking every rule; all problems are reported together.
    public static func read(_ bytes: [UInt8]) -> Result<Catalog, AnalyticsInputError> {
        var problems = ProblemList()
        guard let document = try? JSONDocument.parse(bytes) else {
            problems.add("catalog", "is not valid JSON")
            return .failure(problems.error)
        }
        var reader = DocumentReader(problems: problems)
        let catalog = reader.catalog(document.root)
        return reader.problems.isEmpty ? .success(catalog) : .failure(reader.problems.error)
    }

    /// The catalog as JSON, every member written (defaults included).
    public func json() -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        func strings(_ key: String, _ values: [String]) {
            writer.key(key)
            writer.beginArray()
            for value in values { writer.string(value) }
            writer.endArray()
        }
        writer.beginObject()
        writer.key("skills")
        writer.beginArray()
        for skill in skills {
            writer.beginObject()
            writer.key("id"); writer.string(skill.id)
            writer.key("name"); writer.string(skill.name)
            strings("activities", skill.activities)
            writer.endObject()
        }
        writer.endArray()
        strings("skillCategoryPrefixes", skillCategoryPrefixes)
        writer.key("programs")
        writer.beginArray()
        for program in programs {
            writer.beginObject()
            writer.key("id"); writer.string(program.id)
            writer.key("name"); writer.string(program.name)
            writer.key("kind"); writer.string(program.kind.rawValue)
            writer.key("mode"); writer.string(program.mode.rawValue)
            strings("activities", program.activities)
            strings("skills", program.skills)
            if let due = program.due {
                writer.key("due")
                writer.beginObject()
                if let days = due.daysAfterHire { writer.key("daysAfterHire"); writer.number(String(days)) }
                if let date = due.date { writer.key("date"); writer.string(date.description) }
                writer.endObject()
            }
            if !program.mandatoryFor.isEmpty { strings("mandatoryFor", program.mandatoryFor) }
            writer.endObject()
        }
        writer.endArray()
        strings("assessmentVerbs", assessmentVerbs)
        strings("completionVerbs", completionVerbs)
        strings("behaviorVerbs", behaviorVerbs)
        writer.key("masteryScore"); writer.number(JSONNumberText.format(masteryScore))
        writer.key("levels")
        writer.beginArray()
        for level in levels {
            writer.beginObject()
            writer.key("name"); writer.string(level.name)
            writer.key("min"); writer.number(JSONNumberText.format(level.min))
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }
}

/// Number literals for JSON and CSV output.
enum JSONNumberText {
    /// The shortest text that reads back as `value` (integers without a fraction).
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
