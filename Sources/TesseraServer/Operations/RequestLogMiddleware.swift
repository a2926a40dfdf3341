import HTTPTypes
import Hummingbird
import Logging

/// The outermost middleware: gives each request an id (`X-Request-Id`, kept when the client
/// sends a short, plain one), logs one structured line per request (id, method, route, status,
/// duration, credential) and counts it in the metrics.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = XAPIRequestContext

    static let requestIDHeader = HTTPField.Name("X-Request-Id")!

    let metrics: ServerMetrics
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let id = request.headers[Self.requestIDHeader].flatMap(Self.acceptable) ?? Self.newID()
        var context = context
        context.logger[metadataKey: "request"] = .string(id)
        let route = context.endpointPath ?? "other"
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // Errors become responses further in (ErrorResponseMiddleware); this is for the
            // routes the router did not find.
            response = ErrorResponses.response(for: error, request: request, logger: context.logger)
        }
        response.headers[Self.requestIDHeader] = id
        let duration = ContinuousClock.now - started
        metrics.request(method: request.method.rawValue, path: route, status: response.status.code, duration: duration)
        var metadata: Logger.Metadata = [
            "request": .string(id), "method": .string(request.method.rawValue), "path": .string(request.uri.path),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .stringConvertible((duration / .milliseconds(1) * 10).rounded() / 10),
        ]
        if let credential = context.observed.credentialName.withLock({ $0 }) { metadata["credential"] = .string(Self.logfmtValue(credential)) }
        logger.info("request", metadata: metadata)
        return response
    }

    /// A client's id, if it is 1–64 letters, digits, '-', '_' or '.' (nothing a log could
    /// be confused by).
    static func acceptable(_ text: String) -> String? {
        guard (1...64).contains(text.utf8.count),
            text.utf8.allSatisfy({ $0.isASCIILetterOrDigit || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") })
        else { return nil }
        return text
    }

    /// `text` as one logfmt value: as it is when it is plain, else quoted with `"` and `\`
    /// escaped, so that `credential=L&D dashboard` cannot read as two fields.
    static func logfmtValue(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "=" && $0 != "\\" }
        if plain { return text }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            default: quoted.unicodeScalars.append(scalar.value < 0x20 ? " " : scalar)
            }
        }
        return quoted + "\""
    }

    /// 16 random hexadecimal digits.
    static func newID() -> String {
        String(UInt64.random(in: .min ... .max), radix: 16).leftPadded(to: 16)
    }
}

extension UInt8 {
    fileprivate var isASCIILetterOrDigit: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
