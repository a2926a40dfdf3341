import Logging
import ServiceLifecycle
import TesseraLRS

/// The store as a service of `tessera serve`'s service group: it runs until the group shuts
/// down, then (after the HTTP server, which is later in the group, has finished its requests)
/// closes the store: its queued writes are committed.
struct StoreService: Service {
    /// The database, as logs name it.
    let database: String
    /// Closes the store (it does not block the calling thread).
    let close: @Sendable () async -> Void
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        await close()
        logger.notice("Tessera stopped: every acknowledged statement is committed", metadata: ["database": "\(database)"])
    }
}

/// Checks every page of the database once after start, while the server runs, and says what it
/// found; a damaged file makes `/ready` answer 503. Ends early, unfinished, on shutdown.
struct IntegrityCheckService: Service {
    let store: any StoreHealth
    /// The database, as logs name it.
    let database: String
    let logger: Logger

    func run() async throws {
        let started = ContinuousClock.now
        do {
            let problems = try await cancelWhenGracefulShutdown { try await store.checkIntegrity() }
            let seconds = "\((ContinuousClock.now - started).components.seconds)"
            if problems.isEmpty {
                logger.notice("database integrity check passed", metadata: ["seconds": "\(seconds)"])
            } else {
                logger.critical(
                    "the database file is damaged: /ready now answers 503; stop the server and restore a backup (docs/operations.md)",
                    metadata: ["problems": "\(problems.joined(separator: "; "))", "database": "\(database)"])
            }
        } catch is CancellationError {
            return
        } catch {
            logger.error("the database integrity check could not run", metadata: ["error": "\(error)"])
        }
    }
}
