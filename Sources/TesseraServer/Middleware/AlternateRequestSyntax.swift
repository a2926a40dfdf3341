import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import XAPI

/// xAPI 1.0.3's alternate request syntax (Communication 1.3): a POST whose only query
/// parameter is `method`, with headers, parameters and the body (`content`) sent as an
/// `application/x-www-form-urlencoded` form — for clients that cannot send arbitrary methods or
/// headers. It is rewritten into the request it stands for before routing (routes are chosen by
/// method, so this wraps the router's responder), and only for paths the router resolves into the
/// `/xapi` area: its components, empty ones skipped as the router skips them, start with `xapi`.
/// xAPI 2.0 dropped it.
struct AlternateRequestSyntaxResponder<Wrapped: HTTPResponder>: HTTPResponder where Wrapped.Context == XAPIRequestContext {
    let wrapped: Wrapped
    let versions: ServedXAPIVersions

    func respond(to request: Request, context: XAPIRequestContext) async throws -> Response {
        guard AlternateRequestSyntax.applies(to: request) else { return try await wrapped.respond(to: request, context: context) }
        let rewritten: Request
        do {
            rewritten = try await AlternateRequestSyntax.rewrite(request, maxBytes: ServerLimits.maxBodyBytes)
            if let header = rewritten.headers[XAPIHeadersMiddleware.versionHeader], XAPIVersion(header: header) == .v2_0_0 {
                throw XAPIError.badParameter("method", "the alternate request syntax is not part of xAPI 2.0")
            }
        } catch let error as XAPIError {
            var response = error.response
            response.headers[XAPIHeadersMiddleware.versionHeader] = (versions.contains(.v1_0_3) ? .v1_0_3 : versions.newest).rawValue
            return response
        }
        return try await wrapped.respond(to: rewritten, context: context)
    }
}

enum AlternateRequestSyntax {
    /// Form fields that become headers.
    private static let headerFields: [String: HTTPField.Name] = [
        "authorization": .authorization,
        "x-experience-api-version": XAPIHeadersMiddleware.versionHeader,
        "content-type": .contentType,
        "if-match": .ifMatch,
        "if-none-match": .ifNoneMatch,
        "accept-language": .acceptLanguage,
    ]

    /// True when `request` uses the alternate syntax.
    static func applies(to request: Request) -> Bool {
        request.method == .post && request.uri.queryParameters["method"] != nil
            && request.uri.path.split(separator: "/").first == "xapi"
    }

    /// The request the form stands for.
    static func rewrite(_ request: Request, maxBytes: Int) async throws -> Request {
        let parameters = try QueryParameters(request)
        guard let methodName = parameters["method"], let method = HTTPRequest.Method(methodName.uppercased()),
            [.get, .put, .post, .delete, .head].contains(method)
        else {
            throw XAPIError.badParameter("method", "must be GET, PUT, POST, DELETE or HEAD")
        }
        for name in parameters.names where name != "method" {
            throw XAPIError.badParameter(name, "the alternate request syntax takes no query parameter but method")
        }
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            throw XAPIError.badParameter("Content-Type", "the alternate request syntax sends application/x-www-form-urlencoded")
        }
        var request = request
        let buffer = try await request.collectBody(upTo: maxBytes)
        var headers = request.headers
        headers[.contentType] = nil
        var query: [String] = []
        var content: String?
        for field in String(buffer: buffer).split(separator: "&") {
            let pair = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = QueryParameters.formDecoded(pair[0]) else { throw XAPIError.badParameter("form", "is not valid form encoding") }
            let value = pair.count > 1 ? QueryParameters.formDecoded(pair[1]) : ""
            guard let value else { throw XAPIError.badParameter(name, "is not valid form encoding") }
            if name == "content" {
                content = value
            } else if let header = headerFields[name.lowercased()] {
                headers[header] = value
            } else {
                query.append(String(pair[0]) + "=" + (pair.count > 1 ? String(pair[1]) : ""))
            }
        }
        if content != nil && headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let path = request.uri.path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        let head = HTTPRequest(method: method, scheme: request.head.scheme, authority: request.head.authority, path: path, headerFields: headers)
        return Request(head: head, body: .init(buffer: ByteBuffer(string: content ?? "")))
    }
}
