import Foundation
import HTTPTypes
import Hummingbird
import XAPI

extension Response {
    /// A response with a JSON body.
    static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8], headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

}

extension Router where Context == XAPIRequestContext {
    /// Routes GET to `handler` and HEAD to the same handler with the body dropped (xAPI asks
    /// for HEAD wherever there is GET).
    func getAndHead(
        _ path: RouterPath, _ handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) {
        get(path, use: handler)
        head(path) { request, context in
            var response = try await handler(request, context)
            response.body = .init()
            return response
        }
    }
}
