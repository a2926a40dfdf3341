import ArgumentParser
import Logging
import TesseraLRS
import TesseraPostgres
import TesseraSQLite

/// `--db`, the database every command works on, declared once for all of them: an SQLite file
/// path, or a PostgreSQL URL (`postgres://USER:PASSWORD@HOST:PORT/DB`). The one place that
/// decides which backend a command opens.
struct DatabaseOption: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: "Database: an SQLite file, or postgres://USER:PASSWORD@HOST:PORT/DB (TESSERA_DB; default tessera.sqlite).")
    var path: String = Environment.database

    /// True when `--db` names a PostgreSQL database.
    var isPostgres: Bool { PostgresStorage.Location.isURL(path) }

    /// Runs `body` with the credentials of the database, closing what it opened afterwards.
    func withCredentials<T>(_ body: (Credentials) async throws -> T) async throws -> T {
        guard isPostgres else { return try await body(Credentials(repository: try SQLiteCredentialRepository(path: path))) }
        let storage = try await PostgresStorage(location: try PostgresStorage.Location(url: path), connections: 2, logger: Logger(label: "tessera"))
        defer { storage.close() }
        return try await body(Credentials(repository: PostgresCredentialRepository(database: storage)))
    }

    /// The SQLite file `--db` names; a command that does not yet work on PostgreSQL says so.
    func sqlitePath() throws -> String {
        try Self.sqliteOnly(path)
    }

    /// `path`, unless it names PostgreSQL, which the calling command does not support yet.
    static func sqliteOnly(_ path: String) throws -> String {
        guard !PostgresStorage.Location.isURL(path) else {
            throw CommandFailure(
                description: "this command works on an SQLite file only for now (--db names PostgreSQL); on PostgreSQL, `tessera credentials` works so far")
        }
        return path
    }
}
