import Hummingbird
import XAPI

/// Reads xAPI request parameters to the standards of statement values; a bad one is a 400
/// naming the parameter and the rule.
enum Parameters {
    /// Throws for the first parameter not in `known`.
    static func rejectUnknown(_ parameters: QueryParameters, known: Set<String>, resource: String) throws {
        for name in parameters.names where !known.contains(name) {
            throw XAPIError.badParameter(name, "is not a parameter of \(resource)")
        }
    }

    /// The value of a parameter the request must have.
    static func required(_ parameters: QueryParameters, _ name: String, for purpose: String) throws -> String {
        guard let value = parameters[name] else { throw XAPIError.badParameter(name, "is required \(purpose)") }
        return value
    }

    static func uuid(_ text: String, _ name: String) throws -> XAPIUUID {
        guard let uuid = XAPIUUID(text) else { throw XAPIError.badParameter(name, "must be a UUID, got \"\(text)\"") }
        return uuid
    }

    static func iri(_ text: String, _ name: String) throws -> String {
        guard Formats.isIRI(text) else {
            throw XAPIError.badParameter(name, "must be an absolute IRI with a scheme, got \"\(text)\"")
        }
        return text
    }

    static func bool(_ text: String?, _ name: String) throws -> Bool {
        switch text {
        case nil, "false": return false
        case "true": return true
        case let other?: throw XAPIError.badParameter(name, "must be true or false, got \"\(other)\"")
        }
    }

    static func timestamp(_ text: String, _ name: String, version: XAPIVersion) throws -> XAPITimestamp {
        guard case .success(let time) = XAPITimestamp.parse(text, version: version) else {
            throw XAPIError.badParameter(name, "must be a timestamp such as 2024-05-01T10:00:00Z, got \"\(text)\"")
        }
        return time
    }

    /// The identifier of the Agent (or, with `groups`, identified Group) given as JSON in
    /// parameter `name`.
    static func agent(
        _ text: String, version: XAPIVersion, name: String = "agent", groups: Bool = true
    ) throws -> InverseFunctionalIdentifier {
        try checked(StatementReader.readAgentIdentifier(json: text, version: version, root: name, groups: groups))
    }

    /// The Agent or Group given as JSON in parameter `name`, checked by the statement rules.
    static func actor(_ text: String, version: XAPIVersion, name: String) throws -> Actor {
        try checked(StatementReader.readActor(json: text, version: version, root: name))
    }

    /// The value, or a 400 naming every rule broken (paths rooted at the parameter's name).
    private static func checked<Value>(_ result: Result<Value, StatementRejection>) throws -> Value {
        switch result {
        case .success(let value):
            return value
        case .failure(let rejection):
            throw XAPIError(.badRequest, rejection.description,
                errors: rejection.errors.map { .init(index: nil, path: $0.path, message: $0.message) })
        }
    }
}
