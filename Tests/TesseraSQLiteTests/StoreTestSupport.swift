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

let testAuthority = Agent(
    name: "Test client", identifier: .account(homePage: "https://tessera.example.com", name: "test-key"))

/// A prepared statement from JSON text (which must be valid under `version`).
func prepared(_ json: String, version: XAPIVersion = .v1_0_3) throws -> PreparedStatement {
    let parsed = try StatementInput.parse(Array(json.utf8), version: version)
    let statement = try parsed.results[0].get()
    return PreparedStatement(statement, authority: testAuthority, version: version)
}

/// A small statement: `actor` (local part of an e-mail), verb word, activity slug, extra members.
func statement(
    id: String? = nil, actor: String = "ann", verb: String = "completed", activity: String = "course-1",
    extra: String = ""
) -> String {
    var members = [
        #""actor":{"mbox":"mailto:\#(actor)@example.com"}"#,
        #""verb":{"id":"http://adlnet.gov/expapi/verbs/\#(verb)"}"#,
        #""object":{"id":"https://courses.example.com/\#(activity)"}"#,
    ]
    if let id { members.insert(#""id":"\#(id)""#, at: 0) }
    if !extra.isEmpty { members.append(extra) }
    return "{" + members.joined(separator: ",") + "}"
}

/// The stored statements of a page, parsed.
func documents(_ page: StatementPage) throws -> [[String: Any]] {
    try page.statements.map { try #require(JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]) }
}

func uuid(_ text: String) -> XAPIUUID { XAPIUUID(text)! }
