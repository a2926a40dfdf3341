import Foundation
import HTTPTypes
import Hummingbird
import TesseraStore

/// HTTP Basic authentication against the credential store. A request without credentials, or
/// with wrong or malformed ones, gets 401 with a `WWW-Authenticate` challenge.
struct BasicAuthMiddleware: RouterMiddleware {
    typealias Context = XAPIRequestContext

    let credentials: CredentialStore

    /// Paths open without a credential.
    private static let open: Set<String> = OperationsResource.paths.union(["/xapi/about", "/export/public-key"])

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The dashboard signs in with a form and a session cookie of its own.
        if Self.open.contains(request.uri.path) || DashboardResource.serves(request.uri.path) { return try await next(request, context) }
        let challenge: HTTPFields = [.wwwAuthenticate: #"Basic realm="Tessera xAPI""#]
        guard let header = request.headers[.authorization] else {
            throw XAPIError(.unauthorized, "authentication required (HTTP Basic with a Tessera key and secret)", headers: challenge)
        }
        guard let (key, secret) = Self.parse(header) else {
            throw XAPIError(.unauthorized, "the Authorization header must be Basic base64(key:secret)", headers: challenge)
        }
        guard let credential = try credentials.authenticate(key: key, secret: secret) else {
            throw XAPIError(.unauthorized, "unknown key, wrong secret, or revoked credential", headers: challenge)
        }
        var context = context
        context.credential = credential
        context.logger[metadataKey: "credential"] = .string(credential.name)
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
