// Who is asking: reads the session cookie into the request's viewer, and keeps private instances private.
import Foundation
import Hummingbird

/// Looks up the `tablejohn_session` cookie (one read of the sessions table's primary
/// key) and sets `context.viewer`. With `[web] public = false`, an anonymous request
/// for a page is sent to the login page (303) and one for the reading API gets 401.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    var store: Store
    var isPublic: Bool

    /// How a path is guarded.
    enum Access: Equatable {
        /// The runner API (its own Basic auth), the push hook (its signature) and static files: no session needed or read.
        case open
        /// Login, logout, admin actions and /metrics (which also takes a token): the session is read, the route decides.
        case ownCheck
        /// Pages, graphs and exports: need a login unless the instance is public.
        case reading
    }

    static func access(path: String) -> Access {
        if path.hasPrefix("/static/") || path.hasPrefix("/api/runner/") || path == "/api/runs" || path == "/api/hook" { return .open }
        if path == "/login" || path == "/logout" || path.hasPrefix("/admin/") || path == "/metrics" { return .ownCheck }
        return .reading
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let access = Self.access(path: request.uri.path)
        guard access != .open else { return try await next(request, context) }
        var context = context
        if let token = SessionCookie.token(request), let session = try store.session(token: token, now: Timestamp.now()) {
            context.viewer = Viewer(user: session.user, isAdmin: session.admin, csrfToken: session.csrfToken)
        } else if !isPublic && access == .reading {
            if request.uri.path.hasPrefix("/api/") {
                return .plainText(.unauthorized, "this tablejohn is private: log in at /login first")
            }
            let here = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return .seeOther("/login?next=" + LocalPath.queryEscaped(LocalPath.sanitized(here)))
        }
        return try await next(request, context)
    }
}

/// The session cookie: 64 hex digits naming a row of `sessions` by its SHA-256.
enum SessionCookie {
    static let name = "tablejohn_session"

    /// The token of a well-formed session cookie, if the request has one.
    static func token(_ request: Request) -> String? {
        guard let value = request.cookies[name]?.value, value.utf8.count == 64,
              value.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        return value
    }

    /// Sets the cookie: HttpOnly, SameSite=Strict, for the whole site, as long as the session lasts.
    static func set(_ token: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: token, maxAge: Int(UserAccount.sessionLifetime.components.seconds), path: BasePath.current.description,
               secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// Tells the browser to forget the cookie.
    static func cleared(secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: BasePath.current.description, secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// Whether the browser reached us over https (directly or through a proxy that says so):
    /// only then may cookies carry `Secure`, since the daemon serves plain http by default.
    static func isSecure(_ request: Request) -> Bool {
        if request.head.scheme == "https" { return true }
        let forwarded = request.headers[.xForwardedProto]?.split(separator: ",").first
        return forwarded?.trimmingCharacters(in: .whitespaces).lowercased() == "https"
    }
}

extension HTTPFields.Element.Name {
    /// Set by a reverse proxy: the scheme the browser used.
    static let xForwardedProto = Self("X-Forwarded-Proto")!
    /// Set by browsers: whether a request comes from the same site, another site, or none.
    static let secFetchSite = Self("Sec-Fetch-Site")!
}
