import ArgumentParser
import TesseraServer

/// The `tessera` command: an xAPI Learning Record Store and its tools.
@main
struct Tessera: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tessera",
        abstract: "Tessera, an xAPI Learning Record Store with learning analytics.",
        version: TesseraVersion.current,
        subcommands: [
            ServeCommand.self, CredentialsCommand.self, AccountsCommand.self, CatalogCommand.self, RosterCommand.self, ValidateCommand.self,
            ImportCommand.self, ExportCommand.self, VerifyCommand.self, EraseCommand.self, AuditLogCommand.self, CopyCommand.self,
        ]
    )
}
