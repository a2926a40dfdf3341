import Testing
@testable import XAPI

/// The byte-level JSON reader: RFC 8259 strictness, limits, and hostile input.
struct JSONReaderTests {
    private func syntaxError(_ bytes: [UInt8], limits: JSONLimits = .default) -> JSONSyntaxError? {
        do {
            _ = try JSONDocument.parse(bytes, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    private func syntaxError(_ text: String) -> JSONSyntaxError? { syntaxError(Array(text.utf8)) }

    @Test func readsEveryKindOfValue() throws {
        let document = try JSONDocument.parse(#"{"a":[1,-2.5e3,true,false,null,"x\"\u00e9\ud83d\ude00"],"b":{}}"#)
        let root = document.root
        #expect(root.kind == .object)
        #expect(root.count == 2)
        let array = try #require(root["a"])
        let elements = Array(array.elements)
        #expect(elements.count == 6)
        #expect(elements[0].numberLiteral == "1")
        #expect(elements[0].isIntegerLiteral)
        #expect(elements[1].double == -2500)
        #expect(!elements[1].isIntegerLiteral)
        #expect(elements[2].bool == true)
        #expect(elements[3].bool == false)
        #expect(elements[4].kind == .null)
        #expect(elements[5].string == "x\"é😀")
        #expect(root["b"]?.kind == .object)
        #expect(root["b"]?.count == 0)
        #expect(root["missing"] == nil)
    }

    @Test func skipsNestedSubtreesWhenIterating() throws {
        let document = try JSONDocument.parse(#"{"x":{"y":[1,[2,{"z":3}]]},"after":"yes"}"#)
        let keys = document.root.members.map(\.key)
        #expect(keys == ["x", "after"])
        #expect(document.root["after"]?.string == "yes")
    }

    @Test func acceptsScalarsAtTheTopAndSurroundingWhitespace() throws {
        #expect(try JSONDocument.parse(" \n\t42\r\n").root.double == 42)
        #expect(try JSONDocument.parse("\"s\"").root.string == "s")
    }

    @Test(arguments: [
        ("", "unexpected end of input"),
        ("{", "expected a string key"),
        (#"{"a":1"#, "unexpected end of input"),
        (#"{"a" 1}"#, "expected ':'"),
        ("[1,]", "unexpected character"),
        ("[1 2]", "expected ',' or ']'"),
        ("01", "leading zeros"),
        ("1.", "invalid number fraction"),
        ("1e", "invalid number exponent"),
        ("-", "invalid number"),
        ("+1", "unexpected character"),
        ("NaN", "unexpected character"),
        ("Infinity", "unexpected character"),
        ("-Infinity", "invalid number"),
        ("1e309", "out of range"),
        ("-1e400", "out of range"),
        ("tru", "invalid literal"),
        ("nul", "invalid literal"),
        (#""abc"#, "unterminated string"),
        (#""\x""#, "invalid escape"),
        (#""\u12""#, "truncated \\u escape"),
        (#""\u12zz""#, "invalid hex digit"),
        (#""\udc00""#, "unpaired UTF-16 surrogate"),
        (#""\ud800x""#, "unpaired UTF-16 surrogate"),
        (#""\ud800\u0041""#, "unpaired UTF-16 surrogate"),
        (#"{"a":1,"a":2}"#, "duplicate key \"a\""),
        (#"{"a":1,"\u0061":2}"#, "duplicate key \"a\""),
        ("[] []", "unexpected data after"),
        ("// comment\n{}", "unexpected character"),
    ])
    func rejectsMalformedText(text: String, reason: String) {
        let error = syntaxError(text)
        #expect(error?.reason.contains(reason) == true, "\(text): \(String(describing: error))")
    }

    @Test func detectsDuplicatesInLargeObjects() {
        let members = (0..<40).map { "\"k\($0)\":\($0)" } + ["\"k7\":0"]
        let error = syntaxError("{" + members.joined(separator: ",") + "}")
        #expect(error?.reason == "duplicate key \"k7\"")
    }

    @Test(arguments: [
        [0x22, 0xFF, 0x22],  // invalid byte
        [0x22, 0xC0, 0xAF, 0x22],  // overlong "/"
        [0x22, 0xE0, 0x80, 0xAF, 0x22],  // overlong 3-byte
        [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-8 encoded surrogate
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
        [0x22, 0xE2, 0x82, 0x22],  // truncated sequence
        [0x22, 0x80, 0x22],  // lone continuation byte
        [0x22, 0x01, 0x22],  // raw control character
        [0xEF, 0xBB, 0xBF, 0x7B, 0x7D],  // byte order mark
    ] as [[UInt8]])
    func rejectsBadUTF8(bytes: [UInt8]) {
        #expect(syntaxError(bytes) != nil)
    }

    @Test func acceptsEveryUTF8Length() throws {
        let text = "aé€😀"
        let document = try JSONDocument.parse(Array(("\"" + text + "\"").utf8))
        #expect(document.root.string == text)
    }

    @Test func boundsNestingDepthWithoutRecursingDeeply() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(syntaxError(deep)?.reason == "nesting deeper than 64 levels")
        let limit = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(syntaxError(limit) == nil)
    }

    @Test func boundsStringLengthWith50MegabyteStrings() {
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 50 << 20)
        bytes[0] = UInt8(ascii: "\"")
        bytes[bytes.count - 1] = UInt8(ascii: "\"")
        #expect(syntaxError(bytes)?.reason == "string longer than \(8 << 20) bytes")
    }

    @Test func boundsDocumentSizeAndNumberLength() {
        let small = JSONLimits(maxBytes: 10, maxDepth: 4, maxStringBytes: 4, maxNumberLength: 5)
        #expect(syntaxError(Array("[1,2,3,4,5,6]".utf8), limits: small)?.reason.contains("larger than 10 bytes") == true)
        #expect(syntaxError(Array("123456".utf8), limits: small)?.reason.contains("longer than 5") == true)
        #expect(syntaxError(Array("\"abcde\"".utf8), limits: small)?.reason.contains("longer than 4") == true)
        let longNumber = "1" + String(repeating: "0", count: 100)
        #expect(syntaxError(longNumber)?.reason.contains("number literal longer") == true)
    }

    @Test func keepsNumbersExactlyAsWritten() throws {
        let literal = "0.1000000000000000055511151231257827"
        let document = try JSONDocument.parse("[\(literal),1E+2,-0]")
        let numbers = Array(document.root.elements)
        #expect(numbers[0].numberLiteral == literal)
        #expect(numbers[1].numberLiteral == "1E+2")
        #expect(numbers[2].numberLiteral == "-0")
        var writer = JSONWriter()
        writer.value(document.root)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[\(literal),1E+2,-0]")
    }

    @Test func writerEscapesWhatMustBeEscaped() {
        var writer = JSONWriter()
        writer.string("q\"b\\n\nt\tc\u{01}é")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""q\"b\\n\nt\tc\u0001é""#)
    }

    /// Every prefix of a valid document and thousands of single-byte corruptions either parse
    /// or fail with an error: never a crash, never a hang.
    @Test func survivesTruncationAndCorruption() throws {
        let text = Array(#"{"actor":{"mbox":"mailto:a@b.c","name":"Zoë 😀"},"n":[1.5e3,-0,true,null],"s":"\u00e9\n"}"#.utf8)
        for length in 0..<text.count {
            #expect(syntaxError(Array(text[..<length])) != nil, "prefix of \(length) bytes parsed")
        }
        var random = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            var corrupted = text
            corrupted[Int.random(in: 0..<corrupted.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            if let document = try? JSONDocument.parse(corrupted) {
                var writer = JSONWriter()
                writer.value(document.root)
                #expect(!writer.bytes.isEmpty)
            }
        }
    }
}
