import ArgumentParser
import Foundation
import TesseraConsole
import NIOCore
import TesseraSamples

/// `tessera-bench soak`: mixed load (ingest, statement queries, documents, analytics) against
/// one server for a long time; reports each window's request counts, errors and p99 latency per
/// kind of request, and the server's memory at the start and end of each window.
struct SoakBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Mixed load against one server for a long time; p99 per window, errors, memory.")

    @Option(help: "How long to run, in minutes.")
    var minutes = 30.0

    @Option(help: "Length of a reporting window, in minutes.")
    var window = 5.0

    @Option(help: "full or normal (see tessera serve --help).")
    var durability = "full"

    @Option(help: "Requests per second each worker makes at most (0: as fast as the server answers).")
    var pace = 0.0

    @Option(help: "An existing database to soak, with its catalog, instead of a new one; the run adds statements, documents and a bench credential to it, so use a copy.")
    var db: String?

    /// The kinds of request the load mixes, each from its own workers.
    enum Kind: Int, CaseIterable {
        case ingest, query, documents, analytics

        var name: String { ["ingest (POST 10)", "query", "documents", "analytics"][rawValue] }
        /// Concurrent connections sending this kind.
        var workers: Int { [3, 2, 1, 1][rawValue] }
    }

    /// Latencies and errors by window (one worker's, or a kind's).
    struct Samples: Sendable {
        var latencies: [Latencies] = []
        var errors: [Int] = []

        /// Files a request's latency (nil: it failed) under `window`.
        mutating func add(_ latency: Duration?, window: Int) {
            grow(to: window + 1)
            if let latency { latencies[window].add(latency) } else { errors[window] += 1 }
        }

        /// Adds another worker's samples, window by window.
        mutating func add(_ other: Samples) {
            grow(to: other.latencies.count)
            for index in other.latencies.indices {
                latencies[index].add(other.latencies[index])
                errors[index] += other.errors[index]
            }
        }

        private mutating func grow(to count: Int) {
            while latencies.count < count {
                latencies.append(Latencies())
                errors.append(0)
            }
        }
    }

    func run() async throws {
        guard minutes > 0, window > 0 else { throw ValidationError("--minutes and --window must be positive") }
        guard pace >= 0, pace.isFinite else { throw ValidationError("--pace must be 0 or a positive number of requests per second") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-soak-\(UUID().uuidString)")
        let server: BenchServer
        if let db {
            guard FileManager.default.fileExists(atPath: db) else { throw ValidationError("--db \(db) does not exist") }
            server = try await BenchServer(database: db, durability: durability)
        } else {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            server = try await BenchServer(database: directory.appendingPathComponent("soak.sqlite").path, durability: durability)
            try await BenchCatalog.load(server)
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        var output = StandardOutput()
        output.writeLine("soak on 127.0.0.1 (\(db ?? "a new database")) for \(minutes) min, windows of \(window) min, durability \(durability), "
            + (pace > 0 ? "\(pace) requests/s per worker" : "unpaced") + "; workers: "
            + Kind.allCases.map { "\($0.workers) \($0.name)" }.joined(separator: ", "))
        output.flush()

        let clock = ContinuousClock()
        let started = clock.now
        let windowLength = Duration.seconds(window * 60), deadline = started + .seconds(minutes * 60)
        let memory = Task {
            var readings: [(Duration, Double)] = []
            while clock.now < deadline, !Task.isCancelled {
                readings.append((clock.now - started, server.residentMegabytes))
                try? await Task.sleep(for: .seconds(10))
            }
            readings.append((clock.now - started, server.residentMegabytes))
            return readings
        }
        var byKind = [Samples](repeating: Samples(), count: Kind.allCases.count)
        try await withThrowingTaskGroup(of: (Kind, Samples).self) { group in
            for kind in Kind.allCases {
                for worker in 0..<kind.workers {
                    group.addTask {
                        let interval: Duration? = pace > 0 ? .seconds(1 / pace) : nil
                        let samples = try await Self.work(kind, worker: worker, server: server, until: deadline, every: interval) {
                            Int((clock.now - started) / windowLength)
                        }
                        return (kind, samples)
                    }
                }
            }
            for try await (kind, samples) in group { byKind[kind.rawValue].add(samples) }
        }
        let readings = await memory.value
        await server.stop()

        func windowOf(_ elapsed: Duration) -> Int { Int(elapsed / windowLength) }
        let windows = max(byKind.map(\.latencies.count).max() ?? 0, 1)
        var totalErrors = 0
        for index in 0..<windows {
            var parts: [String] = []
            var requests = 0
            for kind in Kind.allCases {
                let samples = byKind[kind.rawValue]
                let latencies = index < samples.latencies.count ? samples.latencies[index] : Latencies()
                let errors = index < samples.errors.count ? samples.errors[index] : 0
                let count = latencies.milliseconds.count
                requests += count + errors
                totalErrors += errors
                parts.append("\(kind.name) \(count) p99 \(String(format: "%.1f", latencies.percentile(0.99))) ms" + (errors > 0 ? " \(errors) errors" : ""))
            }
            let rss = readings.filter { windowOf($0.0) == index }.map(\.1)
            let memoryText = rss.isEmpty ? "" : String(format: "; RSS %.0f → %.0f MB", rss.first ?? 0, rss.last ?? 0)
            output.writeLine("window \(index + 1): \(requests) requests; " + parts.joined(separator: "; ") + memoryText)
        }
        output.writeLine(String(format: "errors %d; server RSS %.0f MB at start, %.0f MB at end", totalErrors, readings.first?.1 ?? 0, readings.last?.1 ?? 0))
        output.flush()
    }

    /// One worker's loop: its kind of request, one at a time on a keep-alive connection, until
    /// `deadline` (starting one at most every `interval` when given), each latency filed under the
    /// `window` it started in; a non-2xx answer (but a document not yet written) counts as an
    /// error and the load goes on.
    static func work(
        _ kind: Kind, worker: Int, server: BenchServer, until deadline: ContinuousClock.Instant, every interval: Duration?,
        window: @escaping @Sendable () -> Int
    ) async throws -> Samples {
        var generator = SampleStatements(seed: 7_000 + UInt64(kind.rawValue * 100 + worker), pace: 1_000)
        let agent = #"{"mbox":"mailto:soak\#(worker)@example.com"}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let activity = "https://courses.example.com/soak".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let verb = "http://adlnet.gov/expapi/verbs/completed".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        var samples = Samples()
        var turn = 0
        let clock = ContinuousClock()
        var next = clock.now
        try await server.withConnection { connection in
            while clock.now < deadline {
                if let interval {
                    // A fixed schedule: a slow answer is not made up for by a burst afterwards.
                    next = max(next + interval, clock.now)
                    guard next < deadline else { break }
                    try await Task.sleep(until: next, clock: clock)
                }
                turn += 1
                let request: ByteBuffer
                switch kind {
                case .ingest:
                    var body: [UInt8] = [UInt8(ascii: "[")]
                    for index in 0..<10 {
                        if index > 0 { body.append(UInt8(ascii: ",")) }
                        body += generator.next()
                    }
                    body.append(UInt8(ascii: "]"))
                    request = server.request("POST", "/statements", body: body)
                case .query:
                    request = server.request("GET", turn % 2 == 0 ? "/statements?limit=50" : "/statements?verb=\(verb)&limit=20")
                case .documents:
                    let path = "/activities/state?activityId=\(activity)&agent=\(agent)&stateId=s\(turn % 50)"
                    request = turn % 2 == 0
                        ? server.request("PUT", path, body: Array(#"{"slide":\#(turn),"bookmark":"p\#(turn % 7)"}"#.utf8))
                        : server.request("GET", path)
                case .analytics:
                    request = server.request("GET", absolute: ["/analytics/outcomes", "/analytics/proficiency", "/analytics/retention/knowledge"][turn % 3])
                }
                let start = clock.now
                let window = window()
                let status = try await connection.send(request).status
                let latency = clock.now - start
                let ok = (200..<300).contains(status) || (kind == .documents && status == 404)
                samples.add(ok ? latency : nil, window: window)
            }
        }
        return samples
    }
}
