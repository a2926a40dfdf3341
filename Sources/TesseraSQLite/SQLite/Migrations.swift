import TesseraLRS

/// Applies the schema migrations a database has not seen yet, each in its own transaction.
enum Migrator {
    /// The versions that introduced fact tables; existing statements need them derived.
    static let learningFactsVersions: Set<Int> = [10, 12, 13, 14]

    /// The version that introduced the hash chain; existing statements need chaining.
    static let statementChainVersion = 15

    /// The version that introduced the volume roll-up; existing learning facts need counting.
    static let learningDaysVersion = 17

    /// Every migration, in order. The SQL files live in Schemas/sqlite/.
    static let all: [SchemaMigration] = [
        SchemaMigration(1, "statements", PackageResources._001_statements_sql),
        SchemaMigration(2, "credentials", PackageResources._002_credentials_sql),
        SchemaMigration(3, "compare_on_conflict", PackageResources._003_compare_on_conflict_sql),
        SchemaMigration(4, "statement_refs", PackageResources._004_statement_refs_sql),
        SchemaMigration(5, "link_roles", PackageResources._005_link_roles_sql),
        SchemaMigration(6, "documents", PackageResources._006_documents_sql),
        SchemaMigration(7, "activity_definitions", PackageResources._007_activity_definitions_sql),
        SchemaMigration(8, "attachments", PackageResources._008_attachments_sql),
        SchemaMigration(9, "catalog_roster", PackageResources._009_catalog_roster_sql),
        SchemaMigration(10, "learning_facts", PackageResources._010_learning_facts_sql),
        SchemaMigration(11, "settings", PackageResources._011_settings_sql),
        SchemaMigration(12, "retention_baseline", PackageResources._012_retention_baseline_sql),
        SchemaMigration(13, "program_events", PackageResources._013_program_events_sql),
        SchemaMigration(14, "analytics_terms", PackageResources._014_analytics_terms_sql),
        SchemaMigration(15, "statement_chain", PackageResources._015_statement_chain_sql),
        SchemaMigration(16, "erasure", PackageResources._016_erasure_sql),
        SchemaMigration(17, "learning_days", PackageResources._017_learning_days_sql),
        SchemaMigration(18, "statement_refs_direct", PackageResources._018_statement_refs_direct_sql),
        SchemaMigration(19, "accounts", PackageResources._019_accounts_sql),
        SchemaMigration(20, "last_used", PackageResources._020_last_used_sql),
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
