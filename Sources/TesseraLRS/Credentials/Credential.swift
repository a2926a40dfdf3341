import XAPI

/// An API credential: a key, a name, scopes. The secret is never stored, only its hash.
public struct Credential: Sendable, Equatable {
    /// The public half (Basic auth user name).
    public let key: String
    /// A label for people ("Storyline courses", "LMS bridge").
    public let name: String
    /// What it may do.
    public let scopes: Set<Scope>
    /// When it was created.
    public let created: XAPITimestamp
    /// When it was revoked, if it was.
    public let revoked: XAPITimestamp?
    /// When it last authenticated a request (an account: last signed in), to the minute; nil:
    /// never since this was recorded.
    public let lastUsed: XAPITimestamp?

    /// Creates a credential.
    public init(key: String, name: String, scopes: Set<Scope>, created: XAPITimestamp, revoked: XAPITimestamp?, lastUsed: XAPITimestamp? = nil) {
        self.key = key
        self.name = name
        self.scopes = scopes
        self.created = created
        self.revoked = revoked
        self.lastUsed = lastUsed
    }

    /// True when one of its scopes grants `scope`.
    public func allows(_ scope: Scope) -> Bool {
        scopes.contains { $0.grants(scope) }
    }

    /// The Agent written as `authority` into the statements it stores: an account on
    /// `homePage` named by the key.
    public func authority(homePage: String) -> Agent {
        Agent(name: name, identifier: .account(homePage: homePage, name: key), declaresObjectType: true)
    }
}

/// A credential as created: the only moment the secret exists outside its holder.
public struct IssuedCredential: Sendable {
    /// The stored credential.
    public let credential: Credential
    /// The secret, to show once.
    public let secret: String

    /// Pairs a credential with its secret.
    public init(credential: Credential, secret: String) {
        self.credential = credential
        self.secret = secret
    }
}

/// A credential as a repository keeps it: the credential and how to check a secret against it.
public struct StoredCredential: Sendable {
    public let credential: Credential
    /// The PBKDF2 salt.
    public let salt: [UInt8]
    /// The PBKDF2 iteration count it was hashed with.
    public let iterations: Int
    /// PBKDF2-HMAC-SHA256 of the secret.
    public let secretHash: [UInt8]

    /// Creates a stored credential.
    public init(credential: Credential, salt: [UInt8], iterations: Int, secretHash: [UInt8]) {
        self.credential = credential
        self.salt = salt
        self.iterations = iterations
        self.secretHash = secretHash
    }
}

/// Who holds the credentials a repository keeps: machines (API keys and secrets, for Basic
/// authentication) or people (accounts: a sign-in name and password, for the dashboard and the
/// console). Each is a table of its own, so that neither can sign in where the other does.
public enum CredentialHolders: String, Sendable {
    /// API credentials, in table `credentials`.
    case machines = "credentials"
    /// People's accounts, in table `accounts`.
    case people = "accounts"
}

/// What a person's account may see (docs/console.md): the role is kept as the scope it grants.
public enum AccountRole: String, Sendable, CaseIterable {
    /// The dashboard and learner views (`analytics/read`).
    case viewer
    /// Everything, the console included (`admin`).
    case admin

    /// The scopes an account with this role holds.
    public var scopes: Set<Scope> { self == .admin ? [.admin] : [.analyticsRead] }

    /// The role of an account holding `scopes`.
    public init(scopes: Set<Scope>) {
        self = scopes.contains(.admin) ? .admin : .viewer
    }

    /// True for a name an account may sign in with: 1 to 64 ASCII letters, digits, `.`, `_`,
    /// `-` and `@` (an e-mail address works), so that it reads the same everywhere.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-@".unicodeScalars.contains($0))
        }
    }
}
