import NIOCore
import NIOPosix

/// One keep-alive HTTP/1.1 connection for the benchmarks: writes a request and reads back
/// status and body, nothing more. The load generator shares the machine with the server, so it
/// does as little work per request as it can (no header objects, no connection pool); request
/// bytes can be built before the clock starts.
struct BenchConnection {
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private var pending = ByteBuffer()

    /// Connects to `port` on 127.0.0.1, runs `body` with the connection, then closes it.
    static func with<Result: Sendable>(
        port: Int, _ body: (inout BenchConnection) async throws -> Result
    ) async throws -> Result {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = BenchConnection(outbound: outbound, inbound: inbound.makeAsyncIterator())
            return try await body(&connection)
        }
    }

    /// The bytes of a request with the benchmark's headers.
    static func request(
        _ method: String, _ target: String, port: Int, authorization: String, body: [UInt8]? = nil,
        contentType: String = "application/json"
    ) -> ByteBuffer {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: \(authorization)\r\n"
            + "X-Experience-API-Version: 1.0.3\r\n"
        if let body { head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n" }
        var buffer = ByteBuffer(string: head + "\r\n")
        if let body { buffer.writeBytes(body) }
        return buffer
    }

    /// Sends `request` and waits for the whole response.
    mutating func send(_ request: ByteBuffer) async throws -> (status: Int, body: ByteBuffer) {
        try await outbound.write(request)
        while true {
            if let response = try Self.takeResponse(from: &pending) { return response }
            guard var chunk = try await inbound.next() else { throw BenchError("the server closed the connection") }
            pending.writeBuffer(&chunk)
        }
    }

    /// A complete response taken off the front of `buffer`, or nil when more bytes are needed.
    /// Handles Content-Length and chunked bodies.
    static func takeResponse(from buffer: inout ByteBuffer) throws -> (status: Int, body: ByteBuffer)? {
        let bytes = buffer.readableBytesView
        guard let headEnd = bytes.firstRange(of: [13, 10, 13, 10]) else { return nil }
        let head = String(decoding: bytes[bytes.startIndex..<headEnd.lowerBound], as: UTF8.self).lowercased()
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.count >= 12, let status = Int(statusLine.dropFirst(9).prefix(3)) else {
            throw BenchError("not an HTTP response: \(head.prefix(80))")
        }
        func header(_ name: String) -> Substring? {
            lines.first { $0.hasPrefix(name + ":") }?.dropFirst(name.count + 1).drop { $0 == " " }
        }
        var offset = headEnd.upperBound - bytes.startIndex
        var body = ByteBuffer()
        if let length = header("content-length").flatMap({ Int($0) }) {
            guard buffer.readableBytes >= offset + length else { return nil }
            body = buffer.getSlice(at: buffer.readerIndex + offset, length: length)!
            offset += length
        } else if header("transfer-encoding") == "chunked" {
            while true {
                let rest = bytes.dropFirst(offset)
                guard let lineEnd = rest.firstRange(of: [13, 10]) else { return nil }
                let sizeText = String(decoding: rest[rest.startIndex..<lineEnd.lowerBound], as: UTF8.self)
                guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16) else {
                    throw BenchError("bad chunk size \(sizeText)")
                }
                let dataStart = lineEnd.upperBound - bytes.startIndex
                guard buffer.readableBytes >= dataStart + size + 2 else { return nil }
                if size == 0 {
                    offset = dataStart + 2
                    break
                }
                var chunk = buffer.getSlice(at: buffer.readerIndex + dataStart, length: size)!
                body.writeBuffer(&chunk)
                offset = dataStart + size + 2
            }
        }
        buffer.moveReaderIndex(forwardBy: offset)
        buffer.discardReadBytes()
        return (status, body)
    }
}
