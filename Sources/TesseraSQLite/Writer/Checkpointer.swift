import TesseraLRS
import Foundation
import Logging

/// Copies committed WAL pages back into the database file on its own thread and connection,
/// so that the writer spends its time inserting rather than checkpointing.
///
/// The writer asks for a checkpoint after each commit; requests that arrive while one runs
/// or during the pause after it are folded into the next, so a page rewritten by many commits
/// is copied once per pause rather than once per commit. Checkpoints are PASSIVE: they never block the writer or readers,
/// and a checkpoint that catches up with the log lets the writer restart the WAL from its
/// beginning at its next commit. The writer keeps a large automatic-checkpoint threshold as a
/// safety net in case this thread falls behind.
final class Checkpointer: @unchecked Sendable {
    private let connection: SQLiteConnection
    private let logger: Logger
    private let condition = NSCondition()
    private var requested = false
    private var stopping = false
    private var finished = false
    private let pause: TimeInterval

    /// A checkpointer on `connection` that waits `pause` seconds after each checkpoint.
    init(connection: SQLiteConnection, pause: TimeInterval = 0.5, logger: Logger) {
        self.connection = connection
        self.pause = pause
        self.logger = logger
    }

    func start() {
        Thread { [self] in run() }.start()
    }

    /// Asks for a checkpoint soon; returns at once.
    func request() {
        condition.lock()
        requested = true
        condition.signal()
        condition.unlock()
    }

    /// Runs a last checkpoint and stops the thread.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while true {
            while !requested && !stopping { condition.wait() }
            let last = stopping
            requested = false
            condition.unlock()
            do {
                try connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            } catch {
                logger.warning("checkpoint failed", metadata: ["error": "\(error)"])
            }
            condition.lock()
            if last { break }
            let resume = Date(timeIntervalSinceNow: pause)
            while !stopping && condition.wait(until: resume) {}
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
