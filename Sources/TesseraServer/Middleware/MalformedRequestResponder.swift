import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP parser cannot read (a broken request line or header, headers
/// over the limit, a bad Content-Length) with a JSON error like every other refusal, instead of
/// the framework's bare 400, and closes the connection: after a framing error nothing more on
/// it can be trusted. Sits in each connection's pipeline after the HTTP decoder.
final class MalformedRequestResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    /// The most header bytes a request may send (NIO's default limit, which the server keeps).
    static let maxHeaderBytes = 80 * 1024

    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        guard !answered else { return }
        answered = true
        let refusal = Self.refusal(parseError)
        var head = HTTPResponse(status: refusal.status)
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = String(refusal.body.count)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: refusal.body))), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }

    /// The status and JSON body for a parser error.
    static func refusal(_ error: HTTPParserError) -> (status: HTTPResponse.Status, body: [UInt8]) {
        let refusal: XAPIError
        switch error {
        case .headerOverflow:
            refusal = XAPIError(
                .init(code: 431, reasonPhrase: "Request Header Fields Too Large"),
                "the request's headers are larger than \(maxHeaderBytes / 1024) KiB",
                errors: [.init(index: nil, path: "headers", message: "at most \(maxHeaderBytes) bytes of headers")])
        case .invalidContentLength, .unexpectedContentLength:
            refusal = XAPIError.badParameter("Content-Length", "must be one decimal number of bytes, and agree with the body's framing")
        default:
            refusal = XAPIError(
                .badRequest, "the request is not well-formed HTTP/1.1 (\(error))",
                errors: [.init(index: nil, path: "request", message: "malformed HTTP: \(error)")])
        }
        return (refusal.status, refusal.body)
    }
}
