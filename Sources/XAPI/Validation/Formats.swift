/// Format checks for the string types xAPI constrains. Each is a best-effort syntactic check,
/// as the specification allows, strict enough to reject anything that is clearly wrong.
public enum Formats {
    /// An absolute IRI (RFC 3987): a scheme, `:`, and a non-empty remainder free of spaces,
    /// control characters and the characters IRIs never contain (`<>"{}|\^` and backtick).
    public static func isIRI(_ text: String) -> Bool {
        var text = text
        return text.withUTF8(isIRI)
    }

    /// `isIRI` on UTF-8 bytes.
    static func isIRI(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, isASCIILetter(first) else { return false }
        var index = 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":") { break }
            guard isASCIILetter(byte) || isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ".")
            else { return false }
            index += 1
        }
        guard index < bytes.count, index + 1 < bytes.count else { return false }
        for byte in UnsafeBufferPointer(rebasing: bytes[(index + 1)...]) where isForbiddenInIRI(byte) {
            return false
        }
        return true
    }

    /// Space, control characters and `"<>` (bytes 0 to 63), as a bit set.
    private static let forbiddenLow: UInt64 = 0x1_FFFF_FFFF | 1 << 0x22 | 1 << 0x3C | 1 << 0x3E
    /// `\\^` backtick `{|}` and DEL (bytes 64 to 127), as a bit set.
    private static let forbiddenHigh: UInt64 =
        1 << (0x5C - 64) | 1 << (0x5E - 64) | 1 << (0x60 - 64) | 1 << (0x7B - 64) | 1 << (0x7C - 64)
        | 1 << (0x7D - 64) | 1 << (0x7F - 64)

    /// Characters an IRI never contains (non-ASCII is allowed: IRIs are Unicode).
    @inline(__always)
    private static func isForbiddenInIRI(_ byte: UInt8) -> Bool {
        if byte < 64 { return forbiddenLow >> byte & 1 != 0 }
        if byte < 128 { return forbiddenHigh >> (byte - 64) & 1 != 0 }
        return false
    }

    /// A `mailto:` IRI with one address: `mailto:local@domain`.
    public static func isMailtoIRI(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            guard utf8.count > 7, utf8.starts(with: "mailto:".utf8), isIRI(utf8) else { return false }
            let address = UnsafeBufferPointer(rebasing: utf8[7...])
            guard let at = address.firstIndex(of: UInt8(ascii: "@")) else { return false }
            let domain = address[(at + 1)...]
            return at > 0 && !domain.isEmpty && !domain.contains(UInt8(ascii: "@"))
                && !address.contains(UInt8(ascii: ","))
        }
    }

    /// Exactly 40 hexadecimal digits (a SHA-1 sum).
    public static func isSHA1Hex(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { hexValue($0) != nil }
    }

    /// The hex form of a SHA-224, SHA-256, SHA-384 or SHA-512 digest.
    public static func isSHA2Hex(_ text: String) -> Bool {
        [56, 64, 96, 128].contains(text.utf8.count) && text.utf8.allSatisfy { hexValue($0) != nil }
    }

    /// An Internet media type: `type/subtype` with optional `; parameter=value` parts.
    public static func isMediaType(_ text: String) -> Bool {
        let main = text.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let parts = main.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts.allSatisfy { part in
            let trimmed = part.trimmingSuffix(" ")
            return !trimmed.isEmpty && trimmed.utf8.allSatisfy(isTokenCharacter)
        }
    }

    /// RFC 7230 `tchar`.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

