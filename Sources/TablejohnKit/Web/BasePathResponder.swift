// The edge between a reverse proxy's addresses and the daemon's own: `[web] base-path` in and out.
import Hummingbird

/// Wraps the router: a request under the prefix is answered as the daemon's own path,
/// with `BasePath.current` set so pages link under the prefix; a `Location` the
/// handlers gave as one of the daemon's own paths gets the prefix; anything outside it is 404.
struct BasePathResponder<Inner: HTTPResponder>: HTTPResponder {
    typealias Context = Inner.Context
    var base: BasePath
    var inner: Inner

    func respond(to request: Request, context: Context) async throws -> Response {
        guard !base.value.isEmpty else { return try await inner.respond(to: request, context: context) }
        var answer: Response
        switch base.inbound(request.head.path ?? "/") {
        case .outside:
            answer = .plainText(.notFound, "Not found: tablejohn is served under \(base.value)/")
        case .redirect(let location):
            answer = Response(status: .movedPermanently, headers: [.location: location])
        case .serve(let path):
            var head = request.head
            head.path = path
            var response = try await BasePath.$current.withValue(base) {
                try await inner.respond(to: Request(head: head, body: request.body), context: context)
            }
            if let location = response.headers[.location], location.hasPrefix("/"), !location.hasPrefix("//") {
                response.headers[.location] = base.external(location)
            }
            return response
        }
        SecurityHeaders.add(to: &answer)
        return answer
    }
}
