// The request context of every page and API route: Hummingbird's core storage plus who is asking.
import Hummingbird

/// Carries the viewer, filled in by the session middleware before a route runs.
struct WebRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Who is looking: anonymous until a valid session cookie says otherwise.
    var viewer = Viewer.anonymous
    /// The peer's IP address (the proxy's, behind a reverse proxy).
    let clientAddress: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }
}

/// Who is looking at a page, as far as the session cookie tells.
struct Viewer: Sendable, Equatable {
    /// The logged-in user's name, nil when nobody is logged in.
    var user: String?
    /// Whether the user may track refs, change the queue and fetch.
    var isAdmin: Bool
    /// The session's CSRF token, carried by every form a logged-in user submits.
    var csrfToken: String?

    static let anonymous = Viewer(user: nil, isAdmin: false, csrfToken: nil)
}
