import HTTPTypes
import Synchronization
import Hummingbird
import TesseraLRS
import XAPI

/// Per-request state: the xAPI version the client speaks and the credential it presented.
public struct XAPIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The version from `X-Experience-API-Version` (2.0.0 when a resource does not require it).
    var version: XAPIVersion = .v2_0_0
    /// The authenticated credential.
    var credential: Credential? {
        didSet { observed.credentialName.withLock { $0 = credential?.name } }
    }
    /// What the request log wants to know of this request, shared with the outermost
    /// middleware (which sees the context before authentication changed it).
    let observed = ObservedRequest()

    /// The client's IP address (nil when unknown, as for in-process tests). Behind a reverse
    /// proxy it is the proxy's.
    let clientAddress: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Statement batches can be large; the limit is enforced when bodies are collected.
    public var maxUploadSize: Int { ServerLimits.maxBodyBytes }

    /// The credential, which must allow `scope` (403 otherwise).
    func require(_ scope: Scope) throws -> Credential {
        try require(anyOf: [scope])
    }

    /// The credential, which must allow at least one of `scopes` (403 otherwise).
    func require(anyOf scopes: [Scope]) throws -> Credential {
        guard let credential else { throw XAPIError(.unauthorized, "authentication required") }
        guard scopes.contains(where: credential.allows) else {
            let names = scopes.map(\.rawValue).joined(separator: " or ")
            throw XAPIError(.forbidden, "the credential \"\(credential.name)\" lacks the scope \(names)")
        }
        return credential
    }
}

/// Bounds on what a request may send.
public enum ServerLimits {
    /// Largest request body (a batch of statements), in bytes.
    public static let maxBodyBytes = 16 << 20
    /// Most statements in one batch.
    public static let maxBatchStatements = 5_000
}

/// Per-request facts the request log reports, filled in as the request passes inward.
final class ObservedRequest: Sendable {
    /// The name of the credential that authenticated the request.
    let credentialName = Mutex<String?>(nil)
}
