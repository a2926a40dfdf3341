import Foundation
import NIOPosix
import Synchronization

/// Read-only connections, each query on a thread of the pool's own (as many threads as
/// connections, so a thread never waits for a connection): queries never run on Swift's
/// cooperative threads, and a cancelled request interrupts its query (`sqlite3_interrupt`).
final class ConnectionPool: @unchecked Sendable {
    private let lock = NSCondition()
    private var idle: [SQLiteConnection]
    private let threads: NIOThreadPool

    init(_ connections: [SQLiteConnection]) {
        idle = connections
        threads = NIOThreadPool(numberOfThreads: connections.count)
        threads.start()
    }

    /// Runs `body` with a connection of its own on one of the pool's threads.
    func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await runInterruptibly(on: threads) { [self] running in
            try withConnection { connection in
                try running.start(on: connection)
                defer { running.finish() }
                return try body(connection)
            }
        }
    }

    /// Runs `body` with a connection of its own on the calling thread, waiting for one if all
    /// are busy (for work already off the cooperative threads).
    func withConnection<T>(_ body: (SQLiteConnection) throws -> T) rethrows -> T {
        lock.lock()
        while idle.isEmpty { lock.wait() }
        let connection = idle.removeLast()
        lock.unlock()
        defer {
            connection.finishStatements()
            lock.lock()
            idle.append(connection)
            lock.signal()
            lock.unlock()
        }
        return try body(connection)
    }

    /// Stops the threads once their queries are done.
    func close() {
        try? threads.syncShutdownGracefully()
    }
}

/// The connection a query runs on, so that cancelling its task can interrupt it.
/// Runs `body` on one of `threads`; cancelling the calling task interrupts the SQLite
/// connection `body` registers with the `RunningQuery` (`sqlite3_interrupt`), so that its
/// statement stops at once with `SQLITE_INTERRUPT`.
func runInterruptibly<T: Sendable>(on threads: NIOThreadPool, _ body: @escaping @Sendable (RunningQuery) throws -> T) async throws -> T {
    let running = RunningQuery()
    return try await withTaskCancellationHandler {
        try await threads.runIfActive { try body(running) }
    } onCancel: {
        running.cancel()
    }
}

/// The connection a query runs on, for interrupting it from another thread.
final class RunningQuery: Sendable {
    private enum State {
        case waiting
        case running(SQLiteConnection)
        case finished
        case cancelled
    }

    private let state = Mutex<State>(.waiting)

    func start(on connection: SQLiteConnection) throws {
        try state.withLock { state in
            if case .cancelled = state { throw CancellationError() }
            state = .running(connection)
        }
    }

    func finish() {
        state.withLock { $0 = .finished }
    }

    func cancel() {
        state.withLock { state in
            if case .running(let connection) = state { connection.interrupt() }
            if case .finished = state { return }
            state = .cancelled
        }
    }
}
