import Foundation
import Testing
@testable import XAPI

/// Timestamps, durations, UUIDs, IRIs, mailto IRIs and language tags.
struct TimeAndFormatTests {
    private func timestamp(_ text: String, _ version: XAPIVersion) -> XAPITimestamp? {
        try? XAPITimestamp.parse(text, version: version).get()
    }

    /// The HTTP date (Last-Modified) agrees with Foundation's formatter on every weekday, month,
    /// leap day and century boundary tried, and on instants before 1970.
    @Test func httpDatesMatchFoundationsFormatter() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var seconds: [Int64] = [0, -1, -86_400, 784_111_777, 951_782_400, 4_107_542_399, 1_700_000_000, -2_208_988_800]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2_000 { seconds.append(Int64.random(in: -2_000_000_000...8_000_000_000, using: &random)) }
        for second in seconds {
            let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(second)))
            #expect(XAPITimestamp(seconds: second, nanoseconds: 0).httpDate == expected, "at \(second)")
        }
        #expect(XAPITimestamp(seconds: 784_111_777, nanoseconds: 0).httpDate == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test func xapi2ConvertsOffsetsToUTCKeepingPrecision() throws {
        let converted = try #require(timestamp("2023-05-04T12:00:00.1234-05:00", .v2_0_0))
        #expect(converted.text == "2023-05-04T17:00:00.1234Z")
        let crossing = try #require(timestamp("2024-01-01T01:30:00+02:00", .v2_0_0))
        #expect(crossing.text == "2023-12-31T23:30:00Z")
        #expect(timestamp("2008-09-15T15:53:00.601+00:00", .v2_0_0)?.text == "2008-09-15T15:53:00.601Z")
    }

    @Test func xapi1KeepsTheTextAndReadsTheInstant() throws {
        let local = try #require(timestamp("2023-05-04T12:00:00-05:00", .v1_0_3))
        #expect(local.text == "2023-05-04T12:00:00-05:00")
        #expect(local == timestamp("2023-05-04T17:00:00Z", .v1_0_3))
        #expect(timestamp("2023-05-04T12:00:00", .v1_0_3) == timestamp("2023-05-04T12:00:00Z", .v1_0_3))
    }

    @Test func negativeZeroOffsetsAreRejectedInBothVersions() {
        for version in XAPIVersion.allCases {
            for text in ["2008-09-15T15:53:00.601-00", "2008-09-15T15:53:00.601-0000", "2008-09-15T15:53:00.601-00:00"] {
                #expect(XAPITimestamp.parse(text, version: version) == .failure(.negativeZeroOffset), "\(text) \(version)")
            }
        }
    }

    @Test func instantsMatchKnownEpochSeconds() throws {
        #expect(timestamp("1970-01-01T00:00:00Z", .v2_0_0)?.seconds == 0)
        #expect(timestamp("2000-02-29T12:00:00Z", .v2_0_0)?.seconds == 951_825_600)
        #expect(timestamp("1969-12-31T23:59:59Z", .v2_0_0)?.seconds == -1)
        #expect(timestamp("2024-05-01T10:00:00.5Z", .v2_0_0)?.nanoseconds == 500_000_000)
        #expect(XAPITimestamp(seconds: 951_825_600, nanoseconds: 7_000_000).text == "2000-02-29T12:00:00.007Z")
        #expect(XAPITimestamp(seconds: -1, nanoseconds: 0).text == "1969-12-31T23:59:59.000Z")
    }

    @Test func leapYearsAreHonoured() {
        #expect(timestamp("2024-02-29T00:00:00Z", .v2_0_0) != nil)
        #expect(timestamp("2000-02-29T00:00:00Z", .v2_0_0) != nil)
        #expect(XAPITimestamp.parse("1900-02-29T00:00:00Z", version: .v2_0_0) == .failure(.outOfRange))
    }

    @Test func civilDayConversionRoundTrips() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let (year, month, day) = civilFromDays(days)
            #expect(daysFromCivil(year: year, month: month, day: day) == days)
        }
    }

    @Test(arguments: ["PT1H", "P1Y2M3DT4H5M6.7S", "P4W", "PT0.01S", "P0D", "PT1,5S", "P1DT12H36M0.12567S"])
    func acceptsDurations(text: String) {
        #expect(XAPIDuration.isValid(text))
    }

    @Test(arguments: ["", "P", "PT", "P1DT", "1H", "PT1H2H", "PT5S4M", "P1W2D", "PT1.5H30M", "P-1D", "PT1.S", "pt1h", "P1H"])
    func rejectsDurations(text: String) {
        #expect(!XAPIDuration.isValid(text))
    }

    @Test func truncatesDurationsToHundredths() {
        #expect(XAPIDuration.truncatedToHundredths("P1DT12H36M0.12567S") == "P1DT12H36M0.12S")
        #expect(XAPIDuration.truncatedToHundredths("PT1.5S") == "PT1.5S")
        #expect(XAPIDuration.truncatedToHundredths("PT1H") == "PT1H")
    }

    @Test func uuidsRoundTripAndNormaliseCase() throws {
        let uuid = try #require(XAPIUUID("6E1F0001-7C2A-4D4B-9A2E-2F9B1C000001"))
        #expect(uuid.description == "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000001")
        #expect(XAPIUUID(bytes: uuid.bytes) == uuid)
        for text in ["", "6e1f0001-7c2a-4d4b-9a2e-2f9b1c00000", "6e1f00017c2a-4d4b-9a2e-2f9b1c0000011", "g e1f0001-7c2a-4d4b-9a2e-2f9b1c000001"] {
            #expect(XAPIUUID(text) == nil, "\(text)")
        }
        let random = XAPIUUID.random()
        #expect(random.description.dropFirst(14).first == "4")
        #expect(XAPIUUID(random.description) == random)
    }

    @Test func irisNeedASchemeAndNoForbiddenCharacters() {
        for valid in ["http://example.com", "urn:uuid:1234", "mailto:a@b.c", "https://ex.com/ü?q=1#f", "tag:example.com,2024:x"] {
            #expect(Formats.isIRI(valid), "\(valid)")
        }
        for invalid in ["", "example.com", "://x", "1http://x", "http:", "http://a b", "http://a<b>", "http://a\u{7f}", "ht tp://x"] {
            #expect(!Formats.isIRI(invalid), "\(invalid)")
        }
    }

    @Test func mailtoIRIsNeedOneAddress() {
        #expect(Formats.isMailtoIRI("mailto:ann@example.com"))
        for invalid in ["ann@example.com", "mailto:", "mailto:ann", "mailto:@example.com", "mailto:ann@", "mailto:a@b@c", "mailto:a@b.c,b@c.d", "MAILTO:a@b.c"] {
            #expect(!Formats.isMailtoIRI(invalid), "\(invalid)")
        }
    }

    @Test(arguments: ["en", "en-US", "zh-Hant-TW", "sr-Latn-RS", "de-CH-1901", "x-whatever", "es-419", "i-klingon", "en-a-bbb-x-a-ccc", "zh-yue-HK", "EN-us", "sl-rozaj-biske", "english"])
    func acceptsLanguageTags(tag: String) {
        #expect(LanguageTag.isValid(tag))
    }

    @Test(arguments: ["", "e", "en_US", "en-", "-en", "en--US", "1en", "en-US-toolongsubtag", "de-1901-1901", "en-a", "en-a-bbb-a-ccc", "x", "en-x", "toolonglang"])
    func rejectsLanguageTags(tag: String) {
        #expect(!LanguageTag.isValid(tag))
    }

    @Test func mediaTypes() {
        #expect(Formats.isMediaType("application/pdf"))
        #expect(Formats.isMediaType("text/plain; charset=utf-8"))
        #expect(Formats.isMediaType("application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
        #expect(!Formats.isMediaType("pdf"))
        #expect(!Formats.isMediaType("application/"))
        #expect(!Formats.isMediaType("a/b/c"))
    }

    @Test func versionHeadersAndStatementVersions() {
        #expect(XAPIVersion(header: "1.0.3") == .v1_0_3)
        #expect(XAPIVersion(header: "1.0.2") == .v1_0_3)
        #expect(XAPIVersion(header: "1.0") == .v1_0_3)
        #expect(XAPIVersion(header: "2.0.0") == .v2_0_0)
        #expect(XAPIVersion(header: " 2.0 ") == .v2_0_0)
        #expect(XAPIVersion(header: "0.95") == nil)
        #expect(XAPIVersion(header: "1.1.0") == nil)
        #expect(XAPIVersion(header: "3.0.0") == nil)
        #expect(XAPIVersion.v1_0_3.acceptsStatementVersion("1.0.0"))
        #expect(!XAPIVersion.v1_0_3.acceptsStatementVersion("2.0.0"))
        #expect(XAPIVersion.v2_0_0.acceptsStatementVersion("2.0.0"))
        #expect(XAPIVersion.v2_0_0.acceptsStatementVersion("1.0.3"))
        #expect(XAPIVersion.v2_0_0.acceptsStatementVersion("2.0"))
        #expect(XAPIVersion.v1_0_3.acceptsStatementVersion("1.0"))
        #expect(!XAPIVersion.v1_0_3.acceptsStatementVersion("2.0"))
        #expect(!XAPIVersion.v2_0_0.acceptsStatementVersion("1.1"))
        #expect(!XAPIVersion.v2_0_0.acceptsStatementVersion("1.0.x"))
    }
}
