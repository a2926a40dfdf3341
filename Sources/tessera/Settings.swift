import ArgumentParser
import Configuration
import Foundation
import SystemPackage
import Yams

/// Where `tessera`'s settings come from, most important first: a flag, its `TESSERA_*`
/// environment variable, the configuration file (`--config FILE` or `TESSERA_CONFIG`: YAML whose
/// keys are the flags' names), then the default (docs/configuration.md). An empty environment
/// variable counts as unset.
struct Settings: Sendable {
    /// Every key a configuration file may hold: the flags of `tessera serve` and `--db`.
    static let keys: Set<String> = [
        "db", "connections", "host", "port", "durability", "readers", "analytics", "signing-key", "log-level", "rate-limit",
        "min-group-size", "idle-timeout", "integrity-check", "authority-home-page", "xapi-versions", "trusted-proxies",
    ]

    /// Keys whose environment variable is not `TESSERA_` and the key in capitals.
    private static let environmentNames: [String: [String]] = [
        "connections": ["tessera", "db", "connections"], "authority-home-page": ["tessera", "authority", "homepage"],
    ]

    private let reader: ConfigReader
    /// The configuration file read, if any.
    let file: String?

    /// No file: flags, the environment and defaults.
    static let withoutFile = Settings(reader: Settings.environmentReader(), file: nil)

    private init(reader: ConfigReader, file: String?) {
        self.reader = reader
        self.file = file
    }

    /// The settings with the file `path` (else `TESSERA_CONFIG`'s, else none) under the
    /// environment. A file that is missing, is not YAML, or holds a key Tessera does not know is
    /// refused, naming the problem.
    static func load(file path: String?) async throws -> Settings {
        guard let path = path ?? ProcessInfo.processInfo.environment["TESSERA_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return withoutFile
        }
        guard let text = FileManager.default.contents(atPath: path).flatMap({ String(data: $0, encoding: .utf8) }) else {
            throw ValidationError("the configuration file \(path) cannot be read")
        }
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            throw ValidationError("the configuration file \(path) is not valid YAML: \(error)")
        }
        guard let settings = document as? [String: Any] else {
            throw ValidationError("the configuration file \(path) must be a mapping of settings (key: value), one per line")
        }
        let unknown = settings.keys.filter { !keys.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw ValidationError(
                "the configuration file \(path) has unknown settings: \(unknown.joined(separator: ", ")) (known: \(keys.sorted().joined(separator: ", ")))")
        }
        let fileProvider = try await FileProvider<YAMLSnapshot>(filePath: FilePath(path))
        return Settings(reader: ConfigReader(providers: [environmentProvider(), fileProvider]), file: path)
    }

    private static func environmentReader() -> ConfigReader { ConfigReader(provider: environmentProvider()) }

    /// `TESSERA_*` variables, empty ones left out, under the settings' keys.
    private static func environmentProvider() -> some ConfigProvider {
        let variables = ProcessInfo.processInfo.environment.filter { !$0.value.isEmpty }
        return KeyMappingProvider(upstream: EnvironmentVariablesProvider(environmentVariables: variables)) { key in
            environmentNames[key.components.joined(separator: ".")].map { AbsoluteConfigKey($0) } ?? key.prepending(["tessera"])
        }
    }

    /// The environment variable that sets `key`.
    static func environmentVariable(_ key: String) -> String {
        (environmentNames[key] ?? ["tessera", key]).joined(separator: "_").uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// `flag` when given; else the environment's or the file's value for `key`; else nil.
    func text(_ flag: String?, _ key: String) -> String? {
        flag ?? reader.string(forKey: ConfigKey([key]))
    }

    /// `flag`, else the environment's or file's value, else `fallback`.
    func text(_ flag: String?, _ key: String, default fallback: String) -> String {
        text(flag, key) ?? fallback
    }

    /// A setting whose value breaks `rule`, naming every place the value may have come from.
    func problem(_ key: String, _ rule: String) -> ValidationError {
        ValidationError("\(key) (--\(key), \(Self.environmentVariable(key))\(file.map { " or \($0)" } ?? "")) \(rule)")
    }

    /// A number setting, parsed; a value that is not one names where settings come from.
    func number<Value: LosslessStringConvertible>(_ flag: Value?, _ key: String, default fallback: Value) throws -> Value {
        if let flag { return flag }
        guard let text = reader.string(forKey: ConfigKey([key])) else { return fallback }
        guard let value = Value(text.trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("\(key) (\(Self.environmentVariable(key))\(file.map { " or \($0)" } ?? "")) must be a number, got \"\(text)\"")
        }
        return value
    }
}
