#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered command output on stdout (results, not logs: logs go through swift-log).
public struct StandardOutput {
    private var buffer: [UInt8] = []
    private static let flushThreshold = 1 << 16

    /// An empty buffer.
    public init() {
        buffer.reserveCapacity(Self.flushThreshold)
    }

    /// Appends the bytes and a newline; writes out when the buffer is full.
    public mutating func writeLine(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        buffer.append(0x0A)
        if buffer.count >= Self.flushThreshold { flush() }
    }

    /// Appends a line of text.
    public mutating func writeLine(_ text: String) {
        writeLine(Array(text.utf8))
    }

    /// Writes everything buffered to file descriptor 1.
    public mutating func flush() {
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            if written <= 0 {
                if written < 0 && errno == EINTR { continue }
                break
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
