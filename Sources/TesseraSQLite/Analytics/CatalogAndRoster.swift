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
        let select = try connection.prepared("SELECT agent, name, team, role, hired_day, left_day FROM roster ORDER BY agent")
        var people: [Roster.Person] = []
        while try select.step() {
            guard let agent = InverseFunctionalIdentifier(storageKey: select.text(0)) else { continue }
            people.append(Roster.Person(
                agent: agent, name: select.isNull(1) ? nil : select.text(1), team: select.isNull(2) ? nil : select.text(2),
                role: select.isNull(3) ? nil : select.text(3), hired: Day(ordinal: select.int64(4)),
                left: select.isNull(5) ? nil : Day(ordinal: select.int64(5))))
        }
        return Roster(people: people)
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
