import Foundation
import Logging
import PostgresNIO
import TesseraLRS

/// Applies the migrations a database lacks, in one transaction under a transaction-level
/// advisory lock, so that nodes starting together apply each migration once.
enum PostgresMigrator {
    /// Every migration, in order. The SQL files live in Schemas/postgres/.
    static let all: [SchemaMigration] = [
        SchemaMigration(1, "credentials", PackageResources._001_credentials_sql),
        SchemaMigration(2, "statements", PackageResources._002_statements_sql),
        SchemaMigration(3, "analytics", PackageResources._003_analytics_sql),
        SchemaMigration(4, "analytics_rollups", PackageResources._004_analytics_rollups_sql),
        SchemaMigration(5, "proficiency_team", PackageResources._005_proficiency_team_sql),
        SchemaMigration(6, "retention_follow_up", PackageResources._006_retention_follow_up_sql),
        SchemaMigration(7, "proficiency_days", PackageResources._007_proficiency_days_sql),
        SchemaMigration(8, "accounts", PackageResources._008_accounts_sql),
        SchemaMigration(9, "last_used", PackageResources._009_last_used_sql),
        SchemaMigration(10, "proficiency_days_by_day", PackageResources._010_proficiency_days_by_day_sql),
    ]

    /// The migration that adds the per-day proficiency roll-ups, filled once it is applied.
    static let proficiencyDaysVersion = 7

    /// The advisory lock key that serialises migrations ("tessera" as an integer).
    static let lockKey: Int64 = 0x7465_7373_6572_61

    /// Thrown for a database written by a newer Tessera.
    struct NewerSchema: Error, CustomStringConvertible {
        let found: Int
        let known: Int
        var description: String {
            "the database has schema version \(found), newer than this Tessera knows (\(known)): upgrade Tessera"
        }
    }

    /// Applies what the database lacks, on `connection` (a connection of its own: the pool may
    /// not be running yet).
    static func migrate(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)",
                logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger).decode(Int.self) {
                applied.insert(version)
            }
            if let newest = applied.max(), newest > all.count { throw NewerSchema(found: newest, known: all.count) }
            for migration in all where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name, applied_ms) VALUES (\(migration.version), \(migration.name), \(now))",
                    logger: logger)
                logger.info("database migrated", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                if migration.version == proficiencyDaysVersion { try await PostgresProficiencyDays.rebuild(on: connection, logger: logger) }
            }
        }
    }
}
