import Logging
import NIOCore
import PostgresNIO
import TesseraAnalytics
import TesseraLRS
import XAPI

/// The stored catalog and roster (Schemas/postgres/0003).
enum PostgresCatalogAndRoster {
    /// The catalog, if one was loaded.
    static func catalog(on runner: some PostgresQueryRunner, logger: Logger) async throws -> Catalog? {
        // Stored only after it was read successfully, so it reads again.
        try await column(ByteBuffer.self, "SELECT document FROM catalog WHERE id = 1", on: runner, logger: logger).first
            .flatMap { try? Catalog.read($0.bytes).get() }
    }

    /// Stores `catalog` in place of the current one, as the next version.
    static func replace(_ catalog: Catalog, at time: XAPITimestamp, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO catalog (id, document, updated_ms, version) VALUES (1, \(ByteBuffer(bytes: catalog.json())), \(time.milliseconds), 1)
            ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_ms = excluded.updated_ms, version = catalog.version + 1
            """, logger: logger)
    }

    /// The roster, people in agent-key order.
    static func roster(on runner: some PostgresQueryRunner, logger: Logger) async throws -> Roster {
        let rows = try await runner.run(
            PostgresQuery(unsafeSQL: "SELECT NULL::bigint, \(personColumns) FROM roster r ORDER BY r.agent COLLATE \"C\""), logger: logger)
        var people: [Roster.Person] = []
        for try await row in rows.decode(PersonRow.self) {
            if let person = person(row) { people.append(person.person) }
        }
        return Roster(people: people)
    }

    /// The roster's people with their interned agent ids (nil for people with no statement),
    /// in agent-key order.
    static func peopleWithAgentIDs(on runner: some PostgresQueryRunner, logger: Logger) async throws -> [(person: Roster.Person, agentID: Int64?)] {
        let rows = try await runner.run(
            PostgresQuery(unsafeSQL: "SELECT a.id, \(personColumns) FROM roster r LEFT JOIN agents a ON a.ifi = r.agent ORDER BY r.agent COLLATE \"C\""),
            logger: logger)
        var people: [(person: Roster.Person, agentID: Int64?)] = []
        for try await row in rows.decode(PersonRow.self) {
            if let person = person(row) { people.append(person) }
        }
        return people
    }

    /// The roster's entry for `agent`, if any.
    static func person(_ agent: InverseFunctionalIdentifier, on runner: some PostgresQueryRunner, logger: Logger) async throws -> Roster.Person? {
        var binds = PostgresBindings()
        binds.append(agent.storageKey)
        let rows = try await runner.run(
            PostgresQuery(unsafeSQL: "SELECT NULL::bigint, \(personColumns) FROM roster r WHERE r.agent = $1", binds: binds), logger: logger)
        var found: Roster.Person?
        for try await row in rows.decode(PersonRow.self) { found = person(row)?.person }
        return found
    }

    /// The roster's columns a `PersonRow` decodes after the agent's id.
    private static let personColumns = "r.agent, r.name, r.team, r.role, r.hired_day, r.left_day"
    private typealias PersonRow = (Int64?, String, String?, String?, String?, Int32, Int32?)

    private static func person(_ row: PersonRow) -> (person: Roster.Person, agentID: Int64?)? {
        let (id, agent, name, team, role, hired, left) = row
        guard let agent = InverseFunctionalIdentifier(storageKey: agent) else { return nil }
        return (Roster.Person(
            agent: agent, name: name, team: team, role: role, hired: Day(ordinal: Int64(hired)), left: left.map { Day(ordinal: Int64($0)) }), id)
    }

    /// Stores `roster` in place of the current one.
    static func replace(_ roster: Roster, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("DELETE FROM roster", logger: logger)
        let people = roster.people
        // Arrays carry no NULLs: each optional text travels with a flag saying it is present,
        // the day left as -1 when there is none.
        func text(_ value: KeyPath<Roster.Person, String?>) -> ([String], [Bool]) {
            (people.map { $0[keyPath: value] ?? "" }, people.map { $0[keyPath: value] != nil })
        }
        let (name, team, role) = (text(\.name), text(\.team), text(\.role))
        try await connection.query("""
            INSERT INTO roster (agent, name, team, role, hired_day, left_day)
            SELECT agent, CASE WHEN has_name THEN name END, CASE WHEN has_team THEN team END, CASE WHEN has_role THEN role END,
                   hired, CASE WHEN gone_known THEN gone END
            FROM unnest(\(people.map(\.agent.storageKey))::text[], \(name.0)::text[], \(name.1)::boolean[], \(team.0)::text[],
                        \(team.1)::boolean[], \(role.0)::text[], \(role.1)::boolean[], \(people.map { Int32($0.hired.ordinal) })::integer[],
                        \(people.map { Int32($0.left?.ordinal ?? 0) })::integer[], \(people.map { $0.left != nil })::boolean[])
                 AS row (agent, name, has_name, team, has_team, role, has_role, hired, gone, gone_known)
            """, logger: logger)
    }

    /// The names of the roster's teams, sorted.
    static func teamNames(on runner: some PostgresQueryRunner, logger: Logger) async throws -> [String] {
        try await column(
            String.self, "SELECT DISTINCT team COLLATE \"C\" FROM roster WHERE team IS NOT NULL ORDER BY 1", on: runner, logger: logger)
    }
}
