import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TesseraCrypto
import TesseraServer
import TesseraLRS
@testable import TesseraPostgres
@testable import TesseraSQLite
import PostgresNIO
import TesseraTestSupport
import Testing
import XAPI

/// The backend the server tests run on: SQLite, or PostgreSQL with
/// `TESSERA_TEST_BACKEND=postgres` (and `TESSERA_TEST_POSTGRES` naming the server; `.ci/run`
/// runs the server tests both ways).
enum TestBackend: String {
    case sqlite, postgres

    static let current: TestBackend = ProcessInfo.processInfo.environment["TESSERA_TEST_BACKEND"] == "postgres" ? .postgres : .sqlite
}

/// An application over a fresh database with two credentials: a full one and a read-only one.
final class TestLRS: @unchecked Sendable {
    let directory: TemporaryDirectory
    let store: any LRSStore
    /// The credentials as stored (another process's view of them: no cache).
    let repository: any CredentialRepository
    let credentials: Credentials
    let writer: IssuedCredential
    let reader: IssuedCredential
    /// People's accounts, and two of them: a viewer and an admin (their passwords as `secret`).
    let accounts: Credentials
    let viewer: IssuedCredential
    let administrator: IssuedCredential
    /// The server's export signing key, created in the test's directory.
    let signingKey: Ed25519Key
    /// The server's metrics, which the store reports to.
    let metrics = ServerMetrics()
    private let database: Database

    /// Where the store keeps its data.
    enum Database {
        case sqlite(path: String)
        case postgres(PostgresStorage, drop: @Sendable () async -> Void)
    }

    init() async throws {
        directory = try TemporaryDirectory()
        let path = directory.path("lrs.sqlite")
        signingKey = try SigningKeyFile.loadOrCreate(at: SigningKeyFile.defaultPath(forDatabase: path))
        switch TestBackend.current {
        case .sqlite:
            store = try SQLiteStore(path: path, readers: 2, durability: .normal, observer: metrics, logger: Logger(label: "test"))
            repository = try SQLiteCredentialRepository(path: path)
            accounts = Credentials(repository: try SQLiteCredentialRepository(path: path, holders: .people))
            database = .sqlite(path: path)
        case .postgres:
            let (storage, drop) = try await PostgresTestServer.freshDatabase()
            store = PostgresStore(database: storage, observer: metrics)
            repository = PostgresCredentialRepository(database: storage)
            accounts = Credentials(repository: PostgresCredentialRepository(database: storage, holders: .people))
            database = .postgres(storage, drop: drop)
        }
        credentials = Credentials(repository: repository)
        writer = try await credentials.create(name: "course", scopes: [.statementsWrite, .statementsRead])
        reader = try await credentials.create(name: "dashboard", scopes: [.analyticsRead])
        viewer = try await accounts.create(name: "Lena Lindqvist", scopes: AccountRole.viewer.scopes, key: "lena")
        administrator = try await accounts.create(name: "Ada Admin", scopes: AccountRole.admin.scopes, key: "ada")
    }

    /// The SQLite file, when the test runs on SQLite.
    var sqlitePath: String? {
        if case .sqlite(let path) = database { return path }
        return nil
    }

    /// Stops the store taking work (the data stays).
    func closeStore() async {
        switch store {
        case let sqlite as SQLiteStore: sqlite.close()
        case let postgres as PostgresStore: await postgres.close()
        default: break
        }
    }

    /// The value of a one-row, one-column integer query on the store's database.
    func scalar(_ sql: String) async throws -> Int64? {
        switch database {
        case .sqlite(let path):
            let connection = try SQLiteConnection(path: path, mode: .readOnly)
            defer { connection.finishStatements() }
            return try connection.scalar(sql)
        case .postgres(let storage, _):
            for try await value in try await storage.client.query(PostgresQuery(unsafeSQL: sql)).decode(Int64?.self) { return value }
            return nil
        }
    }

    /// The names of the database's tables.
    func tableNames() async throws -> [String] {
        switch database {
        case .sqlite(let path):
            let connection = try SQLiteConnection(path: path, mode: .readOnly)
            defer { connection.finishStatements() }
            let tables = try connection.prepared("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            var names: [String] = []
            while try tables.step() { names.append(tables.text(0)) }
            return names
        case .postgres(let storage, _):
            var names: [String] = []
            for try await name in try await storage.client.query("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
                .decode(String.self)
            {
                names.append(name)
            }
            return names
        }
    }

    /// Warnings and errors only: one line per request would bury the test output.
    let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    deinit {
        switch database {
        case .sqlite:
            // Closed before the directory goes (stored properties are released after this).
            (store as? SQLiteStore)?.close()
        case .postgres(let storage, let drop):
            let store = store as? PostgresStore
            Task {
                await store?.close()
                storage.close()
                await drop()
            }
        }
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
            store: store, credentials: credentials, accounts: accounts,
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
