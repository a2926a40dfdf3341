import XAPI

/// The people of the organisation: who is in which team, and when they joined and left.
public struct Roster: Sendable, Equatable {
    /// One person.
    public struct Person: Sendable, Equatable {
        /// The person as an xAPI agent identifier (exactly as their statements name them).
        public var agent: InverseFunctionalIdentifier
        public var name: String?
        public var team: String?
        public var role: String?
        public var hired: Day
        /// Empty while they stay.
        public var left: Day?

        public init(agent: InverseFunctionalIdentifier, name: String? = nil, team: String? = nil, role: String? = nil, hired: Day, left: Day? = nil) {
            self.agent = agent
            self.name = name
            self.team = team
            self.role = role
            self.hired = hired
            self.left = left
        }
    }

    public var people: [Person]

    /// The team of learners the roster does not list.
    public static let unassignedTeam = "(unassigned)"

    public init(people: [Person] = []) {
        self.people = people
    }

    /// The CSV columns, in order.
    public static let csvColumns = ["mbox", "mbox_sha1sum", "openid", "account_homePage", "account_name", "name", "team", "role", "hired", "left"]

    // MARK: JSON

    /// Reads `[{"agent": {...}, "name", "team", "role", "hired": "YYYY-MM-DD", "left": null|date}]`.
    /// Names, teams and roles are text a database stores: U+0000 is refused.
    static let nulRule = "must not contain U+0000 (NUL)"

    public static func read(json bytes: [UInt8]) -> Result<Roster, AnalyticsInputError> {
        var problems = ProblemList()
        guard let document = try? JSONDocument.parse(bytes) else {
            problems.add("roster", "is not valid JSON")
            return .failure(problems.error)
        }
        var reader = DocumentReader(problems: problems)
        var people: [Person] = []
        var seen = Set<String>()
        let entries = reader.array(document.root, "roster") { reader, value, path -> Person? in
            guard reader.object(value, path, known: ["agent", "name", "team", "role", "hired", "left"]) else { return nil }
            var agent: InverseFunctionalIdentifier?
            if let agentValue = value["agent"] {
                switch StatementReader.readActor(agentValue, version: .v2_0_0, root: path + ".agent") {
                case .success(.agent(let found)): agent = found.identifier
                case .success(.group): reader.problems.add(path + ".agent", "must be an Agent, not a Group")
                case .failure(let rejection):
                    for error in rejection.errors { reader.problems.add(error.path, error.message) }
                }
            } else {
                reader.problems.add(path + ".agent", "is required")
            }
            let name = reader.optionalText(value["name"], path + ".name")
            let team = reader.optionalText(value["team"], path + ".team")
            let role = reader.optionalText(value["role"], path + ".role")
            let hired = reader.day(value["hired"], path + ".hired", required: true)
            let left = reader.day(value["left"], path + ".left", required: false)
            if let hired, let left, left < hired { reader.problems.add(path + ".left", "is before hired (\(hired))") }
            guard let agent, let hired else { return nil }
            return Person(agent: agent, name: name, team: team, role: role, hired: hired, left: left)
        }
        if document.root.kind != .array { return .failure(reader.problems.error) }
        for (index, person) in entries.enumerated() {
            if !seen.insert(person.agent.storageKey).inserted {
                reader.problems.add("roster[\(index)].agent", "lists the same person twice")
            }
            people.append(person)
        }
        return reader.problems.isEmpty ? .success(Roster(people: people)) : .failure(reader.problems.error)
    }

    /// The roster as JSON.
    public func json() -> [UInt8] {
        var writer = JSONWriter(capacity: 128 * people.count + 2)
        writer.beginArray()
        for person in people {
            writer.beginObject()
            writer.key("agent")
            writer.beginObject()
            writer.identifier(person.agent)
            writer.endObject()
            for (key, value) in [("name", person.name), ("team", person.team), ("role", person.role)] {
                if let value {
                    writer.key(key)
                    writer.string(value)
                }
            }
            writer.key("hired"); writer.string(person.hired.description)
            writer.key("left")
            if let left = person.left { writer.string(left.description) } else { writer.null() }
            writer.endObject()
        }
        writer.endArray()
        return writer.bytes
    }

    // MARK: CSV

