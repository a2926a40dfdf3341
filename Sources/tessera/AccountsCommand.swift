import ArgumentParser
import Foundation
import TesseraConsole
import TesseraLRS

/// `tessera accounts create|list|disable`: people's sign-ins to the dashboard and the console
/// (docs/console.md), apart from the API credentials machines use.
struct AccountsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts",
        abstract: "Manage people's accounts: the dashboard and console sign in with them.",
        subcommands: [Create.self, List.self, Disable.self])

    /// The shortest password a person may choose.
    static let minimumPasswordLength = 12

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account; prints a new password once, or reads one from standard input with --password-stdin.")

        @Option(help: "The name to sign in with (letters, digits, '.', '_', '-', '@').")
        var name: String

        @Option(help: "viewer (the dashboard and learner views) or admin (everything, the console too).")
        var role: String

        @Option(help: "The person's full name, shown when they are signed in (default: the name).")
        var fullName: String?

        @Flag(help: "Read the password from standard input instead of generating one (at least 12 characters).")
        var passwordStdin = false

        @OptionGroup var database: DatabaseOption

        func run() async throws {
            guard let role = AccountRole(rawValue: role) else { throw ValidationError("--role must be viewer or admin, got \"\(role)\"") }
            guard AccountRole.isValidName(name) else {
                throw ValidationError("--name must be 1 to 64 letters, digits, '.', '_', '-' or '@', got \"\(name)\"")
            }
            var password: String?
            if passwordStdin {
                let line = readLine(strippingNewline: true) ?? ""
                guard line.count >= AccountsCommand.minimumPasswordLength else {
                    throw ValidationError("the password must have at least \(AccountsCommand.minimumPasswordLength) characters")
                }
                password = line
            }
            let target = try await database.target()
            let issued = try await target.withCredentials(of: .people) { accounts in
                guard try await !accounts.list().contains(where: { $0.key == name }) else {
                    throw ValidationError("an account named \(name) exists already")
                }
                return try await accounts.create(name: fullName ?? name, scopes: role.scopes, key: name, secret: password)
            }
            var output = StandardOutput()
            output.writeLine("account:  \(issued.credential.key)")
            output.writeLine("role:     \(role.rawValue)")
            if password == nil { output.writeLine("password: \(issued.secret)") }
            output.flush()
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts (never their passwords).")

        @OptionGroup var database: DatabaseOption

        func run() async throws {
            try await database.target().printList(of: .people, detail: { AccountRole(scopes: $0.scopes).rawValue }, ended: "disabled")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account: its sessions end at once.")

        @Argument(help: "The account's name.")
        var name: String

        @OptionGroup var database: DatabaseOption

        func run() async throws {
            try await database.target().revoke(name, of: .people, missing: "no active account named \(name)")
        }
    }
}
