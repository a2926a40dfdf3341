import Foundation
import Hummingbird

/// The media type of a request's Content-Type, lower-cased, without parameters.
enum MediaType {
    static func of(_ request: Request) -> String {
        (request.headers[.contentType] ?? "").split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
    }
}
