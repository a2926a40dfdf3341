/// The xAPI version a request speaks, chosen by its `X-Experience-API-Version` header.
public enum XAPIVersion: String, Sendable, CaseIterable, Comparable {
    /// xAPI 1.0.3 (also used for any 1.0.x header).
    case v1_0_3 = "1.0.3"
    /// xAPI 2.0.0 / IEEE 9274.1.1.
    case v2_0_0 = "2.0.0"

    /// Reads an `X-Experience-API-Version` header: `1.0`, `1.0.x`, `2.0` and `2.0.x` are known.
    public init?(header: String) {
        let trimmed = header.trimmingSpaces
        if VersionString.matches(trimmed, major: "1", allowBare: true) {
            self = .v1_0_3
        } else if VersionString.matches(trimmed, major: "2", allowBare: true) {
            self = .v2_0_0
        } else {
            return nil
        }
    }

    /// The `version` a stored statement gets when it arrived without one.
    public var defaultStatementVersion: String {
        switch self {
        case .v1_0_3: "1.0.0"
        case .v2_0_0: "2.0.0"
        }
    }

    /// True when a statement's `version` property is acceptable under this API version. It is
    /// formatted as the version header is, so a bare `1.0` (or `2.0`) stands for `1.0.0`; the
    /// statement keeps the text it was accepted with.
    public func acceptsStatementVersion(_ version: String) -> Bool {
        switch self {
        case .v1_0_3: VersionString.matches(version, major: "1", allowBare: true)
        case .v2_0_0:
            VersionString.matches(version, major: "1", allowBare: true)
                || VersionString.matches(version, major: "2", allowBare: true)
        }
    }

    public static func < (lhs: XAPIVersion, rhs: XAPIVersion) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The xAPI versions a deployment serves (`tessera serve --xapi-versions`): never empty.
public struct ServedXAPIVersions: Sendable, Equatable, CustomStringConvertible {
    /// The versions, oldest first.
    public let versions: [XAPIVersion]

    /// Every version Tessera speaks.
    public static let all = ServedXAPIVersions(checked: XAPIVersion.allCases.sorted())

    private init(checked versions: [XAPIVersion]) { self.versions = versions }

    /// Reads a comma-separated list of version numbers (`1.0.3,2.0.0`; `1.0` and `2.0` name the
    /// same). Nil when the list is empty or names a version Tessera does not speak.
    public init?(parsing list: String) {
        var versions = Set<XAPIVersion>()
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            guard let version = XAPIVersion(header: String(item)) else { return nil }
            versions.insert(version)
        }
        guard !versions.isEmpty else { return nil }
        self.init(checked: versions.sorted())
    }

    /// The newest version served: the one that labels responses to requests that named none.
    public var newest: XAPIVersion { versions[versions.count - 1] }

    /// True when `version` is served.
    public func contains(_ version: XAPIVersion) -> Bool { versions.contains(version) }

    /// The versions as a comma-separated list (`1.0.3,2.0.0`).
    public var description: String { versions.map(\.rawValue).joined(separator: ",") }
}

/// Matching of `MAJOR.0.PATCH` version strings.
enum VersionString {
    /// True for `major.0.N` (N digits), and also bare `major.0` when `allowBare`.
    static func matches(_ text: String, major: Character, allowBare: Bool) -> Bool {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 3, utf8[0] == major.asciiValue!, utf8[1] == UInt8(ascii: "."),
            utf8[2] == UInt8(ascii: "0")
        else { return false }
        if utf8.count == 3 { return allowBare }
        guard utf8.count >= 5, utf8[3] == UInt8(ascii: ".") else { return false }
        return utf8[4...].allSatisfy(isDigit)
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while scalars.first == " " || scalars.first == "\t" { scalars.removeFirst() }
        while scalars.last == " " || scalars.last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
