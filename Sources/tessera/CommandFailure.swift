/// A command that ran and failed for a reason in its input (printed without the usage text,
/// which a `ValidationError` would add).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}
