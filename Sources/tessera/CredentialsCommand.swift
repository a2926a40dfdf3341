import ArgumentParser
import TesseraConsole
import TesseraLRS

/// `tessera credentials create|list|revoke`.
struct CredentialsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credentials",
        abstract: "Manage the key/secret pairs clients authenticate with.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a credential; prints its secret once.")

        @Option(help: "A label for people.")
        var name: String

        @Option(help: "Comma-separated scopes, e.g. statements/write,statements/read.")
        var scopes: String

        @OptionGroup var database: DatabaseOption

        func run() async throws {
            let scopes = try Scope.parseList(self.scopes).mapError { ValidationError($0.description) }.get()
            guard !scopes.isEmpty else { throw ValidationError("--scopes names no scope") }
            let issued = try await database.target().withCredentials { try await $0.create(name: name, scopes: scopes) }
            var output = StandardOutput()
            output.writeLine("key:    \(issued.credential.key)")
            output.writeLine("secret: \(issued.secret)")
            output.writeLine("scopes: \(scopes.map(\.rawValue).sorted().joined(separator: ","))")
            output.flush()
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List credentials (never their secrets).")

        @OptionGroup var database: DatabaseOption

        func run() async throws {
            try await database.target().printList(of: .machines, detail: { $0.scopes.map(\.rawValue).sorted().joined(separator: ",") }, ended: "revoked")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a credential by key.")

        @Argument(help: "The key to revoke.")
        var key: String

        @OptionGroup var database: DatabaseOption

        func run() async throws {
            try await database.target().revoke(key, of: .machines, missing: "no active credential with key \(key)")
        }
    }
}
