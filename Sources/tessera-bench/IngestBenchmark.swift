import ArgumentParser
import Foundation
import TesseraConsole
import NIOCore
import Logging
import TesseraPostgres
import TesseraSamples

/// `tessera-bench ingest`: statements/s over HTTP for batch sizes 1, 10 and 100 with C
/// connections, with request latency percentiles and the server's memory.
struct IngestBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load generated statements over HTTP into a fresh server; report statements/s and latency.")

    @Option(help: "Statements per configuration.")
    var statements = 50_000

    @Option(help: "Comma-separated batch sizes.")
    var batches = "1,10,100"

    @Option(help: "Comma-separated connection counts (one per batch size, or one for all).")
    var connections = "64,8,8"

    @Option(help: "full or normal (see tessera serve --help).")
    var durability = "full"

    @Option(help: "on: analytics facts recorded under a catalog that tags every statement; off: the LRS alone.")
    var analytics = "on"

    @Option(help: "in-time: timestamps advance with the load, as when courses report while people learn; random: a backfill in no order.")
    var order = "in-time"

    @Option(help: "A PostgreSQL server (postgres://USER@HOST:PORT/DB): each run on a new database there, dropped afterwards; a temporary SQLite file when not given.")
    var postgres: String?

    @Option(help: "PostgreSQL: Tessera nodes sharing the database; the connections take turns across them.")
    var nodes = 1

    func run() async throws {
        let batchSizes = batches.split(separator: ",").compactMap { Int($0) }
        var connectionCounts = connections.split(separator: ",").compactMap { Int($0) }
        if connectionCounts.count == 1 { connectionCounts = Array(repeating: connectionCounts[0], count: batchSizes.count) }
        guard !batchSizes.isEmpty, connectionCounts.count == batchSizes.count else {
            throw ValidationError("give one connection count, or one per batch size")
        }
        var output = StandardOutput()
        guard analytics == "on" || analytics == "off" else { throw ValidationError("--analytics must be on or off") }
        guard order == "in-time" || order == "random" else { throw ValidationError("--order must be in-time or random") }
        output.writeLine("ingest over HTTP on 127.0.0.1, durability \(durability), analytics \(analytics), \(statements) statements per run")
        guard nodes >= 1, nodes == 1 || postgres != nil else { throw ValidationError("--nodes needs --postgres") }
        if let postgres { output.writeLine("PostgreSQL at \(try PostgresStorage.Location(url: postgres).redacted), \(nodes) node(s)") }
        for (batch, connections) in zip(batchSizes, connectionCounts) {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            var database = directory.appendingPathComponent("bench.sqlite").path
            var drop: (() async throws -> Void)?
            if let postgres {
                let server = try PostgresStorage.Location(url: postgres)
                let name = "tessera_bench_" + UUID().uuidString.lowercased().filter(\.isHexDigit)
                database = try await PostgresStorage.createDatabase(named: name, on: server, logger: Logger(label: "bench")).url
                drop = { try await PostgresStorage.dropDatabase(named: name, on: server, logger: Logger(label: "bench")) }
            }
            let key = directory.appendingPathComponent("signing-key.pem").path
            var servers: [BenchServer] = []
            for _ in 0..<nodes {
                servers.append(try await BenchServer(database: database, durability: durability, analytics: analytics == "on", signingKey: key))
            }
            if analytics == "on" { try await BenchCatalog.load(servers[0]) }
            let result = try await Self.load(
                servers, statements: statements, batch: batch, connections: connections, seed: 1, inTime: order != "random")
            for server in servers { await server.stop() }
            try await drop?()
            output.writeLine(
                "batch \(batch), \(connections) connections: \(Int(result.rate.rounded())) statements/s; requests \(result.latencies.summary); server RSS peak \(Int(result.peakMegabytes)) MB")
            output.flush()
        }
    }

    struct LoadResult {
        let rate: Double
        let latencies: Latencies
        let peakMegabytes: Double
    }

    /// Posts `statements` generated statements in batches of `batch` from `connections`
    /// concurrent workers. Request bodies are built before the clock starts unless there would
    /// be more than `prebuiltLimit` statements (then each worker builds its own as it goes), so
    /// that the figure measures the server rather than the load generator. `inTime`: each
    /// worker's timestamps advance across the generator's span (see `SampleStatements`).
    static func load(
        _ server: BenchServer, statements: Int, batch: Int, connections: Int, seed: UInt64, inTime: Bool = true,
        prebuiltLimit: Int = 200_000
    ) async throws -> LoadResult {
        try await load([server], statements: statements, batch: batch, connections: connections, seed: seed, inTime: inTime, prebuiltLimit: prebuiltLimit)
    }

    /// `load` through several nodes on one database: worker w posts to `servers[w % count]`;
    /// the peak memory is the first node's.
    static func load(
        _ servers: [BenchServer], statements: Int, batch: Int, connections: Int, seed: UInt64, inTime: Bool = true,
        prebuiltLimit: Int = 200_000
    ) async throws -> LoadResult {
        @Sendable func server(_ worker: Int) -> BenchServer { servers[worker % servers.count] }
        let requestsPerWorker = max(1, statements / batch / connections)
        let pace = inTime ? max(1, SampleStatements.span / Int64(requestsPerWorker * batch)) : nil
        let prebuilt = requestsPerWorker * connections * batch <= prebuiltLimit
        let requests: [[ByteBuffer]] = prebuilt
            ? (0..<connections).map { worker in
                var generator = SampleStatements(seed: seed &* 1_000_003 &+ UInt64(worker), pace: pace)
                return (0..<requestsPerWorker).map { _ in server(worker).request("POST", "/statements", body: Self.body(&generator, batch: batch)) }
            } : []
        let clock = ContinuousClock()
        let started = clock.now
        let peak = MemoryWatch(servers[0])
        let latencies = try await servers.send(workers: connections, label: "POST") { worker in
            var generator = SampleStatements(seed: seed &* 1_000_003 &+ UInt64(worker), pace: pace)
            var index = 0
            return AnyIterator {
                guard index < requestsPerWorker else { return nil }
                defer { index += 1 }
                return prebuilt ? requests[worker][index] : server(worker).request("POST", "/statements", body: Self.body(&generator, batch: batch))
            }
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return LoadResult(
            rate: Double(requestsPerWorker * connections * batch) / seconds, latencies: latencies,
            peakMegabytes: await peak.stop())
    }

    /// A JSON array of `batch` generated statements.
    private static func body(_ generator: inout SampleStatements, batch: Int) -> [UInt8] {
        var body: [UInt8] = [UInt8(ascii: "[")]
        for index in 0..<batch {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += generator.next()
        }
        body.append(UInt8(ascii: "]"))
        return body
    }
}

/// Samples the server's RSS every 100 ms until stopped; returns the peak.
final class MemoryWatch: @unchecked Sendable {
    private let task: Task<Double, Never>

    init(_ server: BenchServer) {
        task = Task {
            var peak = server.residentMegabytes
            while !Task.isCancelled {
                peak = max(peak, server.residentMegabytes)
                try? await Task.sleep(for: .milliseconds(100))
            }
            return max(peak, server.residentMegabytes)
        }
    }

    func stop() async -> Double {
        task.cancel()
        return await task.value
    }
}
