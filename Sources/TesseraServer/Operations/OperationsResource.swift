import HTTPTypes
import Hummingbird
import TesseraLRS
import XAPI

/// For operators and their tools, without a credential: `GET /health` (the process answers),
/// `GET /ready` (the database can be read and the writer takes work; 503 otherwise) and
/// `GET /metrics` (Prometheus text exposition). docs/operations.md.
struct OperationsResource {
    let store: any LRSStore
    let metrics: ServerMetrics

    func register(on router: AreaRoutes) {
        router.getAndHead("/health") { _, _ in Self.status(.ok, "ok") }
        router.getAndHead("/ready") { _, _ in await store.isReady() ? Self.status(.ok, "ready") : Self.status(.serviceUnavailable, "not ready") }
        router.get("/metrics") { _, _ in
            let databaseBytes = await store.storageBytes()
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition(databaseBytes: databaseBytes))))
        }
    }

    private static func status(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var writer = JSONWriter(capacity: 32)
        writer.beginObject()
        writer.key("status"); writer.string(text)
        writer.endObject()
        return Response.json(status, writer.bytes)
    }
}
