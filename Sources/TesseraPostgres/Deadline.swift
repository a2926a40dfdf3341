import TesseraLRS

/// Runs `body`, giving up after `seconds`: the pool waits for a connection as long as the
/// database is unreachable, and a request should be answered (503) rather than held. `body` is
/// cancelled then (postgres-nio gives up its wait for a connection on cancellation).
func withDeadline<T: Sendable>(seconds: Int, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw StoreError.unavailable }
        return value
    }
}
