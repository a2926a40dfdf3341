import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TesseraCrypto
import TesseraServer
import TesseraLRS
import TesseraSQLite
import TesseraTestSupport
import Testing
import XAPI

/// An application over a fresh database with two credentials: a full one and a read-only one.
final class TestLRS: @unchecked Sendable {
    let directory: TemporaryDirectory
    let store: SQLiteStore
    let credentials: Credentials
    let writer: IssuedCredential
    let reader: IssuedCredential
    /// The server's export signing key, created beside the database.
    let signingKey: Ed25519Key
    /// The server's metrics, which the store reports to.
    let metrics = ServerMetrics()

    init() async throws {
        directory = try TemporaryDirectory()
        let path = directory.path("lrs.sqlite")
        signingKey = try SigningKeyFile.loadOrCreate(at: SigningKeyFile.defaultPath(forDatabase: path))
        store = try SQLiteStore(path: path, readers: 2, durability: .normal, observer: metrics, logger: Logger(label: "test"))
        credentials = Credentials(repository: try SQLiteCredentialRepository(path: path))
        writer = try await credentials.create(name: "course", scopes: [.statementsWrite, .statementsRead])
        reader = try await credentials.create(name: "dashboard", scopes: [.analyticsRead])
    }

    /// Warnings and errors only: one line per request would bury the test output.
    let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    deinit {
        // Closed before the directory goes (stored properties are released after this).
        store.close()
    }

    /// Runs `test` against the application, in-process (`.router`) or over a socket (`.live`).
    func test<Value>(
        _ setup: TestingSetup, logger: Logger? = nil, idleTimeout: Duration = .seconds(30), requestsPerSecond: Double? = nil,
        xapiVersions: ServedXAPIVersions = .all,
        _ test: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let application = buildApplication(
            configuration: ServerConfiguration(
                host: "127.0.0.1", port: 0, signingKey: signingKey, idleTimeout: idleTimeout, requestsPerSecond: requestsPerSecond,
                xapiVersions: xapiVersions),
            store: store, credentials: credentials,
            metrics: metrics, logger: logger ?? self.logger)
        return try await application.test(setup, test)
    }

    /// Creates an operator credential (admin, statements/write) and loads through the API a
    /// catalog (JSON), a roster (CSV) and statements (a JSON array), expecting each accepted;
    /// returns the credential.
    func loadAnalytics(
        _ client: any TestClientProtocol, catalog: ByteBuffer, roster: ByteBuffer, statements: ByteBuffer
    ) async throws -> IssuedCredential {
        let operatorCredential = try await credentials.create(name: "operator", scopes: [.admin, .statementsWrite])
        var headers = headers(operatorCredential, version: nil)
        headers[.contentType] = "application/json"
        let loadedCatalog = try await client.execute(uri: "/analytics/catalog", method: .put, headers: headers, body: catalog)
        #expect(loadedCatalog.status == .noContent, "\(String(buffer: loadedCatalog.body))")
        headers[.contentType] = "text/csv"
        let loadedRoster = try await client.execute(uri: "/analytics/roster", method: .put, headers: headers, body: roster)
        #expect(loadedRoster.status == .noContent, "\(String(buffer: loadedRoster.body))")
        let posted = try await client.execute(
            uri: "/xapi/statements", method: .post, headers: self.headers(operatorCredential, json: true), body: statements)
        #expect(posted.status == .ok, "\(String(buffer: posted.body))")
        return operatorCredential
    }

    func headers(_ credential: IssuedCredential? = nil, version: String? = "1.0.3", json: Bool = false) -> HTTPFields {
        var headers = HTTPFields()
        if let version { headers[HTTPField.Name("X-Experience-API-Version")!] = version }
        let issued = credential ?? writer
        let token = Data("\(issued.credential.key):\(issued.secret)".utf8).base64EncodedString()
        headers[.authorization] = "Basic \(token)"
        if json { headers[.contentType] = "application/json" }
        return headers
    }
}

/// JSON of a response body.
func json(_ response: TestResponse) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
}

func buffer(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

func statementJSON(id: String? = nil, actor: String = "ann", verb: String = "completed", extra: String = "") -> String {
    var members = [
        #""actor":{"mbox":"mailto:\#(actor)@example.com"}"#,
        #""verb":{"id":"http://adlnet.gov/expapi/verbs/\#(verb)"}"#,
        #""object":{"id":"https://courses.example.com/fire-safety"}"#,
    ]
    if let id { members.insert(#""id":"\#(id)""#, at: 0) }
    if !extra.isEmpty { members.append(extra) }
    return "{" + members.joined(separator: ",") + "}"
}
