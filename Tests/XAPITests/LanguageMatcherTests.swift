import Testing
import XAPI

/// Choosing a language-map entry for `format=canonical`.
struct LanguageMatcherTests {
    /// The rule as first written, scanning every entry for every preference: the reference.
    static func reference(_ map: LanguageMap, _ preferred: [String]) -> String? {
        for wanted in preferred.prefix(LanguageMatcher.maximumPreferences).map({ $0.lowercased() }) {
            if wanted == "*" { break }
            if let exact = map.entries.first(where: { $0.tag.lowercased() == wanted }) { return exact.tag }
            let primary = wanted.split(separator: "-").first.map(String.init) ?? wanted
            if let close = map.entries.first(where: { $0.tag.lowercased().split(separator: "-").first.map(String.init) == primary }) {
                return close.tag
            }
        }
        return map.entries.first?.tag
    }

    @Test func exactThenPrimaryThenTheFirstEntry() {
        let map = LanguageMap([("de-DE", "a"), ("en-GB", "b"), ("en-US", "c"), ("fr", "d")])
        #expect(LanguageMatcher.bestEntry(map, for: ["en-US"])?.tag == "en-US")
        #expect(LanguageMatcher.bestEntry(map, for: ["EN-us"])?.tag == "en-US", "tags compare case-insensitively")
        #expect(LanguageMatcher.bestEntry(map, for: ["en"])?.tag == "en-GB", "by primary language, the first such entry")
        #expect(LanguageMatcher.bestEntry(map, for: ["fr-CA", "en-US"])?.tag == "fr", "fr-CA's primary language comes first")
        #expect(LanguageMatcher.bestEntry(map, for: ["ja", "*", "en-US"])?.tag == "de-DE", "* ends the preferences")
        #expect(LanguageMatcher.bestEntry(map, for: [])?.tag == "de-DE")
        #expect(LanguageMatcher.bestEntry(LanguageMap([]), for: ["en"]) == nil)
    }

    @Test func theIndexedMatchAgreesWithTheScanOnRandomMaps() {
        var random = SystemRandomNumberGenerator()
        let languages = ["en", "fr", "de", "es", "nl", "ja", "zh", "pt"], regions = ["", "-US", "-GB", "-CA", "-DE", "-BR", "-Hant"]
        func tag() -> String {
            let tag = languages.randomElement(using: &random)! + regions.randomElement(using: &random)!
            return Bool.random(using: &random) ? tag.uppercased() : tag
        }
        for _ in 0..<2_000 {
            let map = LanguageMap((0..<Int.random(in: 0...40, using: &random)).map { _ in (tag: tag(), text: "text") })
            let preferred = (0..<Int.random(in: 0...40, using: &random)).map { _ in Int.random(in: 0..<20, using: &random) == 0 ? "*" : tag() }
            #expect(LanguageMatcher.bestEntry(map, for: preferred)?.tag == Self.reference(map, preferred), "\(map.entries.map(\.tag)) \(preferred)")
        }
    }

    @Test func onlyTheFirstPreferencesCount() {
        let map = LanguageMap((0..<40_000).map { ("x-\($0)", "\($0)") } + [("en-US", "wanted")])
        let preferred = (0..<1_000).map { "y-\($0)" } + ["en-US"]
        #expect(LanguageMatcher.bestEntry(map, for: preferred)?.tag == "x-0", "a preference after the first 32 is not considered")
        #expect(LanguageMatcher.bestEntry(map, for: ["y-1", "en-US"])?.text == "wanted")
    }
}
