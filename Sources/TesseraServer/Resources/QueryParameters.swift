import Foundation
import Hummingbird

/// A request's query parameters, decoded as HTML forms and most client libraries encode them
/// (`application/x-www-form-urlencoded`: `+` is a space, `%2B` a plus sign).
struct QueryParameters {
    /// Name and value pairs in order.
    let pairs: [(name: String, value: String)]

    /// The parameters of `request`'s query; a 400 for text that is not valid percent-encoding.
    init(_ request: Request) throws {
        try self.init(query: request.uri.query)
    }

    init(query: String?) throws {
        var pairs: [(name: String, value: String)] = []
        for field in (query ?? "").split(separator: "&") {
            let pair = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.formDecoded(pair[0]) else {
                throw XAPIError.badParameter(String(pair[0]), "the parameter name is not valid percent-encoding")
            }
            guard let value = pair.count > 1 ? Self.formDecoded(pair[1]) : "" else {
                throw XAPIError.badParameter(name, "is not valid percent-encoding")
            }
            // No identifier, IRI or name contains it, and databases cannot store it in text.
            guard !name.unicodeScalars.contains("\u{0}") && !value.unicodeScalars.contains("\u{0}") else {
                throw XAPIError.badParameter(name.unicodeScalars.contains("\u{0}") ? "(name)" : name, "must not contain U+0000 (NUL)")
            }
            pairs.append((name, value))
        }
        self.pairs = pairs
    }

    /// The first value of parameter `name`.
    subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// The names, in order.
    var names: [String] { pairs.map(\.name) }

    /// Decodes `application/x-www-form-urlencoded` text (`+` is a space); nil when a `%`
    /// escape is broken or the bytes are not UTF-8.
    static func formDecoded(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
