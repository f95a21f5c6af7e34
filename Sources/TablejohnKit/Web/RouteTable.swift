// The route table: every route registered under its access rule, and the list of them all.
import Hummingbird
import HTTPTypes

/// One route as the table holds it.
struct RouteEntry: Sendable, Equatable, CustomStringConvertible {
    var method: String
    var path: String
    var policy: RoutePolicy

    var description: String { "\(method) \(path): \(policy.rawValue)" }
}

/// Hands out one group of routes per `RoutePolicy`, each behind its `AccessMiddleware`,
/// and records every route added through them: the routes and their rules are one list
/// (`entries`), which a test compares with the expected one.
final class RouteTable {
    private let router: Router<WebRequestContext>
    private let store: Store
    private let isPublic: Bool
    /// The routes added so far, in the order they were added.
    private(set) var entries: [RouteEntry] = []

    init(router: Router<WebRequestContext>, store: Store, isPublic: Bool) {
        self.router = router
        self.store = store
        self.isPublic = isPublic
    }

    /// A group whose routes are guarded by `policy`.
    func routes(_ policy: RoutePolicy) -> GuardedRoutes {
        GuardedRoutes(policy: policy, group: router.group().add(middleware: AccessMiddleware(policy: policy, store: store, isPublic: isPublic)),
                      table: self)
    }

    fileprivate func record(_ entry: RouteEntry) {
        entries.append(entry)
    }
}

/// The routes of one policy: adding a route records it in the table and registers it
/// behind the policy's middleware.
struct GuardedRoutes: RouterMethods {
    typealias Context = WebRequestContext
    let policy: RoutePolicy
    let group: RouterGroup<WebRequestContext>
    let table: RouteTable

    @discardableResult
    func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == WebRequestContext {
        table.record(RouteEntry(method: method.rawValue, path: path.description, policy: policy))
        group.on(path, method: method, responder: responder)
        return self
    }

    @discardableResult
    func add(middleware: any MiddlewareProtocol<Request, Response, WebRequestContext>) -> Self {
        group.add(middleware: middleware)
        return self
    }
}
