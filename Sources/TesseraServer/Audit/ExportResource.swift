import Foundation
import Hummingbird
import TesseraCrypto
import XAPI

/// `/export/public-key`: the public half of the key that signs export manifests, for anyone
/// who checks them (no credential needed).
struct ExportResource {
    let signingKey: Ed25519Key?

    /// The `/xapi/about` extension carrying the same key (raw, base64).
    static let publicKeyExtension = "urn:tessera:export-public-key"

    func register(on router: Router<XAPIRequestContext>) {
        router.getAndHead("/export/public-key") { _, _ in try publicKey() }
    }

    private func publicKey() throws -> Response {
        guard let signingKey else { throw XAPIError(.notFound, "this server has no signing key") }
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key("algorithm"); writer.string("Ed25519")
        writer.key("publicKey"); writer.string(Data(try signingKey.publicKey()).base64EncodedString())
        writer.key("publicKeyPEM"); writer.string(String(decoding: try signingKey.publicKeyPEM(), as: UTF8.self))
        writer.endObject()
        return Response.json(.ok, writer.bytes)
    }
}
