import XAPI

/// Reads catalog and roster JSON with a path for every problem.
struct DocumentReader {
    var problems: ProblemList

    // MARK: Catalog

    mutating func catalog(_ root: JSONValue) -> Catalog {
        var catalog = Catalog()
        let known: Set<String> = [
            "skills", "skillCategoryPrefixes", "programs", "assessmentVerbs", "completionVerbs", "behaviorVerbs",
            "masteryScore", "levels",
        ]
        guard object(root, "catalog", known: known) else { return catalog }
        var skillIDs = Set<String>()
        catalog.skills = array(root["skills"], "catalog.skills") { reader, value, path in
            guard reader.object(value, path, known: ["id", "name", "activities"]) else { return nil }
            let id = reader.iri(value["id"], path + ".id")
            if let id, !skillIDs.insert(id).inserted { reader.problems.add(path + ".id", "repeats the skill \(id)") }
            let name = reader.string(value["name"], path + ".name")
            let activities = reader.iris(value["activities"], path + ".activities", required: false)
            guard let id, let name else { return nil }
            return Catalog.Skill(id: id, name: name, activities: activities)
        }
        catalog.skillCategoryPrefixes = iris(root["skillCategoryPrefixes"], "catalog.skillCategoryPrefixes", required: false)
        var programIDs = Set<String>()
        catalog.programs = array(root["programs"], "catalog.programs") { reader, value, path in
            guard reader.object(value, path, known: ["id", "name", "kind", "mode", "activities", "skills", "due", "mandatoryFor"]) else { return nil }
            let id = reader.iri(value["id"], path + ".id")
            if let id, !programIDs.insert(id).inserted { reader.problems.add(path + ".id", "repeats the program \(id)") }
            let name = reader.string(value["name"], path + ".name")
            let kind = reader.choice(value["kind"], path + ".kind", Catalog.Kind.self)
            let mode = reader.choice(value["mode"], path + ".mode", Catalog.Mode.self)
            let activities = reader.iris(value["activities"], path + ".activities", required: true)
            if let listed = value["activities"], listed.kind == .array, listed.count == 0 {
                reader.problems.add(path + ".activities", "must name at least one activity")
            }
            let skills = reader.iris(value["skills"], path + ".skills", required: false)
            let due = value["due"].flatMap { reader.dueRule($0, path + ".due") }
            if due != nil, mode == .voluntary { reader.problems.add(path + ".due", "is for mandatory programs only") }
            let mandatoryFor = reader.texts(value["mandatoryFor"], path + ".mandatoryFor")
            if !mandatoryFor.isEmpty, mode == .voluntary { reader.problems.add(path + ".mandatoryFor", "is for mandatory programs only") }
            guard let id, let name, let kind, let mode else { return nil }
            return Catalog.Program(
                id: id, name: name, kind: kind, mode: mode, activities: activities, skills: skills, due: due, mandatoryFor: mandatoryFor)
        }
        if let verbs = optionalIRIs(root["assessmentVerbs"], "catalog.assessmentVerbs") { catalog.assessmentVerbs = verbs }
        if let verbs = optionalIRIs(root["completionVerbs"], "catalog.completionVerbs") { catalog.completionVerbs = verbs }
        if let verbs = optionalIRIs(root["behaviorVerbs"], "catalog.behaviorVerbs") { catalog.behaviorVerbs = verbs }
        if let mastery = root["masteryScore"] {
            if let score = number(mastery, "catalog.masteryScore"), (0...1).contains(score) {
                catalog.masteryScore = score
            } else if mastery.kind == .number {
                problems.add("catalog.masteryScore", "must be between 0 and 1")
            }
        }
        catalog.levels = array(root["levels"], "catalog.levels") { reader, value, path in
            guard reader.object(value, path, known: ["name", "min"]) else { return nil }
            let name = reader.string(value["name"], path + ".name")
            guard let min = value["min"].flatMap({ reader.number($0, path + ".min") }) else {
                if value["min"] == nil { reader.problems.add(path + ".min", "is required") }
                return nil
            }
            guard let name else { return nil }
            return Catalog.Level(name: name, min: min)
        }
        for (index, pair) in zip(catalog.levels, catalog.levels.dropFirst()).enumerated() where pair.1.min <= pair.0.min {
            problems.add("catalog.levels[\(index + 1)].min", "levels must ascend: \(pair.1.min) is not above \(pair.0.min)")
        }
        return catalog
    }

