import TesseraLRS
import CSQLite
import Foundation

/// A database file that SQLite cannot read: its header or schema is damaged, or it is not a
/// SQLite database at all.
public struct DamagedDatabase: Error, CustomStringConvertible, Sendable {
    /// The file.
    public let path: String
    /// What SQLite said.
    public let reason: String

    public var description: String {
        "the database file \(path) is damaged or is not a SQLite database (SQLite: \(reason)). "
            + "Restore it from a backup (docs/operations.md, \"Backups\"); nothing was changed."
    }
}

/// Checks of a database file as a whole.
public enum DatabaseFile {
    /// Throws `DamagedDatabase` when `path` exists but SQLite cannot read its header and schema
    /// (what every start reads first). A missing file is fine: it will be created.
    public static func checkReadable(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        do {
            let connection = try SQLiteConnection(path: path, mode: .readOnly)
            defer { connection.finishStatements() }
            _ = try connection.scalar("SELECT COUNT(*) FROM sqlite_master")
        } catch {
            guard error.isDamage else { throw error }
            throw DamagedDatabase(path: path, reason: error.message)
        }
    }

    /// The problems SQLite's `quick_check` finds in every page of the file (at most `limit`);
    /// empty when it is sound. Reads the whole file: minutes for millions of statements on a
    /// slow disk, so the server runs it in the background after it starts.
    /// `running`, when given, lets another thread interrupt the check.
    static func integrityProblems(_ path: String, limit: Int = 20, running: RunningQuery? = nil) throws -> [String] {
        do {
            let connection = try SQLiteConnection(path: path, mode: .readOnly)
            defer { connection.finishStatements() }
            try running?.start(on: connection)
            defer { running?.finish() }
            let check = try connection.prepared("PRAGMA quick_check(\(max(limit, 1)))")
            var problems: [String] = []
            while try check.step() { problems.append(check.text(0)) }
            return problems == ["ok"] ? [] : problems
        } catch let error as SQLiteError where error.isDamage {
            return [error.message]
        }
    }
}

extension SQLiteError {
    /// True when SQLite found the file damaged or not a database at all.
    public var isDamage: Bool { code & 0xFF == SQLITE_CORRUPT || code & 0xFF == SQLITE_NOTADB }
}
