import HTTPTypes
import Hummingbird
import TesseraLRS
import XAPI

/// `/admin/credentials` (scope `admin`; docs/api.md): the API credentials, for tools that
/// manage them. `GET` lists them (never a secret), `POST` creates one from
/// `{"name": "...", "scopes": ["statements/write"]}` and answers its secret once (201), `DELETE
/// /admin/credentials/{key}` revokes one at once (204). The console does the same for people.
struct CredentialsAdminResource {
    let credentials: Credentials

    func register(on router: AreaRoutes) {
        router.getAndHead("/admin/credentials") { _, context in
            _ = try context.require(.admin)
            var writer = JSONWriter(capacity: 1024)
            writer.beginArray()
            for credential in try await credentials.list() { Self.write(credential, secret: nil, &writer) }
            writer.endArray()
            return Response.json(.ok, writer.bytes)
        }
        router.post("/admin/credentials") { request, context in
            _ = try context.require(.admin)
            let (name, scopes) = try await Self.creation(request)
            let issued = try await credentials.create(name: name, scopes: scopes)
            var writer = JSONWriter(capacity: 512)
            Self.write(issued.credential, secret: issued.secret, &writer)
            return Response.json(.created, writer.bytes)
        }
        router.delete("/admin/credentials/{key}") { _, context in
            _ = try context.require(.admin)
            let key = context.parameters.get("key") ?? ""
            guard try await credentials.revoke(key: key) else {
                throw XAPIError(.notFound, "no active credential with key \(key)")
            }
            return Response(status: .noContent)
        }
    }

    /// The name and scopes of a `POST`, every rule checked.
    private static func creation(_ request: Request) async throws -> (String, Set<Scope>) {
        guard MediaType.of(request) == "application/json" else {
            throw XAPIError.badParameter("Content-Type", "a new credential is application/json: {\"name\": ..., \"scopes\": [...]}")
        }
        var request = request
        let body = Array(try await request.collectBody(upTo: 64 * 1024).readableBytesView)
        guard let document = try? JSONDocument.parse(body), document.root.kind == .object else {
            throw XAPIError.badParameter("body", "must be a JSON object: {\"name\": ..., \"scopes\": [...]}")
        }
        let root = document.root
        if let unknown = root.members.map(\.key).first(where: { !["name", "scopes"].contains($0) }) {
            throw XAPIError.badParameter(unknown, "is not a member of a new credential (name, scopes)")
        }
        guard let name = root["name"]?.string, !name.isEmpty, name.count <= 200, !name.unicodeScalars.contains("\u{0}") else {
            throw XAPIError.badParameter("name", "is required: a label of 1 to 200 characters")
        }
        guard let listed = root["scopes"], listed.kind == .array, listed.count > 0 else {
            throw XAPIError.badParameter("scopes", "is required: a non-empty array of scope names")
        }
        var scopes = Set<Scope>()
        for (index, element) in listed.elements.enumerated() {
            guard let text = element.string, let scope = Scope(rawValue: text) else {
                throw XAPIError.badParameter("scopes[\(index)]", "is not a scope (\(Scope.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            scopes.insert(scope)
        }
        return (name, scopes)
    }

    private static func write(_ credential: Credential, secret: String?, _ writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("key"); writer.string(credential.key)
        if let secret { writer.key("secret"); writer.string(secret) }
        writer.key("name"); writer.string(credential.name)
        writer.key("scopes")
        writer.beginArray()
        for scope in credential.scopes.map(\.rawValue).sorted() { writer.string(scope) }
        writer.endArray()
        writer.key("created"); writer.string(credential.created.text)
        writer.key("revoked")
        if let revoked = credential.revoked { writer.string(revoked.text) } else { writer.null() }
        writer.key("lastUsed")
        if let used = credential.lastUsed { writer.string(used.text) } else { writer.null() }
        writer.endObject()
    }
}
