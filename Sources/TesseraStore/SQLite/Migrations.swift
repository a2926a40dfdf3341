/// One schema change, from Schemas/sqlite/NNNN_name.sql (embedded in the binary at build time).
struct Migration: Sendable {
    let version: Int
    let name: String
    let sql: String
}

/// Applies the schema migrations a database has not seen yet, each in its own transaction.
enum Migrator {
    /// The versions that introduced fact tables; existing statements need them derived.
    static let learningFactsVersions: Set<Int> = [10, 12, 13, 14]

    /// The version that introduced the hash chain; existing statements need chaining.
    static let statementChainVersion = 15

    /// The version that introduced the volume roll-up; existing learning facts need counting.
    static let learningDaysVersion = 17

    /// Every migration, in order. The SQL files live in Schemas/sqlite/.
    static let all: [Migration] = [
        Migration(version: 1, name: "statements", sql: String(decoding: PackageResources._001_statements_sql, as: UTF8.self)),
        Migration(version: 2, name: "credentials", sql: String(decoding: PackageResources._002_credentials_sql, as: UTF8.self)),
        Migration(
            version: 3, name: "compare_on_conflict",
            sql: String(decoding: PackageResources._003_compare_on_conflict_sql, as: UTF8.self)),
        Migration(
            version: 4, name: "statement_refs",
            sql: String(decoding: PackageResources._004_statement_refs_sql, as: UTF8.self)),
        Migration(version: 5, name: "link_roles", sql: String(decoding: PackageResources._005_link_roles_sql, as: UTF8.self)),
        Migration(version: 6, name: "documents", sql: String(decoding: PackageResources._006_documents_sql, as: UTF8.self)),
        Migration(
            version: 7, name: "activity_definitions",
            sql: String(decoding: PackageResources._007_activity_definitions_sql, as: UTF8.self)),
        Migration(version: 8, name: "attachments", sql: String(decoding: PackageResources._008_attachments_sql, as: UTF8.self)),
        Migration(
            version: 9, name: "catalog_roster", sql: String(decoding: PackageResources._009_catalog_roster_sql, as: UTF8.self)),
        Migration(
            version: 10, name: "learning_facts", sql: String(decoding: PackageResources._010_learning_facts_sql, as: UTF8.self)),
        Migration(version: 11, name: "settings", sql: String(decoding: PackageResources._011_settings_sql, as: UTF8.self)),
        Migration(
            version: 12, name: "retention_baseline",
            sql: String(decoding: PackageResources._012_retention_baseline_sql, as: UTF8.self)),
        Migration(
            version: 13, name: "program_events", sql: String(decoding: PackageResources._013_program_events_sql, as: UTF8.self)),
        Migration(
            version: 14, name: "analytics_terms", sql: String(decoding: PackageResources._014_analytics_terms_sql, as: UTF8.self)),
        Migration(
            version: 15, name: "statement_chain", sql: String(decoding: PackageResources._015_statement_chain_sql, as: UTF8.self)),
        Migration(version: 16, name: "erasure", sql: String(decoding: PackageResources._016_erasure_sql, as: UTF8.self)),
        Migration(
            version: 17, name: "learning_days", sql: String(decoding: PackageResources._017_learning_days_sql, as: UTF8.self)),
    ]

    /// Thrown for a database written by a newer Tessera.
    struct NewerSchema: Error, CustomStringConvertible {
        let found: Int
        let known: Int
        var description: String {
            "the database has schema version \(found), newer than this Tessera knows (\(known)); upgrade Tessera"
        }
    }

    /// Brings the database up to the latest version; returns the versions applied.
    @discardableResult
    static func migrate(_ connection: SQLiteConnection) throws -> [Int] {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            )
            """)
        let current = Int(try connection.scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") ?? 0)
        let latest = all.last?.version ?? 0
        guard current <= latest else { throw NewerSchema(found: current, known: latest) }
        var applied: [Int] = []
        for migration in all where migration.version > current {
            try connection.transaction {
                try connection.execute(migration.sql)
                let insert = try connection.prepared("INSERT INTO schema_migrations (version, name) VALUES (?, ?)")
                insert.bind(1, Int64(migration.version))
                insert.bind(2, migration.name)
                try insert.step()
            }
            applied.append(migration.version)
        }
        connection.finishStatements()
        return applied
    }

    /// Thrown by read-only access to a database not yet at this Tessera's schema version.
    struct OlderSchema: Error, CustomStringConvertible {
        let found: Int
        let known: Int
        var description: String {
            found == 0
                ? "the file is not a Tessera database (no schema version): check --db"
                : "the database has schema version \(found); this Tessera reads version \(known): start `tessera serve` on it once to upgrade it"
        }
    }

    /// Checks, without changing anything, that the database is at the latest version (for
    /// read-only access, which cannot migrate).
    static func requireCurrent(_ connection: SQLiteConnection) throws {
        let tracked = try connection.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_migrations'") == 1
        let current = tracked ? Int(try connection.scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") ?? 0) : 0
        let latest = all.last?.version ?? 0
        if current < latest { throw OlderSchema(found: current, known: latest) }
        if current > latest { throw NewerSchema(found: current, known: latest) }
    }
}