@inline(__always)
func isASCIILetter(_ byte: UInt8) -> Bool {
    (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
}

extension Substring {
    fileprivate func trimmingSuffix(_ character: Character) -> Substring {
        var result = self
        while result.last == character { result.removeLast() }
        return result
    }
}

/// RFC 5646 language tags (BCP 47), checked by their grammar: the sequence of subtag kinds and
/// lengths, case-insensitively. Registry membership is not checked.
public enum LanguageTag {
    /// True when `tag` is a well-formed language tag.
    public static func isValid(_ tag: String) -> Bool {
        var tag = tag
        if tag.withUTF8(isCommonForm) { return true }
        let lower = tag.lowercased()
        if grandfathered.contains(lower) { return true }
        let subtags = lower.split(separator: "-", omittingEmptySubsequences: false)
        guard subtags.allSatisfy({ !$0.isEmpty && $0.count <= 8 && $0.utf8.allSatisfy(isAlphanumeric) }) else {
            return false
        }
        if subtags[0] == "x" { return isPrivateUse(subtags[...]) }
        return isLangtag(subtags[...])
    }

    private static let grandfathered: Set<String> = [
        "en-gb-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux", "i-mingo",
        "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-be-fr", "sgn-be-nl", "sgn-ch-de",
        "art-lojban", "cel-gaulish", "no-bok", "no-nyn", "zh-guoyu", "zh-hakka", "zh-min", "zh-min-nan",
        "zh-xiang",
    ]

    /// The forms nearly every tag takes, checked without allocating: `ll`, `lll`, then
    /// optionally `-Script` and/or `-RR` / `-999`. Anything else goes through the full grammar.
    private static func isCommonForm(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        func run(_ predicate: (UInt8) -> Bool) -> Int {
            let start = index
            while index < bytes.count, predicate(bytes[index]) { index += 1 }
            return index - start
        }
        let language = run(isASCIILetter)
        guard language == 2 || language == 3 else { return false }
        var sawScript = false
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "-") else { return false }
            index += 1
            let letters = run(isASCIILetter)
            let digits = letters == 0 ? run(isDigit) : 0
            if letters == 4, !sawScript {
                sawScript = true
                continue
            }
            guard letters == 2 || digits == 3, index == bytes.count else { return false }
        }
        return true
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool { isAlpha(byte) || isDigit(byte) }
    private static func isAlpha(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    private static func allAlpha(_ subtag: Substring) -> Bool { subtag.utf8.allSatisfy(isAlpha) }
    private static func allDigits(_ subtag: Substring) -> Bool { subtag.utf8.allSatisfy(isDigit) }

    /// `"x" 1*("-" 1*8alphanum)`
    private static func isPrivateUse(_ subtags: ArraySlice<Substring>) -> Bool {
        subtags.count >= 2 && subtags.first == "x"
    }

    /// language ["-" script] ["-" region] *("-" variant) *("-" extension) ["-" privateuse]
    private static func isLangtag(_ all: ArraySlice<Substring>) -> Bool {
        var subtags = all
        guard let language = subtags.popFirst(), allAlpha(language), (2...8).contains(language.count) else {
            return false
        }
        if language.count <= 3 {
            // up to three extlang subtags
            var extlangs = 0
            while extlangs < 3, let next = subtags.first, next.count == 3, allAlpha(next) {
                subtags.removeFirst()
                extlangs += 1
            }
        }
        if let next = subtags.first, next.count == 4, allAlpha(next) { subtags.removeFirst() }
        if let next = subtags.first, (next.count == 2 && allAlpha(next)) || (next.count == 3 && allDigits(next)) {
            subtags.removeFirst()
        }
        var variants = Set<Substring>()
        while let next = subtags.first,
            (5...8).contains(next.count) || (next.count == 4 && isDigit(next.utf8.first!))
        {
            guard variants.insert(next).inserted else { return false }
            subtags.removeFirst()
        }
        var singletons = Set<Substring>()
        while let singleton = subtags.first, singleton.count == 1, singleton != "x" {
            guard singletons.insert(singleton).inserted else { return false }
            subtags.removeFirst()
            var extensionSubtags = 0
            while let next = subtags.first, next.count >= 2 {
                subtags.removeFirst()
                extensionSubtags += 1
            }
            guard extensionSubtags > 0 else { return false }
        }
        if subtags.first == "x" { return isPrivateUse(subtags) }
        return subtags.isEmpty
    }
}
