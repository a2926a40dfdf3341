import Foundation
import TesseraTestSupport
import Testing

/// The command line on a PostgreSQL database (`--db postgres://…`): credentials work; commands
/// not built for PostgreSQL yet say so and change nothing.
@Suite(.enabled(if: PostgresTestServer.url != nil, "TESSERA_TEST_POSTGRES names no server"))
struct PostgresCommandTests {
    @Test func credentialsAreCreatedListedAndRevokedOnPostgres() async throws {
        let (url, drop) = try await PostgresTestServer.freshDatabaseURL()
        defer { Task { await drop() } }
        let created = try TesseraExecutable.run(["credentials", "create", "--db", url, "--name", "L&D course", "--scopes", "statements/write"])
        #expect(created.status == 0, "\(created.standardError)")
        let key = try #require(created.standardOutput.split(separator: "\n").first { $0.hasPrefix("key:") }?.split(separator: " ").last)
        let listed = try TesseraExecutable.run(["credentials", "list", "--db", url])
        #expect(listed.standardOutput.contains("\(key)  L&D course  statements/write") && listed.standardOutput.contains("active"), "\(listed.standardOutput)")
        #expect(try TesseraExecutable.run(["credentials", "revoke", String(key), "--db", url]).status == 0)
        #expect(try TesseraExecutable.run(["credentials", "list", "--db", url]).standardOutput.contains("revoked"))
        let serve = try TesseraExecutable.run(["serve", "--db", url, "--port", "1"])
        #expect(serve.status != 0 && serve.standardError.contains("works on an SQLite file only for now"), "\(serve.standardError)")
    }

    @Test func aMalformedURLIsNamed() throws {
        let run = try TesseraExecutable.run(["credentials", "list", "--db", "postgres://nobody@/"])
        #expect(run.status != 0)
        #expect(run.standardError.contains("postgres://USER:PASSWORD@HOST:PORT/DATABASE"), "\(run.standardError)")
    }
}
