/// A `multipart/mixed` body (RFC 2046) as xAPI uses it for statements with attachments: the
/// statements in the first part, one attachment in each part after it.
public struct MultipartBody: Sendable {
    /// One body part.
    public struct Part: Sendable {
        /// Header fields in order, names as sent.
        public let headers: [(name: String, value: String)]
        /// The part's content (octets between its headers and the next delimiter).
        public let content: [UInt8]

        /// The value of header `name` (case-insensitive), if present.
        public func header(_ name: String) -> String? {
            let lowered = name.lowercased()
            return headers.first { $0.name.lowercased() == lowered }?.value
        }
    }

    /// The parts in order.
    public let parts: [Part]

    /// Why a body is not a well-formed multipart body.
    public struct Malformed: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, for the error response.
        public let reason: String
        public var description: String { reason }
    }

    /// The `boundary` parameter of a `Content-Type` value, unquoted; nil when absent or not a
    /// valid boundary (1 to 70 characters, RFC 2046).
    public static func boundary(ofContentType contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingWhitespace().lowercased() == "boundary" else { continue }
            var value = pair[1].trimmingWhitespace()
            if value.count >= 2, value.first == "\"", value.last == "\"" { value = String(value.dropFirst().dropLast()) }
            return (1...70).contains(value.utf8.count) ? String(value) : nil
        }
        return nil
    }

    /// Splits `body` at `boundary`. Text before the first delimiter (the preamble) and after the
    /// closing one (the epilogue) is ignored, as RFC 2046 says.
    public init(parsing body: [UInt8], boundary: String, maxParts: Int = 100, maxHeaderBytes: Int = 8192) throws(Malformed) {
        let delimiter = Array("--\(boundary)".utf8)
        let separator = [UInt8(ascii: "\r"), UInt8(ascii: "\n")] + delimiter
        // The first delimiter starts the body or a line.
        var position: Int
        if body.starts(with: delimiter) {
            position = delimiter.count
        } else if let found = Self.find(separator, in: body, from: 0) {
            position = found + separator.count
        } else {
            throw Malformed(reason: "the body has no delimiter line for the boundary \"\(boundary)\"")
        }
        var parts: [Part] = []
        while true {
            // After a delimiter: "--" closes the body; otherwise optional spaces, then CRLF.
            if body[position...].starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) { break }
            while position < body.count, body[position] == UInt8(ascii: " ") || body[position] == UInt8(ascii: "\t") {
                position += 1
            }
            guard body[position...].starts(with: [13, 10]) else {
                throw Malformed(reason: "a delimiter line must end with CRLF")
            }
            position += 2
            guard parts.count < maxParts else { throw Malformed(reason: "more than \(maxParts) parts") }
            guard let next = Self.find(separator, in: body, from: position) else {
                throw Malformed(reason: "part \(parts.count) is not followed by a delimiter (or the closing one is missing)")
            }
            parts.append(try Self.part(body[position..<next], index: parts.count, maxHeaderBytes: maxHeaderBytes))
            position = next + separator.count
        }
        self.parts = parts
    }

    /// One part: header lines up to an empty line, then the content.
    private static func part(_ bytes: ArraySlice<UInt8>, index: Int, maxHeaderBytes: Int) throws(Malformed) -> Part {
        let headerEnd: Int
        let contentStart: Int
        if bytes.starts(with: [13, 10]) {
            headerEnd = bytes.startIndex
            contentStart = bytes.startIndex + 2
        } else if let blank = find([13, 10, 13, 10], in: bytes, from: bytes.startIndex) {
            headerEnd = blank
            contentStart = blank + 4
        } else {
            throw Malformed(reason: "part \(index) has no empty line after its headers")
        }
        guard headerEnd - bytes.startIndex <= maxHeaderBytes else {
            throw Malformed(reason: "the headers of part \(index) exceed \(maxHeaderBytes) bytes")
        }
        var headers: [(name: String, value: String)] = []
        for line in bytes[bytes.startIndex..<headerEnd].split(separator: 10, omittingEmptySubsequences: true) {
            let text = String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
                throw Malformed(reason: "part \(index) has a header line without a name and colon: \"\(text.prefix(60))\"")
            }
            headers.append((String(text[..<colon]).trimmingWhitespace(), String(text[text.index(after: colon)...]).trimmingWhitespace()))
        }
        return Part(headers: headers, content: Array(bytes[contentStart...]))
    }

    /// The index of the first occurrence of `needle` in `haystack` at or after `start`.
    private static func find<C: RandomAccessCollection<UInt8>>(_ needle: [UInt8], in haystack: C, from start: C.Index) -> C.Index?
    where C.Index == Int {
        guard let first = needle.first, haystack.endIndex - start >= needle.count else { return nil }
        var index = start
        let last = haystack.endIndex - needle.count
        while index <= last {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
