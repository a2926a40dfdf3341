import ArgumentParser
import Foundation
import TesseraConsole
import XAPI

/// `tessera validate`: checks statements against the xAPI data model without storing them.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate xAPI statements; print one JSON line per statement.",
        discussion: """
            Reads one statement or a JSON array of statements (or, with --ndjson, one statement \
            per line) and prints {"index":i,"valid":true} or {"index":i,"valid":false,"errors":[...]} \
            for each. Exits 0 only if every statement is valid.
            """
    )

    @Argument(help: "The file to read, or - for standard input.")
    var file: String = "-"

    @Option(name: .customLong("xapi-version"), help: "The xAPI version whose rules apply: 1.0.3 or 2.0.0.")
    var xapiVersion: String = "1.0.3"

    @Flag(help: "Read newline-delimited JSON: one statement per line.")
    var ndjson = false

    func run() throws {
        guard let version = XAPIVersion(header: xapiVersion) else {
            throw ValidationError("--xapi-version must be 1.0.3 or 2.0.0, got \(xapiVersion)")
        }
        let bytes = try readInput()
        let reports = ndjson ? Self.validateLines(bytes, version: version) : Self.validateDocument(bytes, version: version)
        var allValid = true
        var output = StandardOutput()
        for report in reports {
            allValid = allValid && report.errors.isEmpty
            output.writeLine(report.jsonLine())
        }
        output.flush()
        if !allValid { throw ExitCode(1) }
    }

    private func readInput() throws -> [UInt8] {
        if file == "-" {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        return Array(data)
    }

    /// One report per statement of a single JSON document (object or array).
    static func validateDocument(_ bytes: [UInt8], version: XAPIVersion) -> [StatementReport] {
        do {
            let parsed = try StatementInput.parse(bytes, version: version)
            return parsed.results.enumerated().map { StatementReport(index: $0.offset, result: $0.element) }
        } catch {
            return [StatementReport(index: 0, errors: error.errors)]
        }
    }

    /// One report per non-blank line.
    static func validateLines(_ bytes: [UInt8], version: XAPIVersion) -> [StatementReport] {
        var reports: [StatementReport] = []
        var lineStart = 0
        while lineStart < bytes.count {
            let lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
            let line = bytes[lineStart..<lineEnd]
            lineStart = lineEnd + 1
            let trimmed = line.last == 0x0D ? line.dropLast() : line
            guard trimmed.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
            let index = reports.count
            do {
                let parsed = try StatementInput.parse(Array(trimmed), version: version)
                if parsed.isBatch {
                    let error = XAPI.ValidationError(
                        path: "statement", message: "each line must hold one statement object, not an array")
                    reports.append(StatementReport(index: index, errors: [error]))
                } else {
                    reports.append(StatementReport(index: index, result: parsed.results[0]))
                }
            } catch {
                reports.append(StatementReport(index: index, errors: error.errors))
            }
        }
        return reports
    }
}

/// The verdict on one statement.
struct StatementReport {
    let index: Int
    let errors: [XAPI.ValidationError]

    init(index: Int, errors: [XAPI.ValidationError]) {
        self.index = index
        self.errors = errors
    }

    init(index: Int, result: Result<Statement, StatementRejection>) {
        switch result {
        case .success: self.init(index: index, errors: [])
        case .failure(let rejection): self.init(index: index, errors: rejection.errors)
        }
    }

    func jsonLine() -> [UInt8] {
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.key("index")
        writer.number(String(index))
        writer.key("valid")
        writer.bool(errors.isEmpty)
        if !errors.isEmpty {
            writer.key("errors")
            writer.beginArray()
            for error in errors { writer.validationError(path: error.path, message: error.message) }
            writer.endArray()
        }
        writer.endObject()
        return writer.bytes
    }
}
