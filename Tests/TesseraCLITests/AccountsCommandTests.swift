import Foundation
import TesseraLRS
import TesseraSQLite
import TesseraTestSupport
import Testing

/// `tessera accounts`: people's sign-ins, apart from API credentials.
struct AccountsCommandTests {
    @Test func accountsAreCreatedListedAndDisabled() async throws {
        let directory = try TemporaryDirectory()
        let database = directory.path("accounts.sqlite")
        let created = try TesseraExecutable.run(["accounts", "create", "--name", "lena", "--full-name", "Lena Lindqvist", "--role", "viewer", "--db", database])
        #expect(created.status == 0, "\(created.standardError)")
        let password = try #require(created.standardOutput.split(separator: "\n").first { $0.hasPrefix("password: ") }?.dropFirst("password: ".count))
        #expect(password.count == 40, "a new password, shown once")

        // Hashed as secrets are: the password signs in to the account, not to the API.
        let accounts = Credentials(repository: try SQLiteCredentialRepository(path: database, holders: .people))
        #expect(try await accounts.authenticate(key: "lena", secret: String(password))?.name == "Lena Lindqvist")
        let machines = Credentials(repository: try SQLiteCredentialRepository(path: database))
        #expect(try await machines.authenticate(key: "lena", secret: String(password)) == nil)

        let chosen = try TesseraExecutable.run(
            ["accounts", "create", "--name", "ada@northwind.example", "--role", "admin", "--password-stdin", "--db", database],
            input: "correct horse battery staple\n")
        #expect(chosen.status == 0 && !chosen.standardOutput.contains("password:"), "\(chosen.standardError)")
        #expect(try await accounts.authenticate(key: "ada@northwind.example", secret: "correct horse battery staple") != nil)

        let twice = try TesseraExecutable.run(["accounts", "create", "--name", "lena", "--role", "admin", "--db", database])
        #expect(twice.status != 0 && twice.standardError.contains("an account named lena exists already"))
        let short = try TesseraExecutable.run(["accounts", "create", "--name", "bo", "--role", "viewer", "--password-stdin", "--db", database], input: "short\n")
        #expect(short.status != 0 && short.standardError.contains("at least 12 characters"))
        let role = try TesseraExecutable.run(["accounts", "create", "--name", "cy", "--role", "owner", "--db", database])
        #expect(role.status != 0 && role.standardError.contains("--role must be viewer or admin"))
        let name = try TesseraExecutable.run(["accounts", "create", "--name", "di di", "--role", "viewer", "--db", database])
        #expect(name.status != 0 && name.standardError.contains("--name must be"))

        let listed = try TesseraExecutable.run(["accounts", "list", "--db", database]).standardOutput
        #expect(listed.contains("lena  Lena Lindqvist  viewer") && listed.contains("ada@northwind.example  ada@northwind.example  admin"), "\(listed)")
        #expect(!listed.contains(String(password)))
        #expect(try TesseraExecutable.run(["accounts", "disable", "lena", "--db", database]).status == 0)
        #expect(try await accounts.authenticate(key: "lena", secret: String(password)) == nil, "a disabled account signs in no more")
        #expect(try TesseraExecutable.run(["accounts", "list", "--db", database]).standardOutput.contains("disabled"))
        #expect(try TesseraExecutable.run(["accounts", "disable", "lena", "--db", database]).status != 0)
    }
}
