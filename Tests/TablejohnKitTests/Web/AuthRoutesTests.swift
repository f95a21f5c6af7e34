import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import TestSupport
@testable import TablejohnKit

/// A browser's state in the router tests: its cookies and the CSRF token of the last page.
struct TestBrowser {
    var cookies: [String: String] = [:]

    var cookieHeader: String { cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }

    mutating func remember(_ response: TestResponse) {
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            cookies[String(pair[0])] = pair.count > 1 && !pair[1].isEmpty ? String(pair[1]) : nil
        }
    }
}

@Suite("Auth: login, sessions and admin actions")
struct AuthRoutesTests {
    let repo: TestRepository
    let store: Store
    let hashes: [String]
    let sync: SyncService

    init() async throws {
        repo = try TestRepository()
        hashes = try repo.commits(3)
        try repo.git(["branch", "topic", hashes[1]])
        store = try Store.inMemory()
        let git = try GitRepository(opening: repo.path)
        sync = SyncService(repository: git, store: store, remote: nil, interval: .seconds(60), logger: Logger(label: "test"))
        _ = await sync.runRound()
        let hasher = PasswordHasher(cost: 4)
        try store.addUser("admin", passwordHash: try await hasher.hash("admin password"), admin: true, now: Timestamp.now())
        try store.addUser("reader", passwordHash: try await hasher.hash("reader password"), admin: false, now: Timestamp.now())
    }

    func app(isPublic: Bool = true) throws -> some ApplicationProtocol {
        let git = try GitRepository(opening: repo.path)
        let web = WebContext(store: store, sync: sync.status, repositoryPath: repo.path,
                             resolver: RevisionResolver(store: store, repository: git), isPublic: isPublic, syncService: sync)
        return Application(router: WebRoutes.router(web))
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        ByteBuffer(string: fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&"))
    }

    /// GET with the browser's cookies, remembering the ones set.
    func get(_ client: some TestClientProtocol, _ path: String, as browser: inout TestBrowser,
             headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if !browser.cookies.isEmpty { headers[.cookie] = browser.cookieHeader }
        let response = try await client.execute(uri: path, method: .get, headers: headers)
        browser.remember(response)
        return response
    }

    /// POSTs an urlencoded form with the browser's cookies, remembering the ones set.
    func post(_ client: some TestClientProtocol, _ path: String, _ fields: [(String, String)], as browser: inout TestBrowser,
              headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        if !browser.cookies.isEmpty { headers[.cookie] = browser.cookieHeader }
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: Self.form(fields))
        browser.remember(response)
        return response
    }

