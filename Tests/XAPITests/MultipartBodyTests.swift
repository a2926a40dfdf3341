import Testing
import XAPI

/// The multipart/mixed reader (RFC 2046) used for statements with attachments.
struct MultipartBodyTests {
    private func parts(_ text: String, boundary: String = "b", maxParts: Int = 100) throws -> [MultipartBody.Part] {
        try MultipartBody(parsing: Array(text.utf8), boundary: boundary, maxParts: maxParts).parts
    }

    @Test func readsPartsIgnoringPreambleAndEpilogue() throws {
        let found = try parts("preamble\r\n--b\r\nContent-Type: a/b\r\nX-Two:  2 \r\n\r\nfirst\r\n--b\r\n\r\nsecond\r\nline\r\n--b--\r\nepilogue")
        #expect(found.count == 2)
        #expect(found[0].header("content-type") == "a/b")
        #expect(found[0].header("X-TWO") == "2")
        #expect(found[0].content == Array("first".utf8))
        #expect(found[1].headers.isEmpty)
        #expect(found[1].content == Array("second\r\nline".utf8))
    }

    @Test func contentMayHoldAnythingButTheDelimiterLine() throws {
        // CRLF and the delimiter inside the content end the part there; what follows is then
        // not a delimiter line, so the body is refused rather than split in the wrong place.
        let body = Array("--b\r\n\r\n".utf8) + [0, 13, 10, 45, 45, 98, 98] + Array("\r\n--b--".utf8)
        #expect(throws: MultipartBody.Malformed.self) { try MultipartBody(parsing: body, boundary: "b") }
        let safe = Array("--b\r\n\r\n".utf8) + [0, 13, 10, 45, 0xFF] + Array("\r\n--b--".utf8)
        #expect(try MultipartBody(parsing: safe, boundary: "b").parts[0].content == [0, 13, 10, 45, 0xFF])
    }

    @Test func rejectsMalformedBodies() {
        let malformed = [
            "no delimiter at all",
            "--b\r\nContent-Type: a/b\r\n\r\nunterminated",
            "--b\r\nHeader without colon\r\n\r\nx\r\n--b--",
            "--b\r\n: empty name\r\n\r\nx\r\n--b--",
            "--bjunk\r\n\r\nx\r\n--b--",
        ]
        for text in malformed {
            #expect(throws: MultipartBody.Malformed.self, "\(text)") { try parts(text) }
        }
        #expect(throws: MultipartBody.Malformed.self) { try parts("--b\r\n\r\n1\r\n--b\r\n\r\n2\r\n--b--", maxParts: 1) }
    }

    @Test func boundaryParameter() {
        #expect(MultipartBody.boundary(ofContentType: "multipart/mixed; boundary=abc") == "abc")
        #expect(MultipartBody.boundary(ofContentType: #"multipart/mixed; charset=x; Boundary="a b""#) == "a b")
        #expect(MultipartBody.boundary(ofContentType: "multipart/mixed") == nil)
        #expect(MultipartBody.boundary(ofContentType: "multipart/mixed; boundary=") == nil)
        #expect(MultipartBody.boundary(ofContentType: "multipart/mixed; boundary=" + String(repeating: "x", count: 71)) == nil)
    }
}
