import TesseraLRS
import Foundation

/// Keeps a second process from writing the same database: the writer's in-memory state (the
/// chain head, interned ids, analytics caches) assumes it is the only one. An advisory
/// `flock` on the database file, held while the store is open and released by the kernel if
/// the process dies; SQLite's own locks (`fcntl`) are separate and unaffected.
final class WriterLock: @unchecked Sendable {
    /// Another process holds the database open for writing.
    struct Held: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "another Tessera process (a running server?) has \(path) open for writing; stop it first, or use its HTTP API"
        }
    }

    // Changed only by `release`, which the store calls once, from `close`.
    private var descriptor: Int32

    /// Takes the lock on the database at `path`, which must exist; throws `Held` at once if
    /// another process has it.
    init(path: String) throws {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw Held(path: path)
        }
    }

    /// Lets another process open the database for writing.
    func release() {
        guard descriptor >= 0 else { return }
        // Unlocked before closing: a child process being spawned at this moment shares the
        // descriptor until its exec closes it, and would otherwise keep the lock that long.
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit {
        release()
    }
}
