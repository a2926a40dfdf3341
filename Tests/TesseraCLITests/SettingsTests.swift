import Foundation
import TesseraTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Where `tessera` takes its settings from: flag, then TESSERA_* variable, then the settings
/// file, then the default; and what it says about a file it cannot use. A port in use makes
/// `serve` say which port it chose, before anything is written.
struct SettingsTests {
    @Test func flagsBeatTheEnvironmentWhichBeatsTheFile() throws {
        let ports = try (0..<3).map { _ in try ServeCommandTests.occupiedPort() }
        defer { ports.forEach { close($0.0) } }
        let (fromFile, fromEnvironment, fromFlag) = (ports[0].1, ports[1].1, ports[2].1)
        let directory = try TemporaryDirectory()
        let database = directory.path("settings.sqlite")
        let file = directory.path("tessera.yaml")
        try "# Northwind's LRS\ndb: \(database)\nport: \(fromFile)\nlog-level: notice\n".write(toFile: file, atomically: true, encoding: .utf8)

        let byFile = try TesseraExecutable.run(["serve", "--config", file])
        #expect(byFile.standardError.contains("cannot listen on 127.0.0.1:\(fromFile)"), "\(byFile.standardError)")
        let byEnvironment = try TesseraExecutable.run(["serve", "--config", file], environment: ["TESSERA_PORT": String(fromEnvironment)])
        #expect(byEnvironment.standardError.contains("cannot listen on 127.0.0.1:\(fromEnvironment)"), "\(byEnvironment.standardError)")
        let byFlag = try TesseraExecutable.run(
            ["serve", "--config", file, "--port", String(fromFlag)], environment: ["TESSERA_PORT": String(fromEnvironment)])
        #expect(byFlag.standardError.contains("cannot listen on 127.0.0.1:\(fromFlag)"), "\(byFlag.standardError)")
        // The file named by the environment instead of the flag; an empty variable is unset.
        let byVariable = try TesseraExecutable.run(["serve"], environment: ["TESSERA_CONFIG": file, "TESSERA_PORT": ""])
        #expect(byVariable.standardError.contains("cannot listen on 127.0.0.1:\(fromFile)"), "\(byVariable.standardError)")
        #expect(!FileManager.default.fileExists(atPath: database), "nothing written by a server that did not start")

        // The file's database serves every command that takes --db.
        let listed = try TesseraExecutable.run(["credentials", "list", "--config", file])
        #expect(listed.status == 0, "\(listed.standardError)")
        #expect(FileManager.default.fileExists(atPath: database), "the file's db was used")
    }

    @Test func aFileTesseraCannotUseIsRefusedSayingWhy() throws {
        let directory = try TemporaryDirectory()
        func refusal(_ text: String?, _ arguments: [String] = [], environment: [String: String] = [:]) throws -> String {
            let file = directory.path("settings-\(UUID().uuidString).yaml")
            if let text { try text.write(toFile: file, atomically: true, encoding: .utf8) }
            let run = try TesseraExecutable.run(["serve", "--config", file, "--db", directory.path("x.sqlite")] + arguments, environment: environment)
            #expect(run.status != 0)
            return run.standardError
        }
        #expect(try refusal(nil).contains("cannot be read"))
        #expect(try refusal("port: [8080\n").contains("is not valid YAML"))
        #expect(try refusal("- port\n- 8080\n").contains("must be a mapping of settings"))
        let misspelt = try refusal("prot: 8080\nlog-level: info\n")
        #expect(misspelt.contains("unknown settings: prot") && misspelt.contains("known: analytics"), "\(misspelt)")
        let notANumber = try refusal("port: eighty\n")
        #expect(notANumber.contains("port (TESSERA_PORT or ") && notANumber.contains("must be a number, got \"eighty\""), "\(notANumber)")
        let badLevel = try refusal("log-level: loud\n")
        #expect(badLevel.contains("log-level (--log-level, TESSERA_LOG_LEVEL or ") && badLevel.contains("must be one of"), "\(badLevel)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("x.sqlite")))
    }

    @Test func theVersionIsPrinted() throws {
        let run = try TesseraExecutable.run(["--version"])
        #expect(run.status == 0)
        let version = run.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(version.split(separator: ".").count == 3 && version.split(separator: ".").allSatisfy { Int($0) != nil }, "\(version)")
        let changelog = try String(contentsOf: TesseraExecutable.packageRoot.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
        #expect(changelog.contains("## \(version) "), "CHANGELOG.md describes the version built")
    }
}
