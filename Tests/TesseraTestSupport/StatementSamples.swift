import TesseraLRS
import XAPI

/// The authority of statements stored directly through a store in tests.
public let testAuthority = Agent(
    name: "Test client", identifier: .account(homePage: "https://tessera.example.com", name: "test-key"))

/// A prepared statement from JSON text (which must be valid under `version`).
public func prepared(_ json: String, version: XAPIVersion = .v1_0_3) throws -> PreparedStatement {
    let parsed = try StatementInput.parse(Array(json.utf8), version: version)
    let statement = try parsed.results[0].get()
    return PreparedStatement(statement, authority: testAuthority, version: version)
}

/// A small statement: `actor` (local part of an e-mail), verb word, activity slug, extra members.
public func statement(
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
