// GET/POST /login and POST /logout, and the admin actions (AdminRoutes): sessions in, sessions out.
import Foundation
import Hummingbird

enum AuthRoutes {
    /// Adds the login and logout routes.
    static func add(to router: some RouterMethods<WebRequestContext>, _ web: WebContext) {
        router.get("/login") { request, context in
            loginPage(next: LocalPath.sanitized(request.uri.queryParameters["next"].map(String.init)), viewer: context.viewer,
                      secure: SessionCookie.isSecure(request))
        }
        router.post("/login") { request, context in
            try await login(request, context, web)
        }
        router.post("/logout") { request, context in
            try await refusingCrossSite(request, context) {
                let form = try await FormFields.read(request)
                if let expected = context.viewer.csrfToken {
                    guard tokensMatch(form["csrf"], expected) else { throw WebPageError.badCSRF }
                    if let token = SessionCookie.token(request) { try web.store.endSession(token: token) }
                }
                var response = Response.seeOther("/")
                response.setCookie(SessionCookie.cleared(secure: SessionCookie.isSecure(request)))
                return response
            }
        }
    }

    /// Checks the login form's double-submit token, then the password (off the event
    /// loop); on success starts a session and sends the browser to `next`.
    private static func login(_ request: Request, _ context: WebRequestContext, _ web: WebContext) async throws -> Response {
        try await refusingCrossSite(request, context) {
            let form = try await FormFields.read(request)
            let next = LocalPath.sanitized(form["next"])
            let secure = SessionCookie.isSecure(request)
            let name = form["user"] ?? ""
            // Login CSRF: the form must carry the token of the cookie GET /login set. The
            // cookie is SameSite=Strict, so another site's form cannot send it along.
            guard tokensMatch(form["csrf"], request.cookies[LoginCookie.name]?.value) else {
                return loginPage(next: next, name: name, error: "The login form had expired; please try again.",
                                 status: .forbidden, viewer: context.viewer, secure: secure)
            }
            let password = form["password"] ?? ""
            let keys = LoginThrottle.keys(user: name, client: context.clientAddress)
            switch web.loginGate.begin(keys) {
            case .proceed:
                break
            case .wait(let seconds):
                var page = loginPage(next: next, name: name, error: "Too many failed logins; try again in \(seconds) s.",
                                     status: .tooManyRequests, viewer: context.viewer, secure: secure)
                page.headers[.retryAfter] = String(seconds)
                return page
            case .busy:
                var page = loginPage(next: next, name: name, error: "Too many logins at once; try again in a few seconds.",
                                     status: .tooManyRequests, viewer: context.viewer, secure: secure)
                page.headers[.retryAfter] = "2"
                return page
            }
            let matches: Bool
            do {
                // A password bcrypt could not have stored is wrong without a lookup, but still costs a check.
                let storable = (try? UserAccount.validate(password: password)) != nil
                let hash = storable ? try web.store.passwordHash(user: name) : nil
                matches = try await PasswordHasher().verify(password, hash: hash)
            } catch {
                web.loginGate.finish(keys, succeeded: false)
                throw error
            }
            web.loginGate.finish(keys, succeeded: matches)
            guard matches else {
                return loginPage(next: next, name: name, error: "Wrong name or password.", status: .unauthorized,
                                 viewer: context.viewer, secure: secure)
            }
            let session = try web.store.createSession(user: name, now: Timestamp.now())
            var response = Response.seeOther(next)
            response.setCookie(SessionCookie.set(session.token, secure: secure))
            response.setCookie(LoginCookie.cleared(secure: secure))
            return response
        }
    }

    /// The login page with a fresh double-submit token in its form and its cookie.
    private static func loginPage(next: String, name: String = "", error: String? = nil, status: HTTPResponse.Status = .ok,
                                  viewer: Viewer, secure: Bool) -> Response {
        let token = RunnerToken.generate()
        let page = LoginPage(next: next, loginToken: token, name: name, error: error, viewer: viewer)
        var response = Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                                body: .init(byteBuffer: ByteBuffer(string: page.render())))
        response.setCookie(LoginCookie.set(token, secure: secure))
        return response
    }

    /// Runs `body` unless the browser says the request comes from another site
    /// (`Sec-Fetch-Site: cross-site`); a second line of defence behind the CSRF tokens.
    /// Page errors are shown with the viewer's top bar.
    static func refusingCrossSite(_ request: Request, _ context: WebRequestContext,
                                  _ body: () async throws -> Response) async throws -> Response {
        do {
            if request.headers[.secFetchSite] == "cross-site" { throw WebPageError.crossSite }
            return try await body()
        } catch var error as WebPageError {
            error.viewer = context.viewer
            throw error
        }
    }

    /// Whether a form's token equals the expected one, compared in constant time.
    static func tokensMatch(_ given: String?, _ expected: String?) -> Bool {
        guard let given, let expected, !expected.isEmpty else { return false }
        return RunnerToken.equalInConstantTime(Data(given.utf8), Data(expected.utf8))
    }
}

/// The pre-session cookie of the login form (double-submit): random, HttpOnly,
/// SameSite=Strict, sent only to /login, gone after an hour or a successful login.
enum LoginCookie {
    static let name = "tablejohn_login"

    static func set(_ token: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: token, maxAge: 3600, path: URLPath.href("/login"), secure: secure, httpOnly: true, sameSite: .strict)
    }

    static func cleared(secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: URLPath.href("/login"), secure: secure, httpOnly: true, sameSite: .strict)
    }
}
