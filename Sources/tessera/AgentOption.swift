import ArgumentParser
import XAPI

/// An `--agent` option: an Agent as JSON, as the xAPI `agent` parameter takes it.
enum AgentOption {
    /// The identifier of the Agent `text` gives (not a Group); a validation error naming the
    /// rule otherwise.
    static func identifier(_ text: String) throws -> InverseFunctionalIdentifier {
        switch StatementReader.readAgentIdentifier(json: text, version: .v2_0_0, root: "agent", groups: false) {
        case .success(let identifier): return identifier
        case .failure(let rejection): throw ValidationError("--\(rejection.description)")
        }
    }
}
