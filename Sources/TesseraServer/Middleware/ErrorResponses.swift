import HTTPTypes
import Hummingbird
import Logging
import TesseraLRS

/// The outermost middleware of every route: turns whatever a request threw into a response with
/// a status and a JSON body naming the reason (`ErrorResponses`), forbids browsers to sniff
/// any response's type, and gives every response that has no policy of its own (the dashboard
/// has one) a Content-Security-Policy under which nothing runs: documents are data, and one
/// stored as `text/html` with a script, opened in a browser, runs nothing and reaches nothing.
struct ErrorResponseMiddleware: RouterMiddleware {
    typealias Context = XAPIRequestContext

    static let noSniff = HTTPField.Name("X-Content-Type-Options")!
    /// No script, no plugin, nothing fetched, no framing, and a unique origin (`sandbox`).
    static let inertPolicy = "default-src 'none'; frame-ancestors 'none'; sandbox"

    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = ErrorResponses.response(for: error, request: request, logger: logger)
        }
        // Bodies echo what clients sent (in JSON, CSV or documents' own types): browsers must
        // not guess another type, HTML above all.
        response.headers[Self.noSniff] = "nosniff"
        if response.headers[.contentSecurityPolicy] == nil { response.headers[.contentSecurityPolicy] = Self.inertPolicy }
        return response
    }
}

/// What each error a request can throw is answered with.
enum ErrorResponses {
    /// The response for `error`: an `XAPIError` renders itself; the store's errors and the
    /// framework's become `XAPIError`s; anything else is logged and answered 500.
    static func response(for error: any Error, request: Request, logger: Logger) -> Response {
        xapiError(for: error, request: request, logger: logger).response
    }

    private static func xapiError(for error: any Error, request: Request, logger: Logger) -> XAPIError {
        switch error {
        case let error as XAPIError:
            return error
        case StoreError.storageFull:
            // Any write (statements, documents, catalogs): refused whole, and worth retrying
            // once the operator has made room.
            return XAPIError(.serviceUnavailable, "the database disk is full; nothing was stored", headers: [.retryAfter: "60"])
        case StoreError.unavailable:
            return XAPIError(.serviceUnavailable, "the database cannot be reached; try again shortly", headers: [.retryAfter: "10"])
        case let error as HTTPError:
            return XAPIError(error.status, error.body ?? error.status.reasonPhrase)
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            return XAPIError(.contentTooLarge, "the request body is larger than \(ServerLimits.maxBodyBytes) bytes")
        case let error as any HTTPResponseError:
            return XAPIError(error.status, error.status.reasonPhrase)
        default:
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return XAPIError(.internalServerError, "internal error")
        }
    }
}
