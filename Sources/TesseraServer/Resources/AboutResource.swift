import HTTPTypes
import Hummingbird
import TesseraCrypto
import XAPI

/// `/xapi/about`: the versions this LRS serves. A 1.0.x client is told only of the 1.0.x
/// version served (some 1.0 clients fail on versions they do not know); others see them all.
struct AboutResource {
    let versions: ServedXAPIVersions
    /// The raw public key that signs export manifests, published as an extension.
    let publicKey: [UInt8]?

    func register(on router: AreaRoutes) {
        router.getAndHead("/xapi/about") { request, context in about(request, context) }
    }

    private func about(_ request: Request, _ context: XAPIRequestContext) -> Response {
        let speaksOnly1 = request.headers[XAPIHeadersMiddleware.versionHeader] != nil && context.version == .v1_0_3
        var writer = JSONWriter(capacity: 64)
        writer.beginObject()
        writer.key("version")
        writer.beginArray()
        for version in versions.versions where !speaksOnly1 || version == .v1_0_3 {
            writer.string(version.rawValue)
        }
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
