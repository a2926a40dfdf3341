import Foundation

/// Reads a file of statements in pieces, whatever its size: NDJSON (one statement per line),
/// statements one after another, or JSON arrays of statements. Yields each statement's bytes
/// and where it starts in the file; the JSON inside is checked later, by the statement reader.
struct StatementFileReader {
    /// One statement's bytes and its byte offset in the file.
    struct Item {
        let offset: Int64
        let bytes: [UInt8]
    }

    /// What makes the file unreadable as statements.
    struct Malformed: Error, CustomStringConvertible {
        let offset: Int64
        let reason: String
        var description: String { "at byte \(offset): \(reason)" }
    }

    private let handle: FileHandle
    /// Bytes read and not yet handed out, starting at file offset `bufferOffset`.
    private var buffer: [UInt8] = []
    private var bufferOffset: Int64
    private var position = 0
    private var atEnd = false
    /// Nesting of `[` around the statements (top-level arrays), outside any statement.
    private var arrayDepth = 0

    /// Largest statement accepted (as the HTTP body limit).
    static let maxStatementBytes = 16 << 20

    /// Reads `path` from byte `offset` (a statement's start, or 0).
    init(path: String, from offset: Int64) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Malformed(offset: 0, reason: "cannot read \(path)") }
        try handle.seek(toOffset: UInt64(offset))
        self.handle = handle
        bufferOffset = offset
    }

    /// The next statement, or nil at the end of the file.
    mutating func next() throws -> Item? {
        compact()
        while true {
            guard let byte = try peek() else {
                if arrayDepth > 0 { throw Malformed(offset: offset(position), reason: "the file ends inside a JSON array") }
                return nil
            }
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","): position += 1
            case UInt8(ascii: "["):
                arrayDepth += 1
                position += 1
            case UInt8(ascii: "]") where arrayDepth > 0:
                arrayDepth -= 1
                position += 1
            case UInt8(ascii: "{"): return try object()
            default: throw Malformed(offset: offset(position), reason: "expected a statement (a JSON object), found '\(Character(Unicode.Scalar(byte)))'")
            }
        }
    }

    /// The object starting at `position`, found by matching braces outside strings.
    private mutating func object() throws -> Item {
        let start = position
        var depth = 0
        var inString = false
        var escaped = false
        var index = position
        while true {
            if index - start > Self.maxStatementBytes {
                throw Malformed(offset: offset(start), reason: "a statement is larger than \(Self.maxStatementBytes) bytes")
            }
            guard try index < buffer.count || fill() else {
                throw Malformed(offset: offset(start), reason: "the file ends inside a statement")
            }
            let byte = buffer[index]
            index += 1
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    position = index
                    return Item(offset: offset(start), bytes: Array(buffer[start..<index]))
                }
            default: break
            }
        }
    }

    private func offset(_ index: Int) -> Int64 { bufferOffset + Int64(index) }

    private mutating func peek() throws -> UInt8? {
        if position >= buffer.count, !(try fill()) { return nil }
        return buffer[position]
    }

    /// Appends the next piece of the file to the buffer; false at the end.
    private mutating func fill() throws -> Bool {
        guard !atEnd else { return false }
        guard let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty else {
            atEnd = true
            return false
        }
        buffer.append(contentsOf: chunk)
        return true
    }

    /// Drops what was handed out, once it is a megabyte (between statements only, so that
    /// indexes into the buffer stay valid while one is read).
    private mutating func compact() {
        guard position >= 1 << 20 else { return }
        buffer.removeSubrange(0..<position)
        bufferOffset += Int64(position)
        position = 0
    }
}
