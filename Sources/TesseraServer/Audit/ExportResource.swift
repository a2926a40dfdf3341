import HTTPTypes
import Hummingbird
import NIOCore
import TesseraCrypto
import TesseraStore
import XAPI

/// `/export/statements`: every stored statement (or those a filter admits) as NDJSON, each
/// line with its place in the hash chain, streamed chunk by chunk in constant memory (scope
/// `all/read`). `/export/public-key`: the public half of the key that signs export manifests,
/// for anyone who checks them (no credential needed).
struct ExportResource {
    let store: SQLiteStore
    let signingKey: Ed25519Key?

    /// The `/xapi/about` extension carrying the same key (raw, base64).
    static let publicKeyExtension = "urn:tessera:export-public-key"

    func register(on router: Router<XAPIRequestContext>) {
        router.getAndHead("/export/public-key") { _, _ in try publicKey() }
        router.get("/export/statements") { request, context in try statements(request, context) }
    }

    private func statements(_ request: Request, _ context: XAPIRequestContext) throws -> Response {
        _ = try context.require(.allRead)
        let parameters = try QueryParameters(request)
        try Parameters.rejectUnknown(
            parameters, known: ["since", "until", "agent", "verb", "activity", "registration", "includeVoided"], resource: "/export/statements")
        var filter = ExportFilter()
        filter.since = try parameters["since"].map { try Parameters.timestamp($0, "since", version: .v2_0_0).milliseconds }
        filter.until = try parameters["until"].map { try Parameters.timestamp($0, "until", version: .v2_0_0).milliseconds }
        filter.agent = try parameters["agent"].map { try Parameters.agent($0, version: .v2_0_0) }
        filter.verb = try parameters["verb"].map { try Parameters.iri($0, "verb") }
        filter.activity = try parameters["activity"].map { try Parameters.iri($0, "activity") }
        filter.registration = try parameters["registration"].map { try Parameters.uuid($0, "registration") }
        filter.includeVoided = try parameters["includeVoided"].map { try Parameters.bool($0, "includeVoided") } ?? true
        let cursor = try ExportCursor(store, filter: filter)
        var headers = HTTPFields()
        headers[.contentType] = "application/x-ndjson"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var cursor = cursor
            while let records = try cursor.next() {
                var buffer = ByteBuffer()
                for record in records { buffer.writeBytes(record.line) }
                try await writer.write(buffer)
            }
            try await writer.finish(nil)
        })
    }

    private func publicKey() throws -> Response {
        guard let signingKey else { throw XAPIError(.notFound, "this server has no signing key") }
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key("algorithm"); writer.string("Ed25519")
        writer.key("publicKey"); writer.string(Base64.encode(try signingKey.publicKey()))
        writer.key("publicKeyPEM"); writer.string(String(decoding: try signingKey.publicKeyPEM(), as: UTF8.self))
        writer.endObject()
        return Response.json(.ok, writer.bytes)
    }
}