    /// An optional array of team names (each non-empty text, listed once).
    mutating func texts(_ value: JSONValue?, _ path: String) -> [String] {
        guard let value else { return [] }
        var seen = Set<String>()
        return array(value, path) { reader, element, elementPath in
            guard let text = reader.string(element, elementPath) else { return nil }
            if !seen.insert(text).inserted { reader.problems.add(elementPath, "repeats \"\(text)\"") }
            return text
        }
    }

    /// `{"daysAfterHire": 0-3650, "date": "YYYY-MM-DD"}`, at least one of the two.
    mutating func dueRule(_ value: JSONValue, _ path: String) -> Catalog.DueRule? {
        guard object(value, path, known: ["daysAfterHire", "date"]) else { return nil }
        var rule = Catalog.DueRule()
        if let days = value["daysAfterHire"] {
            if let number = number(days, path + ".daysAfterHire") {
                if number == number.rounded(), (0...3650).contains(number) {
                    rule.daysAfterHire = Int(number)
                } else {
                    problems.add(path + ".daysAfterHire", "must be a whole number of days from 0 to 3650")
                }
            }
        }
        rule.date = day(value["date"], path + ".date", required: false)
        if value["daysAfterHire"] == nil && value["date"] == nil { problems.add(path, "must give daysAfterHire, date or both") }
        return rule.daysAfterHire == nil && rule.date == nil ? nil : rule
    }

    // MARK: Values

    /// True when `value` is an object whose members are all in `known`.
    mutating func object(_ value: JSONValue, _ path: String, known: Set<String>) -> Bool {
        guard value.kind == .object else {
            problems.add(path, "must be an object, not \(value.kind.article)")
            return false
        }
        for member in value.members where !known.contains(member.key) {
            problems.add(path + "." + member.key, "is not a member here (known: \(known.sorted().joined(separator: ", ")))")
        }
        return true
    }

    mutating func array<T>(_ value: JSONValue?, _ path: String, _ element: (inout DocumentReader, JSONValue, String) -> T?) -> [T] {
        guard let value else { return [] }
        guard value.kind == .array else {
            problems.add(path, "must be an array, not \(value.kind.article)")
            return []
        }
        return value.elements.enumerated().compactMap { index, item in element(&self, item, "\(path)[\(index)]") }
    }

    mutating func string(_ value: JSONValue?, _ path: String) -> String? {
        guard let value else {
            problems.add(path, "is required")
            return nil
        }
        guard let text = value.string, !text.isEmpty else {
            problems.add(path, value.kind == .string ? "must not be empty" : "must be a string, not \(value.kind.article)")
            return nil
        }
        return text
    }

    mutating func iri(_ value: JSONValue?, _ path: String) -> String? {
        guard let text = string(value, path) else { return nil }
        guard Formats.isIRI(text) else {
            problems.add(path, "must be an absolute IRI with a scheme, got \"\(text)\"")
            return nil
        }
        return text
    }

    mutating func iris(_ value: JSONValue?, _ path: String, required: Bool) -> [String] {
        if value == nil && required { problems.add(path, "is required") }
        return array(value, path) { reader, item, itemPath in reader.iri(item, itemPath) }
    }

    mutating func optionalIRIs(_ value: JSONValue?, _ path: String) -> [String]? {
        value.map { iris($0, path, required: false) }
    }

    mutating func number(_ value: JSONValue, _ path: String) -> Double? {
        guard value.kind == .number, let number = value.double, number.isFinite else {
            problems.add(path, "must be a number, not \(value.kind.article)")
            return nil
        }
        return number
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ value: JSONValue?, _ path: String, _ type: T.Type) -> T?
    where T.RawValue == String {
        guard let text = string(value, path) else { return nil }
        guard let choice = T(rawValue: text) else {
            problems.add(path, "must be " + T.allCases.map { $0.rawValue }.joined(separator: " or ") + ", got \"\(text)\"")
            return nil
        }
        return choice
    }
}
