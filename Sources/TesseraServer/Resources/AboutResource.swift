import HTTPTypes
import Hummingbird
import TesseraCrypto
import XAPI

/// `/xapi/about`: the versions this LRS speaks. A 1.0.x client is told only of 1.0.3 (some
/// 1.0 clients fail on versions they do not know); others see both.
struct AboutResource {
    /// The raw public key that signs export manifests, published as an extension.
    let publicKey: [UInt8]?

    func register(on router: Router<XAPIRequestContext>) {
        router.getAndHead("/xapi/about") { request, context in about(request, context) }
    }

    private func about(_ request: Request, _ context: XAPIRequestContext) -> Response {
        let speaksOnly1 = request.headers[XAPIHeadersMiddleware.versionHeader] != nil && context.version == .v1_0_3
        var writer = JSONWriter(capacity: 64)
        writer.beginObject()
        writer.key("version")
        writer.beginArray()
        writer.string(XAPIVersion.v1_0_3.rawValue)
        if !speaksOnly1 { writer.string(XAPIVersion.v2_0_0.rawValue) }
        writer.endArray()
        writer.key("extensions")
        writer.beginObject()
        if let publicKey {
            writer.key(ExportResource.publicKeyExtension)
            writer.string(Base64.encode(publicKey))
        }
        writer.endObject()
        writer.endObject()
        return Response.json(.ok, writer.bytes)
    }
}
