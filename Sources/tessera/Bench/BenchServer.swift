import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A `tessera serve` child process on 127.0.0.1 for the HTTP benchmarks, with a client that
/// talks to it. The server runs apart from the load generator so that its memory is its own.
final class BenchServer: @unchecked Sendable {
    let port: Int
    let base: String
    let client: HTTPClient
    private let process: Process
    private let authorization: String
    private static let key = "bench"
    private static let secret = "bench-secret"

    /// Starts the server on `database` (created if needed) and waits until it answers.
    init(database: String, durability: String, connections: Int) async throws {
        port = Int.random(in: 20_000..<40_000)
        base = "http://127.0.0.1:\(port)/xapi"
        process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        process.arguments = ["serve", "--db", database, "--port", String(port), "--durability", durability]
        var environment = ProcessInfo.processInfo.environment
        environment["TESSERA_ADMIN_KEY"] = Self.key
        environment["TESSERA_ADMIN_SECRET"] = Self.secret
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        authorization = "Basic " + Data("\(Self.key):\(Self.secret)".utf8).base64EncodedString()
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: max(connections, 1))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        for _ in 0..<150 {
            if (try? await request("GET", "/about").status) == .ok { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw BenchError("the server did not start on port \(port)")
    }

    /// Sends a request; returns the status and body.
    func request(_ method: String, _ path: String, body: [UInt8]? = nil) async throws -> (status: HTTPResponseStatus, body: ByteBuffer) {
        var request = HTTPClientRequest(url: base + path)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "X-Experience-API-Version", value: "1.0.3")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .seconds(120))
        return (response.status, try await response.body.collect(upTo: 64 << 20))
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
        try? await client.shutdown()
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
