import Foundation
import Hummingbird
import TesseraLRS
import XAPI

/// `DELETE /admin/agents?agent=…&reason=…` (scope `admin`): erases a person (docs/audit.md
/// "Erasure") and answers with the audit log entry that records what was removed, who asked
/// and, when given, why (a request or ticket reference, up to 500 characters).
struct ErasureResource {
    let store: any LRSStore

    func register(on router: AreaRoutes) {
        router.delete("/admin/agents") { request, context in try await erase(request, context) }
    }

    private func erase(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        let credential = try context.require(.admin)
        let parameters = try QueryParameters(request)
        try Parameters.rejectUnknown(parameters, known: ["agent", "reason"], resource: "/admin/agents")
        guard let text = parameters["agent"] else { throw XAPIError.badParameter("agent", "is required: the Agent to erase, as JSON") }
        let agent = try Parameters.agent(text, version: .v2_0_0, groups: false)
        let reason = parameters["reason"]?.trimmingCharacters(in: .whitespaces)
        if let reason, reason.isEmpty || reason.count > 500 || reason.unicodeScalars.contains("\u{0}") {
            throw XAPIError.badParameter("reason", "must be 1 to 500 characters: the request or ticket behind the erasure")
        }
        let report = try await store.erase(agent, requestedBy: "credential " + credential.name + (reason.map { "; reason: " + $0 } ?? ""))
        return Response.json(.ok, report.entry)
    }
}
