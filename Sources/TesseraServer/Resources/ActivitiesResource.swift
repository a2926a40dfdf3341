import Hummingbird
import TesseraLRS
import XAPI

/// `/xapi/activities`: the Activity object for an id, with the canonical definition merged
/// from the statements of credentials allowed to define activities. An activity nobody has
/// defined still gets an Activity object (its id alone).
struct ActivitiesResource: Sendable {
    let store: any LRSStore

    func register(on router: AreaRoutes) {
        router.getAndHead("/xapi/activities") { request, context in try await get(request, context) }
    }

    private func get(_ request: Request, _ context: XAPIRequestContext) async throws -> Response {
        _ = try context.require(anyOf: [.statementsReadMine, .allRead, .define, .state, .profile])
        let parameters = try QueryParameters(request)
        try Parameters.rejectUnknown(parameters, known: ["activityId"], resource: "the Activities resource")
        let id = try Parameters.iri(Parameters.required(parameters, "activityId", for: "by the Activities resource"), "activityId")
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.key("objectType")
        writer.string("Activity")
        writer.key("id")
        writer.string(id)
        if let definition = try await store.activityDefinitions([id])[id] {
            writer.key("definition")
            writer.rawValue(definition)
        }
        writer.endObject()
        return Response.json(.ok, writer.bytes)
    }
}
