import Hummingbird
import TesseraLRS
import XAPI

/// `/xapi/agents`: the Person object for an agent. Tessera does not link identities, so the
/// Person holds what the request names: the agent's identifier and its name, each in an array.
struct AgentsResource: Sendable {
    func register(on router: AreaRoutes) {
        router.getAndHead("/xapi/agents") { request, context in try get(request, context) }
    }

    private func get(_ request: Request, _ context: XAPIRequestContext) throws -> Response {
        _ = try context.require(anyOf: [.statementsReadMine, .allRead, .profile, .state])
        let parameters = try QueryParameters(request)
        try Parameters.rejectUnknown(parameters, known: ["agent"], resource: "the Agents resource")
        let text = try Parameters.required(parameters, "agent", for: "by the Agents resource")
        guard case .agent(let agent) = try Parameters.actor(text, version: context.version, name: "agent") else {
            throw XAPIError.badParameter("agent", "must be an Agent, not a Group")
        }
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key("objectType")
        writer.string("Person")
        if let name = agent.name {
            writer.key("name")
            writer.beginArray()
            writer.string(name)
            writer.endArray()
        }
        switch agent.identifier {
        case .mbox(let mbox): Self.list("mbox", mbox, &writer)
        case .mboxSHA1Sum(let sum): Self.list("mbox_sha1sum", sum, &writer)
        case .openID(let openID): Self.list("openid", openID, &writer)
        case .account(let homePage, let name):
            writer.key("account")
            writer.beginArray()
            writer.beginObject()
            writer.key("homePage")
            writer.string(homePage)
            writer.key("name")
            writer.string(name)
            writer.endObject()
            writer.endArray()
        }
        writer.endObject()
        return Response.json(.ok, writer.bytes)
    }

    private static func list(_ key: String, _ value: String, _ writer: inout JSONWriter) {
        writer.key(key)
        writer.beginArray()
        writer.string(value)
        writer.endArray()
    }
}
