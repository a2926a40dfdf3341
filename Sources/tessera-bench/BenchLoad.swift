import ArgumentParser
import Foundation
import NIOCore

/// A benchmark that times requests on a loaded store.
protocol LoadedStoreBenchmark: AsyncParsableCommand {
    var options: LoadedStoreOptions { get }

    /// Loads the store through `server` and times the requests.
    func run(_ server: BenchServer) async throws
}

extension LoadedStoreBenchmark {
    func run() async throws {
        try await options.withServer { server in try await run(server) }
    }
}

/// The options of the benchmarks that time requests on a loaded store.
struct LoadedStoreOptions: ParsableArguments {
    @Option(help: "Statements to load first (0 to use the database as it is).")
    var statements = 100_000

    @Option(help: "Database: an SQLite file or a postgres:// URL of an existing database; a temporary SQLite file when not given.")
    var db: String?

    @Option(help: "Requests per timed request.")
    var repeats = 200

    @Option(help: "Concurrent connections for the timed requests.")
    var connections = 4

    /// Runs `body` with a server on the database (a temporary one unless `db` names one),
    /// stopped and cleaned up afterwards.
    func withServer(_ body: (BenchServer) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await BenchServer(database: db ?? directory.appendingPathComponent("bench.sqlite").path, durability: "normal")
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// The latencies of `repeats` sends of `request` over `connections` connections.
    func time(_ server: BenchServer, _ label: String, _ request: ByteBuffer) async throws -> Latencies {
        let (repeats, connections) = (self.repeats, self.connections)
        // One untimed request per connection first: each reads through a cold page cache.
        _ = try await server.send(workers: connections, label: label) { _ in AnyIterator([request].makeIterator()) }
        return try await server.send(workers: connections, label: label) { worker in
            AnyIterator(stride(from: worker, to: repeats, by: connections).lazy.map { _ in request }.makeIterator())
        }
    }
}

extension BenchServer {
    /// Sends each worker's requests on its own keep-alive connection, checking that each is
    /// answered 200; returns every request's latency.
    func send(
        workers: Int, label: String, _ requests: @escaping @Sendable (_ worker: Int) -> AnyIterator<ByteBuffer>
    ) async throws -> Latencies {
        try await [self].send(workers: workers, label: label, requests)
    }
}

extension [BenchServer] {
    /// Sends each worker's requests on its own keep-alive connection to the server at the
    /// worker's number modulo the count (workers take turns across nodes), checking that each
    /// is answered 200; returns every request's latency.
    func send(
        workers: Int, label: String, _ requests: @escaping @Sendable (_ worker: Int) -> AnyIterator<ByteBuffer>
    ) async throws -> Latencies {
        try await withThrowingTaskGroup(of: Latencies.self) { group in
            for worker in 0..<workers {
                let server = self[worker % count]
                group.addTask {
                    try await server.withConnection { connection in
                        var latencies = Latencies()
                        let clock = ContinuousClock()
                        let iterator = requests(worker)
                        while let request = iterator.next() {
                            let start = clock.now
                            let response = try await connection.send(request)
                            guard response.status == 200 else {
                                throw BenchError("\(label) answered \(response.status): \(String(buffer: response.body))")
                            }
                            latencies.add(clock.now - start)
                        }
                        return latencies
                    }
                }
            }
            var all = Latencies()
            for try await part in group { all.add(part) }
            return all
        }
    }
}
