import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A bare TCP connection to the server for requests no HTTP client library would send:
/// malformed heads, oversized headers, bytes trickled slowly. Reads block, so they run on a
/// thread of their own: a blocked cooperative thread would starve the server under test, which
/// answers on the same threads (two, on a two-core machine). Used by one task at a time.
final class RawHTTPConnection: @unchecked Sendable {
    private let socket: Int32

    /// Connects to 127.0.0.1:`port`; reads give up after `timeout` seconds without data (long
    /// enough for a first request that waits behind the key derivations of tests running in
    /// parallel on a busy machine).
    init(port: Int, timeout: Int = 30) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(socket); throw Failure("connect: \(errno)") }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(socket) }

    /// Sends `bytes`; false when the server has closed the connection.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { return false }
            sent += count
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Everything the server sends until it closes the connection, or until a read times out.
    func receiveAll() async -> [UInt8] {
        await Self.blocking { self.receiveAllBlocking() }
    }

    private func receiveAllBlocking() -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return received
    }

    /// One response read after the request: status code and body (the server closes after it,
    /// since requests here send `Connection: close` or are refused).
    func response() async -> (status: Int?, body: String) {
        let text = String(decoding: await receiveAll(), as: UTF8.self)
        let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return (status, body)
    }

    /// True when the server has closed the connection: a read returns end of file at once.
    func isClosedByServer() async -> Bool {
        await Self.blocking {
            var byte: UInt8 = 0
            return recv(self.socket, &byte, 1, 0) == 0
        }
    }

    /// Runs `body`, which blocks, on a new thread, off Swift's cooperative threads.
    private static func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
