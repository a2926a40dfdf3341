import HTTPTypes
import Hummingbird
import TesseraLRS
import XAPI

/// People's sessions, shared by the dashboard and the console: the signed cookie names an
/// account, which must still be active at every page load (docs/console.md).
struct AccountSessions: Sendable {
    let accounts: Credentials
    let session: DashboardSession

    /// The account of a valid session cookie, while it is active.
    func account(_ request: Request) async throws -> Credential? {
        guard let value = DashboardSession.cookie(in: request.headers[.cookie]),
            let name = session.account(from: value, now: XAPITimestamp.now().seconds)
        else { return nil }
        return try await accounts.active(key: name)
    }

    /// `body` for a signed-in person whose account holds `scope`: the sign-in page for anyone
    /// else (clearing a stale cookie), a page saying so for an account without the scope.
    func page(
        _ request: Request, _ context: XAPIRequestContext, needs scope: Scope, _ body: (Credential) async throws -> Response
    ) async throws -> Response {
        guard let account = try await account(request) else {
            let stale = DashboardSession.cookie(in: request.headers[.cookie]) != nil
            return HTMLPage.redirect(to: "/dashboard/login", cookie: stale ? DashboardSession.setCookie(nil, secure: HTMLPage.isHTTPS(request)) : nil)
        }
        // For the request log, which reads the credential through the context's shared box.
        var context = context
        context.credential = account
        guard account.allows(scope) else {
            return HTMLPage.html(.forbidden, DashboardLayout.signedIn(title: "Not allowed", account: account) { html in
                html.raw(#"<p class="error" role="alert">"#)
                html.escaped("Your account (\(AccountRole(scopes: account.scopes).rawValue)) may not open this page: it needs the admin role.")
                html.raw(#"</p><p><a href="/dashboard">Back to the dashboard</a></p>"#)
            })
        }
        return try await body(account)
    }

    /// `body` with the fields of a form posted from this site's own pages (up to `limit`
    /// bytes) by a signed-in person whose account holds `scope`.
    func form(
        _ request: Request, _ context: XAPIRequestContext, needs scope: Scope, limit: Int = 64 * 1024,
        _ body: @escaping (Credential, QueryParameters) async throws -> Response
    ) async throws -> Response {
        try await page(request, context, needs: scope) { account in
            guard Self.isSameOrigin(request) else { throw XAPIError(.forbidden, "this form was posted from another site") }
            guard let form = try await HTMLPage.form(request, limit: limit) else { throw XAPIError(.badRequest, "expected the page's form") }
            return try await body(account, form)
        }
    }

    /// True when a form was posted from this site's own pages: another site's `Origin` is
    /// refused (the cookie is SameSite=Strict as well).
    static func isSameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let authority = request.head.authority else { return false }
        return origin == "http://\(authority)" || origin == "https://\(authority)"
    }
}

/// Answers of the server-rendered pages (dashboard and console): no caching, no framing, no
/// script, nothing fetched from elsewhere.
enum HTMLPage {
    /// Headers every page carries.
    static func headers() -> HTTPFields {
        var headers = HTTPFields()
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return headers
    }

    static func html(_ status: HTTPResponse.Status, _ page: String) -> Response {
        var headers = headers()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    static func redirect(to location: String, cookie: String?) -> Response {
        var headers = headers()
        headers[.location] = location
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }

    /// True when a proxy in front says the browser used HTTPS (the cookie is then `Secure`).
    static func isHTTPS(_ request: Request) -> Bool {
        request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    /// The fields of a posted form (`application/x-www-form-urlencoded`, up to `limit` bytes);
    /// nil for anything else.
    static func form(_ request: Request, limit: Int = 64 * 1024) async throws -> QueryParameters? {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else { return nil }
        var request = request
        let body = try await request.collectBody(upTo: limit)
        guard let text = body.getString(at: body.readerIndex, length: body.readableBytes) else { return nil }
        return try? QueryParameters(query: text)
    }
}
