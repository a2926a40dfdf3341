/// A UUID as xAPI uses it for statement ids and registrations: 16 bytes, written in the
/// standard 8-4-4-4-12 hex form, lower case.
public struct XAPIUUID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The most significant 8 bytes.
    public let high: UInt64
    /// The least significant 8 bytes.
    public let low: UInt64

    /// Creates a UUID from its two halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses the standard string form (either case); nil for anything else.
    public init?(_ text: String) {
        var text = text
        guard let uuid = text.withUTF8(XAPIUUID.parse) else { return nil }
        self = uuid
    }

    /// Parses the standard string form from UTF-8 bytes.
    static func parse(_ utf8: UnsafeBufferPointer<UInt8>) -> XAPIUUID? {
        guard utf8.count == 36 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var nibbles = 0
        for offset in 0..<36 {
            let byte = utf8[offset]
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let digit = hexValue(byte) else { return nil }
            if nibbles < 16 {
                high = high << 4 | UInt64(digit)
            } else {
                low = low << 4 | UInt64(digit)
            }
            nibbles += 1
        }
        return XAPIUUID(high: high, low: low)
    }

    /// Creates a UUID from 16 big-endian bytes.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (offset, byte) in bytes.enumerated() {
            if offset < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(high: high, low: low)
    }

    /// A random (version 4, RFC 4122 variant) UUID.
    public static func random() -> XAPIUUID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A random (version 4, RFC 4122 variant) UUID from `generator`.
    public static func random(using generator: inout some RandomNumberGenerator) -> XAPIUUID {
        let high = (generator.next() & ~0xF000) | 0x4000
        let low = (generator.next() & ~(0xC000_0000_0000_0000 as UInt64)) | 0x8000_0000_0000_0000
        return XAPIUUID(high: high, low: low)
    }

    /// The 16 big-endian bytes.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// The lower-case 8-4-4-4-12 form.
    public var description: String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            var out = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    buffer[out] = UInt8(ascii: "-")
                    out += 1
                }
                let word = nibble < 16 ? high : low
                let shift = UInt64(60 - 4 * (nibble % 16))
                buffer[out] = Self.digits[Int((word >> shift) & 0xF)]
                out += 1
            }
            return out
        }
    }

    public static func < (lhs: XAPIUUID, rhs: XAPIUUID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
