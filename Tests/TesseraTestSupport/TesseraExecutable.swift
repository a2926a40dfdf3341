import Foundation

/// The built `tessera` executable, which tests run as a real process.
public enum TesseraExecutable {
    /// The package root, found from this file's location.
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The executable next to the test bundle (or in .build/debug), if built.
    public static let url: URL? = {
        var candidates: [URL] = []
        for argument in CommandLine.arguments {
            let url = URL(fileURLWithPath: argument)
            candidates.append(url.deletingLastPathComponent().appendingPathComponent("tessera"))
            if let bundle = argument.range(of: ".xctest") {
                let bundleURL = URL(fileURLWithPath: String(argument[..<bundle.upperBound]))
                candidates.append(bundleURL.deletingLastPathComponent().appendingPathComponent("tessera"))
            }
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/tessera"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// What a run printed and how it ended.
    public struct Output: Sendable {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String
    }

    /// Runs `tessera` with `arguments`, feeding `input` on standard input.
    public static func run(_ arguments: [String], input: String? = nil) throws -> Output {
        guard let url else { throw NotBuilt() }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, standardOutput: String(decoding: output, as: UTF8.self),
            standardError: String(decoding: errors, as: UTF8.self))
    }

    /// The executable has not been built.
    public struct NotBuilt: Error, CustomStringConvertible {
        public var description: String { "the tessera executable was not found; build it first (swift build)" }
    }
}
