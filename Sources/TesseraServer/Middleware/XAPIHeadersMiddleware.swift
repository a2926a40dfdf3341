import HTTPTypes
import Hummingbird
import Logging
import TesseraLRS
import XAPI

/// Negotiates `X-Experience-API-Version` among the versions served and puts it on every
/// response under `/xapi` (the newest served when the request named none), puts
/// `X-Experience-API-Consistent-Through` on every response of the Statement resource, turns
/// errors on every path into JSON bodies (`XAPIError`), so that no failure leaves without a
/// status and a reason, and forbids browsers to sniff any response's type.
struct XAPIHeadersMiddleware: RouterMiddleware {
    typealias Context = XAPIRequestContext

    static let versionHeader = HTTPField.Name("X-Experience-API-Version")!
    static let consistentThroughHeader = HTTPField.Name("X-Experience-API-Consistent-Through")!
    static let noSniff = HTTPField.Name("X-Content-Type-Options")!

    /// Paths that answer without a version header (About tells clients which versions exist).
    private static let versionOptional: Set<String> = ["/xapi/about"]

    let versions: ServedXAPIVersions
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var response: Response
        let isXAPI = request.uri.path.hasPrefix("/xapi/")
        if isXAPI { context.version = versions.newest }
        do {
            if !isXAPI {
                response = try await next(request, context)
            } else if let header = request.headers[Self.versionHeader] {
                guard let version = XAPIVersion(header: header), versions.contains(version) else {
                    let served = versions.versions.map(\.rawValue).joined(separator: " and ")
                    throw XAPIError.badParameter(
                        "X-Experience-API-Version", "must name a version this LRS serves (\(served)), got \"\(header)\"")
                }
                context.version = version
                response = try await next(request, context)
            } else if !Self.versionOptional.contains(request.uri.path) {
                throw XAPIError.badParameter("X-Experience-API-Version", "the header is required")
            } else {
                response = try await next(request, context)
            }
        } catch let error as XAPIError {
            response = Self.response(for: error)
        } catch StoreError.storageFull {
            // Any write (statements, documents, catalogs): refused whole, and worth retrying
            // once the operator has made room.
            response = Self.response(for: XAPIError(
                .serviceUnavailable, "the database disk is full; nothing was stored", headers: [.retryAfter: "60"]))
        } catch let error as HTTPError {
            response = Self.response(for: XAPIError(error.status, error.body ?? error.status.reasonPhrase))
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            response = Self.response(for: XAPIError(.contentTooLarge, "the request body is larger than \(ServerLimits.maxBodyBytes) bytes"))
        } catch let error as any HTTPResponseError {
            response = Self.response(for: XAPIError(error.status, error.status.reasonPhrase))
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            response = Self.response(for: XAPIError(.internalServerError, "internal error"))
        }
        if isXAPI { response.headers[Self.versionHeader] = context.version.rawValue }
        // Every response of the Statement resource says how current its reads are, errors too
        // (a successful GET sets it from before its query ran).
        if request.uri.path == StatementResource.path, response.headers[Self.consistentThroughHeader] == nil {
            response.headers[Self.consistentThroughHeader] = XAPITimestamp.now().text
        }
        // Bodies echo what clients sent (in JSON, CSV or documents' own types): browsers must
        // not guess another type, HTML above all.
        response.headers[Self.noSniff] = "nosniff"
        return response
    }

    static func response(for error: XAPIError) -> Response {
        var headers = error.headers
        headers[.contentType] = "application/json"
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: error.body)))
    }
}
