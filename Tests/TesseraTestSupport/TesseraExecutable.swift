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

    /// Runs `tessera` with `arguments`, feeding `input` on standard input, with `environment`'s
    /// variables set.
    public static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> Output {
        guard let url else { throw NotBuilt() }
        let result = try ChildProcess.run(url.path, arguments, input: Array((input ?? "").utf8), environment: environment)
        return Output(
            status: result.status, standardOutput: String(decoding: result.standardOutput, as: UTF8.self),
            standardError: String(decoding: result.standardError, as: UTF8.self))
    }

    /// The executable has not been built.
    public struct NotBuilt: Error, CustomStringConvertible {
        public var description: String { "the tessera executable was not found; build it first (swift build)" }
    }
}
