import Foundation
import HTTPTypes
import Hummingbird
import TesseraAnalytics
import TesseraLRS
import XAPI

/// `/analytics/catalog` and `/analytics/roster`: what the organisation's learning means and who
/// its people are. Loading needs `admin`; reading `admin` or `analytics/read`.
struct CatalogRosterResource: Sendable {
    let store: any LRSStore

    func register(on router: AreaRoutes) {
        router.put("/analytics/catalog") { request, context in try await putCatalog(request, context) }
        router.getAndHead("/analytics/catalog") { request, context in try await getCatalog(request, context) }
        router.put("/analytics/roster") { request, context in try await putRoster(request, context) }
        router.getAndHead("/analytics/roster") { request, context in try await getRoster(request, context) }
    }

    private func putCatalog(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        try Parameters.rejectUnknown(try QueryParameters(request), known: [], resource: "PUT /analytics/catalog")
        guard MediaType.of(request) == "application/json" else {
            throw XAPIError.badParameter("Content-Type", "a catalog is application/json")
        }
        let catalog = try Self.accepted(Catalog.read(try await Self.body(request)), "the catalog")
        try await store.replaceCatalog(catalog)
        return Response(status: .noContent)
    }

    private func getCatalog(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        _ = try context.require(anyOf: [.admin, .analyticsRead])
        try Parameters.rejectUnknown(try QueryParameters(request), known: [], resource: "GET /analytics/catalog")
        guard let catalog = try await store.catalog() else {
            throw XAPIError(.notFound, "no catalog has been loaded (PUT /analytics/catalog or tessera catalog load)")
        }
        return Response.json(.ok, catalog.json())
    }

    private func putRoster(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        _ = try context.require(.admin)
        try Parameters.rejectUnknown(try QueryParameters(request), known: [], resource: "PUT /analytics/roster")
        let body = try await Self.body(request)
        let roster: Roster
        switch MediaType.of(request) {
        case "application/json": roster = try Self.accepted(Roster.read(json: body), "the roster")
        case "text/csv": roster = try Self.accepted(Roster.read(csv: body), "the roster")
        case let other: throw XAPIError.badParameter("Content-Type", "a roster is application/json or text/csv, got \"\(other)\"")
        }
        try await store.replaceRoster(roster)
        return Response(status: .noContent)
    }

    private func getRoster(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        _ = try context.require(anyOf: [.admin, .analyticsRead])
        let parameters = try QueryParameters(request)
        try Parameters.rejectUnknown(parameters, known: ["format"], resource: "GET /analytics/roster")
        let roster = try await store.roster()
        switch try ResultFormat(request, parameters) {
        case .json: return Response.json(.ok, roster.json())
        case .csv: return ResultFormat.csvResponse(roster.csv())
        }
    }

    private static func body(_ request: Request) async throws -> [UInt8] {
        var request = request
        return Array(try await request.collectBody(upTo: ServerLimits.maxBodyBytes).readableBytesView)
    }

    /// The value, or a 400 listing every problem with its path.
    private static func accepted<T>(_ result: Result<T, AnalyticsInputError>, _ what: String) throws -> T {
        switch result {
        case .success(let value): return value
        case .failure(let error):
            throw XAPIError(
                .badRequest, "\(what) is invalid: \(error.problems.first?.description ?? "")",
                errors: error.problems.map { .init(index: nil, path: $0.path, message: $0.message) })
        }
    }
}

/// JSON by default; CSV with `format=csv` or `Accept: text/csv`.
enum ResultFormat {
    case json, csv

    init(_ request: Request, _ parameters: QueryParameters) throws {
        switch parameters["format"] {
        case "csv": self = .csv
        case "json": self = .json
        case nil: self = (request.headers[.accept] ?? "").lowercased().contains("text/csv") ? .csv : .json
        case let other?: throw XAPIError.badParameter("format", "must be json or csv, got \"\(other)\"")
        }
    }

    static func csvResponse(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
