import HTTPTypes
import Hummingbird
import XAPI

/// An error answered with its status and a JSON body naming the field and the rule:
/// `{"status":400,"message":"…","errors":[{"index":0,"path":"statement.actor.mbox","message":"…"}]}`.
/// It renders itself (`HTTPResponseError`).
struct XAPIError: HTTPResponseError, Sendable {
    let status: HTTPResponse.Status
    let message: String
    let errors: [Detail]
    let headers: HTTPFields

    struct Detail: Sendable {
        let index: Int?
        let path: String
        let message: String
    }

    init(_ status: HTTPResponse.Status, _ message: String, errors: [Detail] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers
    }

    /// 400 for a rejected statement (of a batch, when `index` is given).
    static func invalidStatement(_ rejection: StatementRejection, index: Int?) -> XAPIError {
        let details = rejection.errors.map { Detail(index: index, path: $0.path, message: $0.message) }
        let first = rejection.errors.first.map { ": \($0)" } ?? ""
        let which = index.map { "statement \($0) of the batch is invalid" } ?? "the statement is invalid"
        return XAPIError(.badRequest, which + first, errors: details)
    }

    /// 400 for a query or header parameter.
    static func badParameter(_ name: String, _ rule: String) -> XAPIError {
        XAPIError(.badRequest, "\(name): \(rule)", errors: [Detail(index: nil, path: name, message: rule)])
    }

    /// 429 with `Retry-After` (whole seconds, at least 1).
    static func tooManyRequests(_ message: String, retryAfter wait: Duration) -> XAPIError {
        XAPIError(.tooManyRequests, message, headers: [.retryAfter: String(retryAfterSeconds(wait))])
    }

    /// `wait` rounded up to whole seconds, at least 1.
    static func retryAfterSeconds(_ wait: Duration) -> Int64 {
        max(1, wait.components.seconds + (wait.components.attoseconds > 0 ? 1 : 0))
    }

    /// The JSON body.
    var body: [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key("status")
        writer.number(String(status.code))
        writer.key("message")
        writer.string(message)
        if !errors.isEmpty {
            writer.key("errors")
            writer.beginArray()
            for error in errors { writer.validationError(path: error.path, message: error.message, index: error.index) }
            writer.endArray()
        }
        writer.endObject()
        return writer.bytes
    }

    /// The response: the status, the error's headers and the JSON body.
    var response: Response {
        .json(status, body, headers: headers)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        response
    }
}