    /// The value of the first hidden `csrf` field of a page.
    static func csrf(_ page: TestResponse) throws -> String {
        String(try #require(String(buffer: page.body).firstMatch(of: #/name="csrf" value="([0-9a-f]+)"/#)?.output.1))
    }

    /// Logs in through the form as a browser would; returns the answer to the POST.
    @discardableResult
    func logIn(_ client: some TestClientProtocol, _ user: String, _ password: String, next: String = "/",
               as browser: inout TestBrowser, headers: HTTPFields = [:]) async throws -> TestResponse {
        let page = try await get(client, "/login", as: &browser)
        return try await post(client, "/login", [("user", user), ("password", password), ("csrf", try Self.csrf(page)), ("next", next)],
                              as: &browser, headers: headers)
    }

    /// The CSRF token of the logged-in browser, as the top bar's logout form carries it.
    func sessionCSRF(_ client: some TestClientProtocol, as browser: inout TestBrowser) async throws -> String {
        try Self.csrf(try await get(client, "/", as: &browser))
    }

    func tracked(_ ref: String) throws -> Bool { try store.refs()["refs/heads/" + ref]?.tracked == true }

    @Test("logging in sets an HttpOnly, SameSite=Strict session cookie and the pages show the user")
    func loginSetsSessionCookie() async throws {
        try await app().test(.router) { client in
            var browser = TestBrowser()
            let login = try await get(client, "/login?next=/queue/", as: &browser)
            #expect(login.status == .ok)
            #expect(String(buffer: login.body).contains("<form id=\"login\" method=\"post\" action=\"/login\">"))
            #expect(String(buffer: login.body).contains("<input type=\"hidden\" name=\"next\" value=\"/queue/\">"))

            let answer = try await post(client, "/login", [("user", "admin"), ("password", "admin password"),
                                                           ("csrf", try Self.csrf(login)), ("next", "/queue/")], as: &browser)

            #expect(answer.status == .seeOther)
            #expect(answer.headers[.location] == "/queue/")
            let cookie = try #require(answer.headers[values: .setCookie].first { $0.hasPrefix("tablejohn_session=") })
            #expect(cookie.contains(#/^tablejohn_session=[0-9a-f]{64};/#))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"))
            let page = String(buffer: try await get(client, "/", as: &browser).body)
            #expect(page.contains("<span id=\"viewer\">admin</span>"))
            #expect(page.contains("<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\""))
            #expect(!page.contains("Log in</a>"))

            // Behind an https proxy the cookie is Secure too.
            var proxied = TestBrowser()
            let secure = try await logIn(client, "admin", "admin password", as: &proxied, headers: [.xForwardedProto: "https"])
            #expect(secure.headers[values: .setCookie].contains { $0.hasPrefix("tablejohn_session=") && $0.contains("Secure") })
        }
    }

    @Test("a wrong password and an unknown user get the same 401 page and no session")
    func wrongPassword() async throws {
        try await app().test(.router) { client in
            var browser = TestBrowser()
            let wrong = try await logIn(client, "admin", "not the password", as: &browser)
            let unknown = try await logIn(client, "nobody", "admin password", as: &browser)

            for answer in [wrong, unknown] {
                #expect(answer.status == .unauthorized)
                #expect(!answer.headers[values: .setCookie].contains { $0.hasPrefix("tablejohn_session=") })
                #expect(String(buffer: answer.body).contains("<p id=\"login-error\" class=\"error\">Wrong name or password.</p>"))
            }
            let message = { (answer: TestResponse) in String(buffer: answer.body).firstMatch(of: #/<p id="login-error"[^<]*</p>/#)?.output }
            #expect(message(wrong) == message(unknown))
            #expect(browser.cookies["tablejohn_session"] == nil)
            #expect(String(buffer: try await get(client, "/", as: &browser).body).contains("id=\"login-link\""))
        }
    }

    @Test("after five wrong passwords a name must wait: 429 with Retry-After, even for the right password; others log in")
    func loginThrottled() async throws {
        try await app().test(.router) { client in
            var browser = TestBrowser()
            for _ in 0..<LoginThrottle.freeFailures {
                #expect(try await logIn(client, "admin", "guess", as: &browser).status == .unauthorized)
            }
            let sixth = try await logIn(client, "admin", "guess", as: &browser)
            #expect(sixth.status == .unauthorized)

            let blocked = try await logIn(client, "Admin", "admin password", as: &browser)

            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter] == "1")
            #expect(String(buffer: blocked.body).contains("Too many failed logins; try again in 1 s."))
            #expect(!blocked.headers[values: .setCookie].contains { $0.hasPrefix("tablejohn_session=") })
            var other = TestBrowser()
            #expect(try await logIn(client, "reader", "reader password", as: &other).status == .seeOther)
        }
    }

    @Test("a login form without the login cookie's token is refused (login CSRF)")
    func loginCSRF() async throws {
        try await app().test(.router) { client in
            var attacker = TestBrowser()
            let forged = try await post(client, "/login", [("user", "admin"), ("password", "admin password"), ("csrf", "0123")],
                                        as: &attacker)
            #expect(forged.status == .forbidden)
            #expect(String(buffer: forged.body).contains("The login form had expired"))
            #expect(attacker.cookies["tablejohn_session"] == nil)

            var crossSite = TestBrowser()
            let fromElsewhere = try await logIn(client, "admin", "admin password", as: &crossSite,
                                                headers: [.secFetchSite: "cross-site"])
            #expect(fromElsewhere.status == .forbidden)
            #expect(crossSite.cookies["tablejohn_session"] == nil)
        }
    }

    @Test("an admin tracks a ref with session and CSRF token; without either, or as a non-admin, nothing changes")
    func adminTrack() async throws {
        try await app().test(.router) { client in
            var admin = TestBrowser()
            try await logIn(client, "admin", "admin password", as: &admin)
            let csrf = try await sessionCSRF(client, as: &admin)

            var anonymous = TestBrowser()
            let refused = try await post(client, "/admin/track", [("ref", "topic"), ("csrf", csrf), ("back", "/")], as: &anonymous)
            #expect(refused.status == .forbidden)
            #expect(String(buffer: refused.body).contains("Log in as an admin to do this."))
            #expect(try !tracked("topic"))

            let forged = try await post(client, "/admin/track", [("ref", "topic"), ("csrf", String(csrf.reversed())), ("back", "/")], as: &admin)
            #expect(forged.status == .forbidden)
            #expect(String(buffer: forged.body).contains("reload the page and try again"))
            let missing = try await post(client, "/admin/track", [("ref", "topic")], as: &admin)
            #expect(missing.status == .forbidden)
            #expect(try !tracked("topic"))

            var reader = TestBrowser()
            try await logIn(client, "reader", "reader password", as: &reader)
            let readerCSRF = try await sessionCSRF(client, as: &reader)
            let notAdmin = try await post(client, "/admin/track", [("ref", "topic"), ("csrf", readerCSRF)], as: &reader)
            #expect(notAdmin.status == .forbidden)
            #expect(String(buffer: notAdmin.body).contains("Your account is not an admin"))
            #expect(try !tracked("topic"))

            let done = try await post(client, "/admin/track", [("ref", "topic"), ("csrf", csrf), ("back", "/queue/")], as: &admin)
            #expect(done.status == .seeOther)
            #expect(done.headers[.location] == "/queue/")
            #expect(try tracked("topic"))

            let untracked = try await post(client, "/admin/untrack", [("ref", "refs/heads/topic"), ("csrf", csrf), ("back", "//evil.example/")],
                                           as: &admin)
            #expect(untracked.status == .seeOther)
            #expect(untracked.headers[.location] == "/")
            #expect(try !tracked("topic"))

            let unknown = try await post(client, "/admin/track", [("ref", "nope"), ("csrf", csrf)], as: &admin)
            #expect(unknown.status == .badRequest)
            #expect(String(buffer: unknown.body).contains("No ref or commit named nope."))
        }
    }

    @Test("queue actions add, reprioritise and remove commits; bad input is a 400 page and changes nothing")
    func queueActions() async throws {
        try await app().test(.router) { client in
            var admin = TestBrowser()
            try await logIn(client, "admin", "admin password", as: &admin)
            let csrf = try await sessionCSRF(client, as: &admin)
            let commit = String(hashes[0].prefix(10))

            let added = try await post(client, "/admin/queue/add", [("commit", commit), ("priority", "5"), ("csrf", csrf), ("back", "/queue/")],
                                       as: &admin)
            #expect(added.status == .seeOther)
            #expect(added.headers[.location] == "/queue/")
            #expect(try store.queue().map { [$0.hash: $0.priority] } == [[hashes[0]: 5]])

            let reprioritised = try await post(client, "/admin/queue/priority", [("commit", commit), ("priority", "-3"), ("csrf", csrf)], as: &admin)
            #expect(reprioritised.status == .seeOther)
            #expect(try store.queue().map(\.priority) == [-3])

            for (path, fields, message) in [
                ("/admin/queue/priority", [("commit", commit), ("priority", "high")], "The priority must be a whole number from -1000000 to 1000000."),
                ("/admin/queue/add", [("commit", commit), ("priority", "10000000")], "The priority must be a whole number from -1000000 to 1000000."),
                ("/admin/queue/add", [("commit", "nope")], "No ref or commit named nope."),
                ("/admin/queue/remove", [("commit", "")], "The form is missing the field “commit”."),
            ] {
                let refused = try await post(client, path, fields + [("csrf", csrf)], as: &admin)
                #expect(refused.status == .badRequest, "\(path) \(fields)")
                #expect(String(buffer: refused.body).contains(message), "\(path) \(fields)")
            }
            #expect(try store.queue().map(\.priority) == [-3])

            let removed = try await post(client, "/admin/queue/remove", [("commit", commit), ("csrf", csrf)], as: &admin)
            #expect(removed.status == .seeOther)
            #expect(try store.queueLength() == 0)
            let again = try await post(client, "/admin/queue/remove", [("commit", commit), ("csrf", csrf)], as: &admin)
            #expect(again.status == .conflict)
            #expect(String(buffer: again.body).contains("\(commit) is not in the queue."))

            let huge = try await post(client, "/admin/queue/add", [("commit", commit), ("csrf", csrf), ("pad", String(repeating: "x", count: 70_000))],
                                      as: &admin)
            #expect(huge.status == .contentTooLarge)
            #expect(try store.queueLength() == 0)
        }
    }

    @Test("fetch now runs a sync round: a new commit is imported before the redirect")
    func fetchNow() async throws {
        try await app().test(.router) { client in
            var admin = TestBrowser()
            try await logIn(client, "admin", "admin password", as: &admin)
            let csrf = try await sessionCSRF(client, as: &admin)
            try repo.commit("fresh")

            let anonymous = try await client.execute(uri: "/admin/fetch", method: .post,
                                                     headers: [.contentType: "application/x-www-form-urlencoded"], body: Self.form([("csrf", csrf)]))
            #expect(anonymous.status == .forbidden)
            #expect(try store.commitCounts().total == 3)

            let fetched = try await post(client, "/admin/fetch", [("csrf", csrf), ("back", "/")], as: &admin)
            #expect(fetched.status == .seeOther)
            #expect(try store.commitCounts().total == 4)
        }
    }

    @Test("with public = false, pages and exports need a login; login, static files and the runner API do not")
    func privateInstance() async throws {
        try await app(isPublic: false).test(.router) { client in
            var anonymous = TestBrowser()
            let front = try await get(client, "/", as: &anonymous)
            #expect(front.status == .seeOther)
            #expect(front.headers[.location] == "/login?next=/")
            let run = try await get(client, "/run/abc/?x=1", as: &anonymous)
            #expect(run.headers[.location] == "/login?next=/run/abc/%3Fx%3D1")
            let export = try await get(client, "/api/export.csv", as: &anonymous)
            #expect(export.status == .unauthorized)
            #expect(String(buffer: export.body).contains("log in"))

            #expect(try await get(client, "/login", as: &anonymous).status == .ok)
            let css = try await get(client, "/static/style.css", as: &anonymous)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            // The runner API answers for itself: its own Basic-auth refusal, not a login redirect.
            let runner = try await client.execute(uri: "/api/runner/status", method: .post, body: ByteBuffer(string: "{}"))
            #expect(runner.status == .unauthorized)
            #expect(String(buffer: runner.body).contains("tjctl runner add"))

            let login = try await logIn(client, "reader", "reader password", next: "/", as: &anonymous)
            #expect(login.headers[.location] == "/")
            let page = try await get(client, "/", as: &anonymous)
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("<span id=\"viewer\">reader</span>"))
            #expect(try await get(client, "/api/export.csv", as: &anonymous).status == .ok)
        }
    }

