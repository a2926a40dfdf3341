import TesseraLRS
import TesseraAnalytics
import XAPI

/// The stored catalog and roster.
enum CatalogAndRoster {
    static func catalog(on connection: SQLiteConnection) throws -> Catalog? {
        let select = try connection.prepared("SELECT document FROM catalog WHERE id = 1")
        guard try select.step() else { return nil }
        // Stored only after it was read successfully, so it reads again.
        return try? Catalog.read(select.blob(0)).get()
    }

    static func replace(_ catalog: Catalog, at time: Int64, on connection: SQLiteConnection) throws {
        let upsert = try connection.prepared("""
            INSERT INTO catalog (id, document, updated_ms) VALUES (1, ?, ?)
            ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_ms = excluded.updated_ms
            """)
        upsert.bind(1, catalog.json())
        upsert.bind(2, time)
        try upsert.step()
    }

    static func roster(on connection: SQLiteConnection) throws -> Roster {
        let select = try connection.prepared("SELECT \(personColumns) FROM roster r ORDER BY r.agent")
        var people: [Roster.Person] = []
        while try select.step() {
            if let person = person(select, from: 0) { people.append(person) }
        }
        return Roster(people: people)
    }

    /// The roster's entry for `agent`, if any.
    static func person(_ agent: InverseFunctionalIdentifier, on connection: SQLiteConnection) throws -> Roster.Person? {
        let select = try connection.prepared("SELECT \(personColumns) FROM roster r WHERE r.agent = ?")
        select.bind(1, agent.storageKey)
        defer { select.reset() }
        return try select.step() ? person(select, from: 0) : nil
    }

    /// The roster's columns `person(_:from:)` reads, in its order.
    private static let personColumns = "r.agent, r.name, r.team, r.role, r.hired_day, r.left_day"

    /// The person in `personColumns` starting at column `first` of the current row.
    private static func person(_ select: SQLiteStatement, from first: Int32) -> Roster.Person? {
        guard let agent = InverseFunctionalIdentifier(storageKey: select.text(first)) else { return nil }
        func text(_ offset: Int32) -> String? { select.isNull(first + offset) ? nil : select.text(first + offset) }
        return Roster.Person(
            agent: agent, name: text(1), team: text(2), role: text(3), hired: Day(ordinal: select.int64(first + 4)),
            left: select.isNull(first + 5) ? nil : Day(ordinal: select.int64(first + 5)))
    }

    /// The team of each learner the roster places in one (by interned agent id).
    static func teams(on connection: SQLiteConnection) throws -> [Int64: String] {
        var teams: [Int64: String] = [:]
        let select = try connection.prepared(
            "SELECT a.id, r.team FROM roster r JOIN agents a ON a.ifi = r.agent WHERE r.team IS NOT NULL")
        while try select.step() { teams[select.int64(0)] = select.text(1) }
        return teams
    }

    /// The learners of `team` (`Roster.unassignedTeam`: everyone the roster places in no team).
    static func members(ofTeam team: String, on connection: SQLiteConnection) throws -> TeamMembers {
        let teams = try teams(on: connection)
        if team == Roster.unassignedTeam { return TeamMembers(ids: Set(teams.keys), excluded: true) }
        return TeamMembers(ids: Set(teams.compactMap { $0.value == team ? $0.key : nil }), excluded: false)
    }

    /// The names of the roster's teams, sorted.
    static func teamNames(on connection: SQLiteConnection) throws -> [String] {
        let select = try connection.prepared("SELECT DISTINCT team FROM roster WHERE team IS NOT NULL ORDER BY team")
        var names: [String] = []
        while try select.step() { names.append(select.text(0)) }
        return names
    }

    /// The roster's people for employee retention, `participants` (interned agent ids) marked.
    static func members(participants: Set<Int64>, on connection: SQLiteConnection) throws -> [EmployeeRetention.Member] {
        let select = try connection.prepared(
            "SELECT a.id, r.team, r.hired_day, r.left_day FROM roster r LEFT JOIN agents a ON a.ifi = r.agent")
        var members: [EmployeeRetention.Member] = []
        while try select.step() {
            members.append(EmployeeRetention.Member(
                team: select.isNull(1) ? nil : select.text(1), hired: Day(ordinal: select.int64(2)),
                left: select.isNull(3) ? nil : Day(ordinal: select.int64(3)),
                participated: !select.isNull(0) && participants.contains(select.int64(0))))
        }
        return members
    }

    /// The roster's people, each with the programs they completed: `completions` maps a
    /// program id to its completers (interned agent id → completion time).
    static func people(completions: [String: [Int64: Int64]], on connection: SQLiteConnection) throws -> [PersonCompletions] {
        let select = try connection.prepared(
            "SELECT a.id, \(personColumns) FROM roster r LEFT JOIN agents a ON a.ifi = r.agent ORDER BY r.agent")
        var people: [PersonCompletions] = []
        while try select.step() {
            guard let person = person(select, from: 1) else { continue }
            let id = select.isNull(0) ? nil : select.int64(0)
            people.append(PersonCompletions(person: person, completed: completions.compactMapValues { completers in id.flatMap { completers[$0] } }))
        }
        return people
    }

    static func replace(_ roster: Roster, on connection: SQLiteConnection) throws {
        try connection.execute("DELETE FROM roster")
        let insert = try connection.prepared(
            "INSERT INTO roster (agent, name, team, role, hired_day, left_day) VALUES (?, ?, ?, ?, ?, ?)")
        for person in roster.people {
            insert.reset()
            insert.bind(1, person.agent.storageKey)
            insert.bind(2, person.name)
            insert.bind(3, person.team)
            insert.bind(4, person.role)
            insert.bind(5, person.hired.ordinal)
            insert.bind(6, person.left?.ordinal)
            try insert.step()
        }
    }
}

/// The learners of one team, by interned agent id: either the ids listed or everyone but them.
struct TeamMembers {
    let ids: Set<Int64>
    /// True when the team is everyone *not* in `ids` (the unassigned learners).
    let excluded: Bool

    func contains(_ agent: Int64) -> Bool { ids.contains(agent) != excluded }
}
