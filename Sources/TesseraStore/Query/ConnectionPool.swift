import Foundation

/// Read-only connections, checked out one per query.
final class ConnectionPool: @unchecked Sendable {
    private let lock = NSCondition()
    private var idle: [SQLiteConnection]

    init(_ connections: [SQLiteConnection]) {
        idle = connections
    }

    /// Runs `body` with a connection of its own, waiting for one if all are busy.
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
}
