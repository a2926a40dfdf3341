import Hummingbird
import TesseraAnalytics
import TesseraLRS
import XAPI

/// The console's catalog and roster upload (docs/console.md): the document is checked whole
/// first, and either every problem is listed (by JSON path, or CSV line and column) with nothing
/// applied, or it replaces the current one, as `PUT /analytics/catalog|roster` does.
struct CatalogRosterUpload: Sendable {
    let store: any LRSStore
    let sessions: AccountSessions

    /// What can be uploaded.
    enum Document: String, CaseIterable {
        case roster, catalog
    }

    func register(on router: AreaRoutes) {
        for document in Document.allCases {
            router.getAndHead("/console/\(document.rawValue)") { request, context in
                try await sessions.page(request, context, needs: .admin) { account in
                    HTMLPage.html(.ok, ConsolePages.upload(document, current: try await summary(document), text: "", outcome: nil, account: account))
                }
            }
            router.post("/console/\(document.rawValue)") { request, context in
                try await sessions.form(request, context, needs: .admin, limit: ServerLimits.maxBodyBytes) { account, form in
                    let text = form["document"] ?? ""
                    switch try await apply(document, Array(text.utf8)) {
                    case .failure(let error):
                        return HTMLPage.html(.badRequest, ConsolePages.upload(
                            document, current: try await summary(document), text: text, outcome: .failure(error), account: account))
                    case .success(let loaded):
                        return HTMLPage.html(.ok, ConsolePages.upload(
                            document, current: try await summary(document), text: "", outcome: .success(loaded), account: account))
                    }
                }
            }
        }
    }

    /// Checks `bytes` whole and, when they hold no problem, loads them: what was loaded, or
    /// every problem.
    private func apply(_ document: Document, _ bytes: [UInt8]) async throws -> Result<String, AnalyticsInputError> {
        switch document {
        case .roster:
            // JSON when it starts as JSON does, CSV otherwise (as the roster's two forms).
            let trimmed = bytes.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
            let read = trimmed.first == UInt8(ascii: "[") ? Roster.read(json: bytes) : Roster.read(csv: bytes)
            guard case .success(let roster) = read else { return read.map { _ in "" } }
            try await store.replaceRoster(roster)
            return .success("Loaded the roster: \(roster.people.count) people.")
        case .catalog:
            let read = Catalog.read(bytes)
            guard case .success(let catalog) = read else { return read.map { _ in "" } }
            try await store.replaceCatalog(catalog)
            return .success("Loaded the catalog: \(catalog.skills.count) skills, \(catalog.programs.count) programs; every figure is derived again from it.")
        }
    }

    /// What is loaded now, in a line.
    private func summary(_ document: Document) async throws -> String {
        switch document {
        case .roster:
            let roster = try await store.roster()
            return roster.people.isEmpty ? "No roster is loaded." : "The roster lists \(roster.people.count) people in \(Set(roster.people.compactMap(\.team)).count) teams."
        case .catalog:
            guard let catalog = try await store.catalog() else { return "No catalog is loaded." }
            return "The catalog lists \(catalog.skills.count) skills and \(catalog.programs.count) programs."
        }
    }
}
