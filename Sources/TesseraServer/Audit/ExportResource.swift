import HTTPTypes
import Hummingbird
import NIOCore
import TesseraCrypto
import TesseraLRS
import XAPI

/// `/export/statements`: every stored statement (or those a filter admits) as NDJSON, each
/// line with its place in the hash chain, or as CSV with chosen columns (`format=csv`,
/// `columns=…`), streamed chunk by chunk in constant memory (scope
/// `all/read`). `/export/audit-log`: the audit log (erasures), one chained entry per line
/// (scope `all/read`). `/export/public-key`: the public half of the key that signs export manifests,
/// for anyone who checks them (no credential needed).
struct ExportResource {
    let store: any LRSStore
    let signingKey: Ed25519Key?

    /// The `/xapi/about` extension carrying the same key (raw, base64).
    static let publicKeyExtension = "urn:tessera:export-public-key"

    /// Routes that need no credential: the public key.
    func registerOpen(on router: AreaRoutes) {
        router.getAndHead("/export/public-key") { _, _ in try publicKey() }
    }

    /// Routes that need a credential: the exports.
    func register(on router: AreaRoutes) {
        router.get("/export/statements") { request, context in try await statements(request, context) }
        router.get("/export/audit-log") { _, context in try await auditLog(context) }
    }

    private func statements(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        _ = try context.require(.allRead)
        let parameters = try QueryParameters(request)
        try Parameters.rejectUnknown(parameters, known: ExportFilter.parameterNames.union(["format", "columns"]), resource: "/export/statements")
        var given: [String: String] = [:]
        for name in ExportFilter.parameterNames { given[name] = parameters[name] }
        let (format, filter): (ExportFormat, ExportFilter)
        do {
            format = try ExportFormat.parse(format: parameters["format"], columns: parameters["columns"]).get()
            filter = try ExportFilter.parse(given).get()
        } catch {
            throw XAPIError.badParameter(error.path, error.message)
        }
        let cursor = try await ExportCursor(store, filter: filter)
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var cursor = cursor
            if !format.header.isEmpty { try await writer.write(ByteBuffer(bytes: format.header)) }
            while let records = try await cursor.next() {
                try await writer.write(ByteBuffer(bytes: format.encode(records)))
            }
            try await writer.finish(nil)
        })
    }

    private func auditLog(_ context: XAPIRequestContext) async throws -> Response {
        _ = try context.require(.allRead)
        var headers = HTTPFields()
        headers[.contentType] = "application/x-ndjson"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: try await store.auditLog().flatMap(\.line))))
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
