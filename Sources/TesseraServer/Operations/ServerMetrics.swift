import Prometheus
import TesseraLRS

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
        statementsStored = registry.makeCounter(descriptor: Self.name(
            nil, "statements_stored", "total", "Statements stored since the server started (same-id repeats not counted)."))
        queueDepth = registry.makeGauge(descriptor: Self.name("writer", "queue", "depth", "Writes waiting for the writer."))
        commitStatements = registry.makeValueHistogram(
            descriptor: Self.name("writer", "commit", "statements", "Statements stored per group commit."),
            buckets: [0, 1, 10, 100, 500, 1_000, 5_000, 10_000, 50_000])
        commitRequests = registry.makeValueHistogram(
            descriptor: Self.name("writer", "commit", "requests", "Pieces of work (batches, document changes) per group commit."),
            buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256])
        databaseSize = registry.makeGauge(
            descriptor: Self.name("database", "size", "bytes", "The database file and its write-ahead log, in bytes."))
    }

    private static var requestsName: MetricNameDescriptor { name("http", "requests", "total", "HTTP requests answered.") }
    private static var durationName: MetricNameDescriptor {
        name("http", "request_duration", "seconds", "Time from receiving a request to its response head.")
    }

    /// `tessera_SUBSYSTEM_METRIC_UNIT`.
    private static func name(_ subsystem: String?, _ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "tessera", subsystem: subsystem, metricName: metric, unitName: unit, helpText: help)
    }

    /// Counts a request and its latency under its route (`path` is a known route or "other",
    /// so that random URLs cannot make new series).
    func request(method: String, path: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: Self.requestsName, labels: [("method", method), ("path", path), ("status", String(status))])
            .increment()
        registry.makeDurationHistogram(descriptor: Self.durationName, labels: [("method", method), ("path", path)], buckets: Self.latencyBuckets)
            .record(duration)
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
    func exposition(databaseBytes: Int64?) -> [UInt8] {
        if let databaseBytes { databaseSize.set(databaseBytes) }
        return registry.emitToBuffer()
    }
}
