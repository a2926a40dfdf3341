/// Told what the writer does, for operators' metrics (the server's Prometheus metrics
/// implement it). Called on the writer's thread and on request tasks: keep it cheap.
public protocol WriterObserver: Sendable {
    /// A group commit finished: `statements` newly stored, from `requests` pieces of queued
    /// work (statement batches, document changes, loads, erasures).
    func committed(statements: Int, requests: Int)
    /// How much work is waiting for the writer now.
    func queueDepthChanged(_ depth: Int)
}
