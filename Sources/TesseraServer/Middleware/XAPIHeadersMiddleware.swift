import HTTPTypes
import Hummingbird
import Logging
import XAPI

/// The `/xapi` area's headers: negotiates `X-Experience-API-Version` among the versions served
/// and puts it on every response of the area (the newest served when the request named none),
/// and puts `X-Experience-API-Consistent-Through` on every response of the Statement resource.
/// Errors thrown inside are rendered here, so that they carry both.
struct XAPIHeadersMiddleware: RouterMiddleware {
    typealias Context = XAPIRequestContext

    static let versionHeader = HTTPField.Name("X-Experience-API-Version")!
    static let consistentThroughHeader = HTTPField.Name("X-Experience-API-Consistent-Through")!

    let versions: ServedXAPIVersions
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.version = versions.newest
        var response: Response
        do {
            if let header = request.headers[Self.versionHeader] {
                guard let version = XAPIVersion(header: header), versions.contains(version) else {
                    let served = versions.versions.map(\.rawValue).joined(separator: " and ")
                    throw XAPIError.badParameter(
                        "X-Experience-API-Version", "must name a version this LRS serves (\(served)), got \"\(header)\"")
                }
                context.version = version
            }
            response = try await next(request, context)
        } catch {
            response = ErrorResponses.response(for: error, request: request, logger: logger)
        }
        response.headers[Self.versionHeader] = context.version.rawValue
        // Every response of the Statement resource says how current its reads are, errors too
        // (a successful GET sets it from before its query ran). The route matched, not the
        // path as spelled, decides.
        if context.endpointPath == StatementResource.path, response.headers[Self.consistentThroughHeader] == nil {
            response.headers[Self.consistentThroughHeader] = XAPITimestamp.now().text
        }
        return response
    }
}

/// Refuses an `/xapi` request that names no version (every resource but About requires one).
struct RequireVersionHeader: RouterMiddleware {
    typealias Context = XAPIRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.headers[XAPIHeadersMiddleware.versionHeader] != nil else {
            throw XAPIError.badParameter("X-Experience-API-Version", "the header is required")
        }
        return try await next(request, context)
    }
}
