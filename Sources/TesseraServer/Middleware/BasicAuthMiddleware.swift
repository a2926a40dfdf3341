import Foundation
import HTTPTypes
import Hummingbird
import TesseraLRS

/// HTTP Basic authentication (`SignInCheck`) for the routes an area adds after it. A request
/// without credentials, or with wrong or malformed ones, gets 401 with a `WWW-Authenticate`
/// challenge. A key with too many recent failures, and a credential over its request rate, get
/// 429 with `Retry-After`.
struct BasicAuthMiddleware: RouterMiddleware {
    typealias Context = XAPIRequestContext

    let signIn: SignInCheck
    /// Requests per credential, when the server limits them.
    let requestRate: RateLimiter?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let challenge: HTTPFields = [.wwwAuthenticate: #"Basic realm="Tessera xAPI""#]
        guard let header = request.headers[.authorization] else {
            throw XAPIError(.unauthorized, "authentication required (HTTP Basic with a Tessera key and secret)", headers: challenge)
        }
        guard let (key, secret) = Self.parse(header) else {
            throw XAPIError(.unauthorized, "the Authorization header must be Basic base64(key:secret)", headers: challenge)
        }
        let credential: Credential
        switch try await signIn.check(key: key, secret: secret, client: signIn.clients.of(request, peer: context.clientAddress)) {
        case .accepted(let accepted): credential = accepted
        case .refused: throw XAPIError(.unauthorized, "unknown key, wrong secret, or revoked credential", headers: challenge)
        case .locked(let wait): throw XAPIError.tooManyRequests("too many failed sign-ins with this key", retryAfter: wait)
        }
        if let requestRate, let wait = requestRate.spend(credential.key) {
            throw XAPIError.tooManyRequests(
                "the credential \"\(credential.name)\" is over its limit of \(Int(requestRate.limit.perSecond)) requests per second", retryAfter: wait)
        }
        var context = context
        context.credential = credential
        context.logger[metadataKey: "credential"] = .string(RequestLogMiddleware.logfmtValue(credential.name))
        return try await next(request, context)
    }

    /// `Basic base64(key:secret)` → (key, secret); nil for anything malformed.
    static func parse(_ header: String) -> (String, String)? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else { return nil }
        let key = String(text[..<colon])
        let secret = String(text[text.index(after: colon)...])
        guard !key.isEmpty else { return nil }
        return (key, secret)
    }
}
