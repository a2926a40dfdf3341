/// Skill and program IRIs as the small integers the fact tables store (`analytics_terms`).
/// Terms are never removed: a catalog reload keeps the ids of the IRIs it still uses.
enum AnalyticsTerms {
    /// The id of `iri`, if any fact ever used it.
    static func id(of iri: String, on connection: SQLiteConnection) throws -> Int64? {
        let select = try connection.prepared("SELECT id FROM analytics_terms WHERE iri = ?")
        select.bind(1, iri)
        defer { select.reset() }
        return try select.step() ? select.int64(0) : nil
    }

    /// Every term by id.
    static func all(on connection: SQLiteConnection) throws -> [Int64: String] {
        let select = try connection.prepared("SELECT id, iri FROM analytics_terms")
        var terms: [Int64: String] = [:]
        while try select.step() { terms[select.int64(0)] = select.text(1) }
        return terms
    }

    /// The id of `iri`, added when new (on the writer's connection).
    static func intern(_ iri: String, on connection: SQLiteConnection) throws -> Int64 {
        if let known = try id(of: iri, on: connection) { return known }
        let insert = try connection.prepared("INSERT INTO analytics_terms (iri) VALUES (?)")
        insert.bind(1, iri)
        try insert.step()
        return connection.lastInsertRowID
    }
}
