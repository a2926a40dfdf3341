import Hummingbird
import TesseraLRS
import XAPI

/// `DELETE /admin/agents?agent=…` (scope `admin`): erases a person (docs/audit.md "Erasure")
/// and answers with the audit log entry that records what was removed.
struct ErasureResource {
    let store: any LRSStore

    func register(on router: AreaRoutes) {
        router.delete("/admin/agents") { request, context in try await erase(request, context) }
    }

    private func erase(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        let credential = try context.require(.admin)
        let parameters = try QueryParameters(request)
        try Parameters.rejectUnknown(parameters, known: ["agent"], resource: "/admin/agents")
        guard let text = parameters["agent"] else { throw XAPIError.badParameter("agent", "is required: the Agent to erase, as JSON") }
        let agent = try Parameters.agent(text, version: .v2_0_0, groups: false)
        let report = try await store.erase(agent, requestedBy: "credential " + credential.name)
        return Response.json(.ok, report.entry)
    }
}