    /// Reads CSV with a header row naming the columns of `csvColumns` (any order; `left`,
    /// `name`, `team` and `role` may be left out or empty). Exactly one identifier column
    /// (or the account pair) is filled per row.
    public static func read(csv bytes: [UInt8]) -> Result<Roster, AnalyticsInputError> {
        var problems = ProblemList()
        let rows: [[String]]
        switch CSV.parse(bytes) {
        case .success(let parsed): rows = parsed
        case .failure(let error):
            problems.add("line \(error.line)", error.reason)
            return .failure(problems.error)
        }
        guard let header = rows.first else {
            problems.add("line 1", "the header row is missing")
            return .failure(problems.error)
        }
        for name in header where !csvColumns.contains(name) {
            problems.add("line 1", "unknown column \"\(name)\" (known: \(csvColumns.joined(separator: ", ")))")
        }
        if !header.contains("hired") { problems.add("line 1", "the column hired is required") }
        guard problems.isEmpty else { return .failure(problems.error) }
        var people: [Person] = []
        var seen = Set<String>()
        for (offset, row) in rows.dropFirst().enumerated() {
            let line = offset + 2
            guard row.count == header.count else {
                problems.add("line \(line)", "has \(row.count) fields, the header has \(header.count)")
                continue
            }
            var fields: [String: String] = [:]
            for (name, value) in zip(header, row) where !value.isEmpty {
                if value.unicodeScalars.contains("\u{0}") { problems.add("line \(line), column \(name)", nulRule) }
                fields[name] = value
            }
            let identifiers: [InverseFunctionalIdentifier?] = [
                fields["mbox"].map { .mbox($0) }, fields["mbox_sha1sum"].map { .mboxSHA1Sum($0) },
                fields["openid"].map { .openID($0) },
                fields["account_homePage"] != nil || fields["account_name"] != nil
                    ? .account(homePage: fields["account_homePage"] ?? "", name: fields["account_name"] ?? "") : nil,
            ]
            // Every column is checked, so that a line shows all its problems at once.
            let given = identifiers.compactMap { $0 }
            var agent: InverseFunctionalIdentifier?
            if given.count != 1 {
                problems.add("line \(line)", "must fill exactly one of mbox, mbox_sha1sum, openid or the account pair, found \(given.count)")
            } else if let problem = Self.problem(with: given[0]) {
                problems.add("line \(line), column \(problem.column)", problem.message)
            } else {
                agent = given[0]
            }
            let hired = fields["hired"].flatMap(Day.init)
            if hired == nil { problems.add("line \(line), column hired", "must be a date YYYY-MM-DD, got \"\(fields["hired"] ?? "")\"") }
            var left: Day?
            if let leftText = fields["left"] {
                if let day = Day(leftText) {
                    if let hired, day < hired { problems.add("line \(line), column left", "is before hired (\(hired))") } else { left = day }
                } else {
                    problems.add("line \(line), column left", "must be a date YYYY-MM-DD or empty, got \"\(leftText)\"")
                }
            }
            guard let agent, let hired, left != nil || fields["left"] == nil else { continue }
            guard seen.insert(agent.storageKey).inserted else {
                problems.add("line \(line)", "lists the same person as an earlier line")
                continue
            }
            people.append(Person(agent: agent, name: fields["name"], team: fields["team"], role: fields["role"], hired: hired, left: left))
        }
        return problems.isEmpty ? .success(Roster(people: people)) : .failure(problems.error)
    }

    /// The roster as CSV with every column of `csvColumns`.
    public func csv() -> [UInt8] {
        var rows = [Self.csvColumns]
        for person in people {
            rows.append(Self.identifierCells(person.agent) + [person.name ?? "", person.team ?? "", person.role ?? "",
                                                              person.hired.description, person.left?.description ?? ""])
        }
        return CSV.write(rows)
    }

    /// The CSV columns that name a person: the first five of `csvColumns`.
    public static let identifierColumns = Array(csvColumns.prefix(5))

    /// `agent` in the cells of `identifierColumns` (one or two filled, the others empty).
    public static func identifierCells(_ agent: InverseFunctionalIdentifier) -> [String] {
        var cells = ["", "", "", "", ""]
        switch agent {
        case .mbox(let value): cells[0] = value
        case .mboxSHA1Sum(let value): cells[1] = value
        case .openID(let value): cells[2] = value
        case .account(let homePage, let name):
            cells[3] = homePage
            cells[4] = name
        }
        return cells
    }

    /// What is wrong with an identifier read from CSV, by the statement rules.
    private static func problem(with identifier: InverseFunctionalIdentifier) -> (column: String, message: String)? {
        switch identifier {
        case .mbox(let value):
            return Formats.isMailtoIRI(value) ? nil : ("mbox", "must be a mailto IRI (mailto:name@example.com), got \"\(value)\"")
        case .mboxSHA1Sum(let value):
            return Formats.isSHA1Hex(value) ? nil : ("mbox_sha1sum", "must be 40 hexadecimal digits")
        case .openID(let value):
            return Formats.isIRI(value) ? nil : ("openid", "must be an absolute IRI")
        case .account(let homePage, let name):
            if !Formats.isIRI(homePage) { return ("account_homePage", "must be an absolute IRI, got \"\(homePage)\"") }
            return name.isEmpty ? ("account_name", "must not be empty") : nil
        }
    }
}

extension DocumentReader {
    mutating func optionalText(_ value: JSONValue?, _ path: String) -> String? {
        guard let value, value.kind != .null else { return nil }
        guard let text = string(value, path) else { return nil }
        guard !text.unicodeScalars.contains("\u{0}") else {
            problems.add(path, Roster.nulRule)
            return nil
        }
        return text
    }

    mutating func day(_ value: JSONValue?, _ path: String, required: Bool) -> Day? {
        guard let value, value.kind != .null else {
            if required { problems.add(path, "is required") }
            return nil
        }
        guard let text = value.string, let day = Day(text) else {
            problems.add(path, "must be a date YYYY-MM-DD" + (required ? "" : " or null"))
            return nil
        }
        return day
    }
}
