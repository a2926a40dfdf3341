/// What a credential may do. The xAPI scopes, plus Tessera's `analytics/read` and `admin`.
public enum Scope: String, Sendable, CaseIterable, Hashable {
    case statementsWrite = "statements/write"
    case statementsRead = "statements/read"
    case statementsReadMine = "statements/read/mine"
    case state
    case define
    case profile
    case allRead = "all/read"
    case all
    case analyticsRead = "analytics/read"
    case admin

    /// True when holding `self` grants `needed`: `all` grants every xAPI scope (not Tessera's
    /// own), `all/read` the read scopes, `statements/read` also `statements/read/mine`, and
    /// `admin` everything.
    public func grants(_ needed: Scope) -> Bool {
        if self == needed || self == .admin { return true }
        switch self {
        case .all: return needed != .analyticsRead && needed != .admin
        case .allRead: return needed == .statementsRead || needed == .statementsReadMine
        case .statementsRead: return needed == .statementsReadMine
        default: return false
        }
    }

    /// Scopes as a repository stores them: their names, sorted, separated by spaces.
    public static func storedText(_ scopes: Set<Scope>) -> String {
        scopes.map(\.rawValue).sorted().joined(separator: " ")
    }

    /// Scopes from `storedText` (names this Tessera does not know are left out).
    public static func stored(_ text: String) -> Set<Scope> {
        Set(text.split(separator: " ").compactMap { Scope(rawValue: String($0)) })
    }

    /// Parses a comma- or space-separated list; nil names the first unknown scope.
    public static func parseList(_ text: String) -> Result<Set<Scope>, UnknownScope> {
        var scopes = Set<Scope>()
        for name in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let scope = Scope(rawValue: String(name)) else { return .failure(UnknownScope(name: String(name))) }
            scopes.insert(scope)
        }
        return .success(scopes)
    }
}

/// A scope name Tessera does not know.
public struct UnknownScope: Error, Equatable, CustomStringConvertible {
    /// The name given.
    public let name: String
    public var description: String {
        "unknown scope \"\(name)\"; known: " + Scope.allCases.map(\.rawValue).joined(separator: ", ")
    }
}