    @Test("logging out ends the session: the old cookie opens nothing")
    func logout() async throws {
        try await app().test(.router) { client in
            var admin = TestBrowser()
            try await logIn(client, "admin", "admin password", as: &admin)
            let csrf = try await sessionCSRF(client, as: &admin)
            let oldCookies = admin

            let refused = try await post(client, "/logout", [("csrf", "bad")], as: &admin)
            #expect(refused.status == .forbidden)
            let out = try await post(client, "/logout", [("csrf", csrf)], as: &admin)

            #expect(out.status == .seeOther)
            #expect(out.headers[.location] == "/")
            #expect(out.headers[values: .setCookie].contains { $0.hasPrefix("tablejohn_session=;") && $0.contains("Max-Age=0") })
            var replay = oldCookies
            #expect(String(buffer: try await get(client, "/", as: &replay).body).contains("id=\"login-link\""))
            var stale = oldCookies
            let action = try await post(client, "/admin/track", [("ref", "topic"), ("csrf", csrf)], as: &stale)
            #expect(action.status == .forbidden)
            #expect(try !tracked("topic"))
        }
    }

    @Test("after login, next goes only to a local path", arguments: [
        ("/queue/", "/queue/"), ("//evil.example/", "/"), ("/\\evil.example", "/"), ("https://evil.example/", "/"),
        ("", "/"), ("/run/x/?a=b", "/run/x/?a=b"),
    ])
    func nextIsLocal(next: String, location: String) async throws {
        try await app().test(.router) { client in
            var browser = TestBrowser()
            let answer = try await logIn(client, "admin", "admin password", next: next, as: &browser)
            #expect(answer.status == .seeOther)
            #expect(answer.headers[.location] == location)
        }
    }
}
