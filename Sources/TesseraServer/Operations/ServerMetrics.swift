import Prometheus
import TesseraStore

/// The server's Prometheus metrics (`GET /metrics`, docs/operations.md): requests and their
/// latency by route, statements stored, the writer's queue depth and group-commit sizes, and
/// the database's size on disk. One instance per server; the store reports to it as its
/// `WriterObserver`.
public final class ServerMetrics: WriterObserver {
    private let registry = PrometheusCollectorRegistry()
    private let statementsStored: Counter
    private let queueDepth: Gauge
    private let commitStatements: ValueHistogram
    private let commitRequests: ValueHistogram
    private let databaseSize: Gauge

    /// Latency buckets, in seconds: from a cached read to a large batch or export.
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    public init() {
        statementsStored = registry.makeCounter(
            name: "tessera_statements_stored_total", help: "Statements stored since the server started (same-id repeats not counted).")
        queueDepth = registry.makeGauge(name: "tessera_writer_queue_depth", help: "Writes waiting for the writer.")
        commitStatements = registry.makeValueHistogram(
            name: "tessera_writer_commit_statements", buckets: [0, 1, 10, 100, 500, 1_000, 5_000, 10_000, 50_000],
            help: "Statements stored per group commit.")
        commitRequests = registry.makeValueHistogram(
            name: "tessera_writer_commit_requests", buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
            help: "Pieces of work (batches, document changes) per group commit.")
        databaseSize = registry.makeGauge(
            name: "tessera_database_size_bytes", help: "The database file and its write-ahead log, in bytes.")
    }

    /// Counts a request and its latency under its route (`path` is a known route or "other",
    /// so that random URLs cannot make new series).
    func request(method: String, path: String, status: Int, duration: Duration) {
        registry.makeCounter(
            name: "tessera_http_requests_total", labels: [("method", method), ("path", path), ("status", String(status))],
            help: "HTTP requests answered."
        ).increment()
        registry.makeDurationHistogram(
            name: "tessera_http_request_duration_seconds", labels: [("method", method), ("path", path)], buckets: Self.latencyBuckets,
            help: "Time from receiving a request to its response head."
        ).record(duration)
    }

    public func committed(statements: Int, requests: Int) {
        statementsStored.increment(by: Int64(statements))
        commitStatements.record(Double(statements))
        commitRequests.record(Double(requests))
    }

    public func queueDepthChanged(_ depth: Int) {
        queueDepth.set(Int64(depth))
    }

    /// The exposition text, with the database size read now.
    func exposition(databaseBytes: Int64) -> [UInt8] {
        databaseSize.set(databaseBytes)
        return registry.emitToBuffer()
    }
}
