import NIOCore
import NIOPosix

/// Whether `tessera serve` can listen where it was told to, checked before it opens the
/// database or creates a credential, and said plainly when it cannot.
enum ListeningAddress {
    /// Binds `host:port` and lets it go again; throws a `CommandFailure` saying what is wrong.
    static func ensureFree(host: String, port: Int) async throws {
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
            try await channel.close()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw CommandFailure(description: "cannot listen on \(host):\(port): the port is in use (another Tessera, or another program, listens there); stop it or choose another --port")
        } catch let error as IOError where error.errnoCode == EACCES {
            throw CommandFailure(description: "cannot listen on \(host):\(port): not allowed (ports below 1024 need privileges); choose another --port")
        } catch let error as IOError where error.errnoCode == EADDRNOTAVAIL {
            throw CommandFailure(description: "cannot listen on \(host):\(port): this machine has no such address; check --host")
        } catch let error as SocketAddressError {
            throw CommandFailure(description: "cannot listen on \(host):\(port): \(error); check --host")
        }
    }
}
