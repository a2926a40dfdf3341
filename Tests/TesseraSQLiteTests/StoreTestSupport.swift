import Foundation
import Logging
@testable import TesseraSQLite
import TesseraLRS
import TesseraTestSupport
import Testing
import XAPI

/// A store on a fresh file in a temporary directory, removed afterwards.
final class TemporaryStore {
    let directory: TemporaryDirectory
    let path: String
    let store: SQLiteStore

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.path("test.sqlite")
        store = try SQLiteStore(path: path, readers: 2, durability: .normal, logger: Logger(label: "test"))
    }

    deinit {
        // Closed before the directory goes (stored properties are released after this).
        store.close()
    }
}

/// The stored statements of a page, parsed.
func documents(_ page: StatementPage) throws -> [[String: Any]] {
    try page.statements.map { try #require(JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]) }
}

func uuid(_ text: String) -> XAPIUUID { XAPIUUID(text)! }

/// Runs `sql` on the database file directly, as someone tampering with it would.
func tamper(_ path: String, _ sql: String) throws {
    let connection = try SQLiteConnection(path: path, mode: .readWrite)
    try connection.execute(sql)
    connection.finishStatements()
}
