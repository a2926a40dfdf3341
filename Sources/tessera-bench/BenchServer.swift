import Foundation
import Logging
import NIOCore
import TesseraLRS
import TesseraPostgres
import TesseraSQLite

/// A `tessera serve` child process on 127.0.0.1 for the HTTP benchmarks. The server runs apart
/// from the load generator so that its memory is its own.
final class BenchServer: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let authorization: String
    private static let key = "bench"
    private static let secret = "bench-secret"

    /// Starts the server on `database`, an SQLite file or a PostgreSQL URL (created if needed;
    /// an existing one is given the benchmark's credential), and waits until it answers. The
    /// background integrity check is off: it reads the whole store once after start, which
    /// would weigh on the first figures.
    init(database: String, durability: String, analytics: Bool = true, signingKey: String? = nil) async throws {
        let postgres = PostgresStorage.Location.isURL(database)
        if postgres || FileManager.default.fileExists(atPath: database) { try await Self.admit(database: database) }
        port = Int.random(in: 20_000..<40_000)
        process = Process()
        process.executableURL = try Self.serverExecutable()
        process.arguments = ["serve", "--db", database, "--port", String(port), "--integrity-check", "off"]
            + (postgres ? [] : ["--durability", durability, "--analytics", analytics ? "on" : "off"])
            + (signingKey.map { ["--signing-key", $0] } ?? [])
        var environment = ProcessInfo.processInfo.environment
        environment["TESSERA_ADMIN_KEY"] = Self.key
        environment["TESSERA_ADMIN_SECRET"] = Self.secret
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        authorization = "Basic " + Data("\(Self.key):\(Self.secret)".utf8).base64EncodedString()
        for _ in 0..<150 {
            let about = try? await BenchConnection.with(port: port) { try await $0.send(request("GET", "/about")).status }
            if about == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw BenchError("the server did not start on port \(port)")
    }

    /// The `tessera` executable built beside this benchmark (`swift build -c release` builds both).
    private static func serverExecutable() throws -> URL {
        let url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("tessera")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw BenchError("\(url.path) is not built: run `swift build -c release` first")
        }
        return url
    }

    /// Adds the benchmark's admin credential to the existing store at `database` unless it holds
    /// it already (a new store gets it from the server's first start).
    private static func admit(database: String) async throws {
        guard PostgresStorage.Location.isURL(database) else {
            return try await admit(Credentials(repository: try SQLiteCredentialRepository(path: database)))
        }
        let storage = try await PostgresStorage(location: try .init(url: database), connections: 1, logger: Logger(label: "bench"))
        defer { storage.close() }
        try await admit(Credentials(repository: PostgresCredentialRepository(database: storage)))
    }

    private static func admit(_ credentials: Credentials) async throws {
        guard try await credentials.active(key: key) == nil else { return }
        _ = try await credentials.create(name: "bench", scopes: [.admin], key: key, secret: secret)
    }

    /// Runs `body` with a keep-alive connection to the server.
    func withConnection<Result: Sendable>(_ body: (inout BenchConnection) async throws -> Result) async throws -> Result {
        try await BenchConnection.with(port: port, body)
    }

    /// The bytes of a request for `path` under /xapi, with the benchmark credential.
    func request(_ method: String, _ path: String, body: [UInt8]? = nil) -> ByteBuffer {
        BenchConnection.request(method, "/xapi" + path, port: port, authorization: authorization, body: body)
    }

    /// The bytes of a request for an absolute `path` (outside /xapi), with the benchmark credential.
    func request(_ method: String, absolute path: String, body: [UInt8]? = nil, contentType: String = "application/json") -> ByteBuffer {
        BenchConnection.request(method, path, port: port, authorization: authorization, body: body, contentType: contentType)
    }

    /// The server's resident memory, in MiB (from /proc).
    var residentMegabytes: Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes / 1024
    }

    func stop() async {
        process.terminate()
        process.waitUntilExit()
    }
}

/// A benchmark that cannot go on.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Latency samples and their percentiles.
struct Latencies {
    private(set) var milliseconds: [Double] = []

    mutating func add(_ duration: Duration) {
        milliseconds.append(Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
    }

    mutating func add(_ other: Latencies) { milliseconds += other.milliseconds }

    /// The `fraction` percentile (0.5, 0.95, 0.99) in milliseconds.
    func percentile(_ fraction: Double) -> Double {
        guard !milliseconds.isEmpty else { return 0 }
        let sorted = milliseconds.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
    }

    /// "p50 1.2 ms, p95 3.4 ms, p99 5.6 ms".
    var summary: String {
        func format(_ value: Double) -> String { String(format: "%.1f", value) }
        return "p50 \(format(percentile(0.5))) ms, p95 \(format(percentile(0.95))) ms, p99 \(format(percentile(0.99))) ms"
    }
}
