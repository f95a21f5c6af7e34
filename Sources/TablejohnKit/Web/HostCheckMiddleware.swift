// Refuses requests for a Host the daemon does not serve (DNS rebinding), before any route runs.
import Hummingbird

/// Answers 421 Misdirected Request, with a one-line reason, to a request whose `Host`
/// the policy does not allow; every route (pages, API, runner API) sits behind it.
struct HostCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    var policy: HostPolicy
    /// A Host header left among the fields (HTTP/1 conversion moves the first one to `authority`).
    static var hostField: HTTPFields.Element.Name { HTTPFields.Element.Name("Host")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // HTTP/1's Host header arrives as the request's authority (as HTTP/2's :authority
        // does); any further Host header stays among the fields. Every one must be allowed.
        let names = [request.head.authority].compactMap { $0 } + request.headers[values: Self.hostField]
        if let refused = names.first(where: { !policy.allows($0) }) {
            return .plainText(.misdirectedRequest,
                              "this tablejohn does not answer for host \(String(refused.prefix(100)).debugDescription); add the name to [web] allowed-hosts")
        }
        return try await next(request, context)
    }
}
