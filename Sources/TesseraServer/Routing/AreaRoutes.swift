import HTTPTypes
import Hummingbird

/// The routes of one area of the server (`/xapi`, `/analytics`, `/export`, `/admin`,
/// `/dashboard`, operations): a Hummingbird route group that carries exactly the area's
/// middleware. Middleware applies to the routes added after it, so an area adds its open routes
/// first, then authentication, then the rest.
///
/// The area remembers each path's methods and, once closed, answers the rest itself through its
/// own middleware: a method a path does not take gets 405 with `Allow` (OPTIONS gets 204 with
/// `Allow`, after CORS, where the area has it, answered a preflight), and a path under the area's
/// prefix that no resource serves gets 404, so that an unknown `/xapi` path still carries the
/// version header and a mistyped `/admin` path still needs a credential.
final class AreaRoutes {
    typealias Context = XAPIRequestContext
    typealias Handler = @Sendable (Request, Context) async throws -> Response

    /// Methods every path answers, if only to refuse them.
    private static let answeredMethods: [HTTPRequest.Method] = [.get, .head, .post, .put, .delete, .patch, .options, .trace]

    /// The path every route of the area starts with ("" for operations at the root).
    let prefix: String
    private let group: RouterGroup<Context>
    private var methodsByPath: [(path: String, methods: [HTTPRequest.Method])] = []

    /// An area of `router` under `prefix` (for example "/xapi").
    init(_ router: Router<Context>, prefix: String) {
        self.prefix = prefix
        self.group = router.group()
    }

    /// Adds middleware for the routes added after this call.
    @discardableResult func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> AreaRoutes {
        group.add(middleware: middleware)
        return self
    }

    /// Routes `method` at `path` (absolute, under the area's prefix) to `handler`.
    func on(_ path: String, method: HTTPRequest.Method, _ handler: @escaping Handler) {
        precondition(path == prefix || path.hasPrefix(prefix + "/"), "\(path) is outside the area \(prefix)")
        group.on(RouterPath(path), method: method, use: handler)
        if let index = methodsByPath.firstIndex(where: { $0.path == path }) {
            methodsByPath[index].methods.append(method)
        } else {
            methodsByPath.append((path, [method]))
        }
    }

    /// Routes GET to `handler` and HEAD to the same handler with the body dropped (xAPI asks
    /// for HEAD wherever there is GET).
    func getAndHead(_ path: String, _ handler: @escaping Handler) {
        on(path, method: .get, handler)
        on(path, method: .head) { request, context in
            var response = try await handler(request, context)
            response.body = .init()
            return response
        }
    }

    func get(_ path: String, _ handler: @escaping Handler) { on(path, method: .get, handler) }
    func put(_ path: String, _ handler: @escaping Handler) { on(path, method: .put, handler) }
    func post(_ path: String, _ handler: @escaping Handler) { on(path, method: .post, handler) }
    func delete(_ path: String, _ handler: @escaping Handler) { on(path, method: .delete, handler) }

    /// Adds the area's own answers for every other method of its paths and, under a prefix, for
    /// every other path. Call once, after every resource of the area has registered.
    func close() {
        for (path, methods) in methodsByPath {
            let allow = methods.map(\.rawValue).joined(separator: ", ")
            for method in Self.answeredMethods where !methods.contains(method) {
                group.on(RouterPath(path), method: method) { request, _ in
                    if request.method == .options { return Response(status: .noContent, headers: [.allow: allow]) }
                    throw XAPIError(
                        .methodNotAllowed, "\(request.method.rawValue) is not allowed on \(path) (it takes \(allow))", headers: [.allow: allow])
                }
            }
        }
        guard !prefix.isEmpty else { return }
        for method in Self.answeredMethods {
            group.on(RouterPath(prefix + "/**"), method: method) { request, _ -> Response in
                throw XAPIError(.notFound, "no resource at \(request.uri.path)")
            }
        }
    }
}
