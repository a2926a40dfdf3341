import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion with its standard input, output and error on pipes.
///
/// Spawned with `posix_spawn` rather than Foundation's `Process`, whose `run()` on Linux can
/// crash the calling process (it copies whole `dirent` records while listing
/// `/proc/self/fd`, reading past the end of glibc's buffer; swift-corelibs-foundation #5472,
/// fixed after Swift 6.3.1). Every pipe is close-on-exec, so a child only holds the three ends
/// it is given and never another test's pipe; input and output are moved with `poll`, so a
/// child that writes much before it reads, or to both outputs, cannot deadlock the caller.
public enum ChildProcess {
    /// How a run ended and what it wrote.
    public struct Result: Sendable {
        /// The exit status, or the number of the signal that ended the child.
        public let status: Int32
        public let standardOutput: [UInt8]
        public let standardError: [UInt8]
    }

    /// A system call that failed while starting or talking to the child.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ call: String, _ code: Int32) { description = "\(call) failed: \(String(cString: strerror(code)))" }
    }

    /// Runs `executable` with `arguments` and the caller's environment (with `environment`'s
    /// variables set over it), feeding it `input`.
    public static func run(_ executable: String, _ arguments: [String], input: [UInt8] = [], environment: [String: String] = [:]) throws -> Result {
        // A child that exits without reading all its input must not end the caller with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        // Pipes are made close-on-exec in two steps; no other spawn may fall between them.
        spawning.lock()
        let pid: pid_t, pipes: [(read: Int32, write: Int32)]
        do {
            defer { spawning.unlock() }
            pipes = try (0..<3).map { _ in try pipe() }
            let childEnds = [pipes[0].read, pipes[1].write, pipes[2].write]
            defer { childEnds.forEach { close($0) } }
            do {
                pid = try spawn(executable, arguments, standardStreams: childEnds, environment: environment)
            } catch {
                [pipes[0].write, pipes[1].read, pipes[2].read].forEach { close($0) }
                throw error
            }
        }
        let (output, errors) = exchange(input, into: pipes[0].write, from: pipes[1].read, and: pipes[2].read)
        return Result(status: try wait(for: pid), standardOutput: output, standardError: errors)
    }

    private static let spawning = NSLock()

    /// Starts the child with `standardStreams` as its descriptors 0, 1 and 2 and default signal handling.
    private static func spawn(_ executable: String, _ arguments: [String], standardStreams: [Int32], environment: [String: String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, descriptor) in standardStreams.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, descriptor, Int32(target))
        }
        // Every signal at its default and none blocked: the caller (or a library in it) may
        // ignore SIGPIPE or SIGTERM, and an ignored signal would stay ignored in the child.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let variables = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw Failure("posix_spawn \(executable)", spawned) }
        return pid
    }

    /// A pipe whose two ends are closed on exec (a child gets only what it is given).
    private static func pipe() throws -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [-1, -1]
        guard Glibc.pipe(&descriptors) == 0 else { throw Failure("pipe", errno) }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        return (descriptors[0], descriptors[1])
    }

    /// Writes `input` and reads both outputs until the child closes them; closes all three.
    private static func exchange(_ input: [UInt8], into inputDescriptor: Int32, from outputDescriptor: Int32, and errorDescriptor: Int32)
        -> ([UInt8], [UInt8])
    {
        var inputOpen = true, written = 0
        var outputs: [Int32: [UInt8]] = [outputDescriptor: [], errorDescriptor: []]
        var open: Set<Int32> = [outputDescriptor, errorDescriptor]
        if input.isEmpty { close(inputDescriptor); inputOpen = false }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while inputOpen || !open.isEmpty {
            var watched = open.sorted().map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if inputOpen { watched.append(pollfd(fd: inputDescriptor, events: Int16(POLLOUT), revents: 0)) }
            guard poll(&watched, nfds_t(watched.count), -1) >= 0 || errno == EINTR else { break }
            for entry in watched where entry.revents != 0 {
                if entry.fd == inputDescriptor {
                    // POLLOUT on a pipe promises room for PIPE_BUF bytes.
                    let chunk = min(input.count - written, Int(PIPE_BUF))
                    let count = input.withUnsafeBytes { write(inputDescriptor, $0.baseAddress! + written, chunk) }
                    if count > 0 { written += count }
                    if written == input.count || (count < 0 && errno != EINTR && errno != EAGAIN) {
                        close(inputDescriptor)
                        inputOpen = false
                    }
                } else {
                    let count = read(entry.fd, &buffer, buffer.count)
                    if count > 0 {
                        outputs[entry.fd, default: []] += buffer[0..<count]
                    } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                        close(entry.fd)
                        open.remove(entry.fd)
                    }
                }
            }
        }
        return (outputs[outputDescriptor] ?? [], outputs[errorDescriptor] ?? [])
    }

    /// Waits for the child to end: its exit status, or the signal that ended it.
    private static func wait(for pid: pid_t) throws -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Failure("waitpid", errno) }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : signal
    }
}
