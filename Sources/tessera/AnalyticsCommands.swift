import ArgumentParser
import Foundation
import TesseraAnalytics
import TesseraConsole
import TesseraLRS

/// `tessera catalog load|show`.
struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Load or show the analytics catalog (skills, programs, verbs, levels).",
        subcommands: [Load.self, Show.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace the catalog with a JSON file (Schemas/catalog.schema.json).")

        @Argument(help: "The catalog JSON file.")
        var file: String

        @OptionGroup var database: DatabaseOption

        func run() async throws {
            let catalog = try AnalyticsFile.accepted(Catalog.read(try AnalyticsFile.bytes(file)), file)
            try await database.target().withStore { try await $0.replaceCatalog(catalog) }
            var output = StandardOutput()
            output.writeLine("catalog loaded: \(catalog.skills.count) skills, \(catalog.programs.count) programs, \(catalog.levels.count) levels")
            output.flush()
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the catalog as JSON.")

        @OptionGroup var database: DatabaseOption

        func run() async throws {
            let target = try await database.target()
            let catalog = try await target.withReadingStore { try await $0.catalog() }
            guard let catalog else { throw ValidationError("no catalog has been loaded into \(target.name)") }
            var output = StandardOutput()
            output.writeLine(catalog.json())
            output.flush()
        }
    }
}

/// `tessera roster load|show`.
struct RosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Load or show the roster (people, teams, hiring and leaving dates).",
        subcommands: [Load.self, Show.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the roster with a CSV or JSON file (Schemas/roster.schema.json; CSV columns in the README).")

        @Argument(help: "The roster file: .csv is read as CSV, anything else as JSON.")
        var file: String

        @OptionGroup var database: DatabaseOption

        func run() async throws {
            let bytes = try AnalyticsFile.bytes(file)
            let roster = try AnalyticsFile.accepted(
                file.lowercased().hasSuffix(".csv") ? Roster.read(csv: bytes) : Roster.read(json: bytes), file)
            try await database.target().withStore { try await $0.replaceRoster(roster) }
            var output = StandardOutput()
            output.writeLine("roster loaded: \(roster.people.count) people")
            output.flush()
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the roster as JSON (or CSV).")

        @Flag(help: "CSV instead of JSON.")
        var csv = false

        @OptionGroup var database: DatabaseOption

        func run() async throws {
            let roster = try await database.target().withReadingStore { try await $0.roster() }
            var output = StandardOutput()
            output.writeLine(csv ? Array(roster.csv().dropLast(2)) : roster.json())
            output.flush()
        }
    }
}

/// What the catalog and roster commands share.
enum AnalyticsFile {
    static func bytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        return Array(data)
    }

    /// The value, or a validation error listing every problem (one per line).
    static func accepted<T>(_ result: Result<T, AnalyticsInputError>, _ path: String) throws -> T {
        switch result {
        case .success(let value): return value
        case .failure(let error):
            throw CommandFailure(description: "\(path) is invalid:\n" + error.problems.map { "  \($0)" }.joined(separator: "\n"))
        }
    }
}
