// Who may call a route: the access rule each group of routes carries, and its enforcement.
import Hummingbird

/// The access rule of a group of routes (`RouteTable`). Every route has exactly one; a
/// route added without one does not exist, so none becomes readable by accident.
enum RoutePolicy: String, CaseIterable, Sendable {
    /// Anyone, no session read: static files.
    case open
    /// Pages, graph data and exports: anyone on a public instance (`[web] public`), a
    /// logged-in user on a private one (pages send others to /login, /api/… answers 401).
    case reading
    /// Login and logout: anyone; the session is read for the route to use.
    case session
    /// Admin form posts: an admin's session, asked for from the same site; the route then
    /// checks the form's CSRF token.
    case admin
    /// The runner API: a runner's token (HTTP Basic), checked by `RunnerService`; no session read.
    case runnerToken = "runner token"
    /// The push hook: the forge's signature of the body (`[repo] hook-secret`), checked by the route.
    case hookSignature = "hook signature"
    /// /metrics: what `reading` allows, or the scraper's bearer token (`[web] metrics-token`), checked by the route.
    case metricsToken = "reading or metrics token"

    /// Whether a request under this policy has its session cookie looked up.
    var readsSession: Bool {
        switch self {
        case .open, .runnerToken, .hookSignature: false
        case .reading, .session, .admin, .metricsToken: true
        }
    }
}

/// Enforces a group's `RoutePolicy` before its routes run: reads the session cookie into
/// `context.viewer` (one read of the sessions table's primary key) where the policy uses
/// it, and refuses what the policy refuses.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    var policy: RoutePolicy
    var store: Store
    var isPublic: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard policy.readsSession else { return try await next(request, context) }
        var context = context
        if let token = SessionCookie.token(request), let session = try store.session(token: token, now: Timestamp.now()) {
            context.viewer = Viewer(user: session.user, isAdmin: session.admin, csrfToken: session.csrfToken)
        }
        switch policy {
        case .reading where !isPublic && context.viewer.user == nil:
            if request.uri.path.hasPrefix("/api/") {
                return .plainText(.unauthorized, "this tablejohn is private: log in at /login first")
            }
            let here = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return .seeOther("/login?next=" + LocalPath.queryEscaped(LocalPath.sanitized(here)))
        case .admin:
            let checked = context
            return try await AuthRoutes.refusingCrossSite(request, checked) {
                guard checked.viewer.user != nil else { throw WebPageError.loginRequired }
                guard checked.viewer.isAdmin else { throw WebPageError.notAdmin }
                return try await next(request, checked)
            }
        default:
            return try await next(request, context)
        }
    }
}
