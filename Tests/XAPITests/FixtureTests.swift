import Foundation
import Testing
import XAPI

/// Runs every statement fixture under Fixtures/statements.
struct FixtureTests {
    struct Expectation: Decodable {
        let path: String
        let message: String
        let versions: [String]
    }

    static let valid = Repository.fixtureFiles("valid")
    static let invalid = Repository.fixtureFiles("invalid")
    static let expectations: [String: Expectation] = {
        let url = Repository.fixtures.appendingPathComponent("invalid/expectations.json")
        guard let data = FileManager.default.contents(atPath: url.path) else { return [:] }
        return (try? JSONDecoder().decode([String: Expectation].self, from: data)) ?? [:]
    }()

    static func versions(forValid name: String) -> [XAPIVersion] {
        if name.hasPrefix("v2-") { return [.v2_0_0] }
        if name.hasPrefix("v1-") { return [.v1_0_3] }
        return XAPIVersion.allCases
    }

    @Test func thereAreEnoughFixtures() {
        #expect(Self.valid.count >= 150)
        #expect(Self.invalid.count >= 250)
        #expect(Self.expectations.count == Self.invalid.count, "every invalid fixture needs an expectation")
    }

    @Test func everyValidFixtureIsAccepted() throws {
        for (name, bytes) in Self.valid {
            for version in Self.versions(forValid: name) {
                let parsed = try StatementInput.parse(bytes, version: version)
                if case .failure(let rejection) = parsed.results[0] {
                    Issue.record("\(name) (\(version.rawValue)) was rejected: \(rejection)")
                }
            }
        }
    }

    @Test func everyInvalidFixtureIsRejectedWithItsPathAndRule() {
        for (name, bytes) in Self.invalid {
            guard let expected = Self.expectations[name] else {
                Issue.record("\(name) has no expectation")
                continue
            }
            for versionName in expected.versions {
                let version = XAPIVersion(rawValue: versionName)!
                let reported: [ValidationError]
                do throws(StatementRejection) {
                    let parsed = try StatementInput.parse(bytes, version: version)
                    guard case .failure(let rejection) = parsed.results[0] else {
                        Issue.record("\(name) (\(versionName)) was accepted")
                        continue
                    }
                    reported = rejection.errors
                } catch {
                    reported = error.errors
                }
                let match = reported.contains { $0.path == expected.path && $0.message.contains(expected.message) }
                #expect(match, "\(name) (\(versionName)): expected \(expected.path): …\(expected.message)…, got \(reported)")
            }
        }
    }

    @Test func versionSpecificValidFixturesAreRejectedByTheOtherVersion() throws {
        for (name, bytes) in Self.valid where name.hasPrefix("v2-") {
            let parsed = try StatementInput.parse(bytes, version: .v1_0_3)
            guard case .failure = parsed.results[0] else {
                Issue.record("\(name) is 2.0-only but 1.0.3 accepted it")
                continue
            }
        }
    }

    @Test func canonicalFormIsValidStableAndEquivalent() throws {
        for (name, bytes) in Self.valid {
            let version = Self.versions(forValid: name).last!
            let original = try StatementInput.parse(bytes, version: version).results[0].get()
            let canonical = original.canonicalJSON()
            let reread = try StatementInput.parse(canonical, version: version).results[0]
            guard case .success(let again) = reread else {
                Issue.record("\(name): canonical form was rejected: \(reread)")
                continue
            }
            #expect(again.canonicalJSON() == canonical, "\(name): canonical form is not stable")
            #expect(again.isEquivalent(to: original), "\(name): canonical form is not equivalent")
        }
    }
}
