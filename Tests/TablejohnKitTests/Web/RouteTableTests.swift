import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

/// The route table: every route the daemon serves, under one access rule each, and each
/// rule enforced for every route it covers.
extension AuthRoutesTests {
    /// A context with every optional route turned on (push hook, /metrics).
    func fullWeb(isPublic: Bool) throws -> WebContext {
        let git = try GitRepository(opening: repo.path)
        var web = WebContext(store: store, sync: sync.status, repositoryPath: repo.path,
                             resolver: RevisionResolver(store: store, repository: git), isPublic: isPublic, syncService: sync)
        web.hookSecret = HookSecret("a hook secret of some length")
        web.metrics = DaemonMetrics()
        return web
    }

    /// The table as reviewed: a new route must be added here with its rule, or this fails.
    static let expectedRoutes = [
        "GET /: reading", "GET /commit/**: reading", "GET /run/{id}: reading", "GET /compare/{base}: reading",
        "GET /compare/{base}/{other}: reading", "GET /runner/{name}: reading", "GET /queue: reading", "GET /api/queue/live: reading",
        "GET /graph: reading", "GET /api/graph/series: reading", "GET /api/export.csv: reading", "GET /api/changes: reading",
        "GET /static/dygraphs/{name}: open", "GET /static/{name}: open",
        "POST /api/runs: runner token", "POST /api/runner/status: runner token",
        "GET /api/runner/repo/{hash}/tree.tar.gz: runner token", "GET /api/runner/bench-repo/{hash}/tree.tar.gz: runner token",
        "GET /login: session", "POST /login: session", "POST /logout: session",
        "POST /admin/track: admin", "POST /admin/untrack: admin", "POST /admin/queue/add: admin", "POST /admin/queue/remove: admin",
        "POST /admin/queue/priority: admin", "POST /admin/fetch: admin",
        "POST /api/hook: hook signature", "GET /metrics: reading or metrics token",
    ]

    @Test("every route the daemon serves is listed with its access rule")
    func routeTable() throws {
        let table = WebRoutes.routeTable(try fullWeb(isPublic: true)).map(\.description)
        #expect(table == Self.expectedRoutes, "\(table)")
        #expect(Set(WebRoutes.routeTable(try fullWeb(isPublic: true)).map(\.policy)) == Set(RoutePolicy.allCases))
    }

    /// The route's path with every parameter and wildcard filled in.
    static func concrete(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") || part.hasPrefix("*") ? "x" : String(part)
        }.joined(separator: "/")
    }

    @Test("on a private instance every reading route refuses an anonymous caller, every admin route a reader; open routes need nobody")
    func everyRuleEnforced() async throws {
        let web = try fullWeb(isPublic: false)
        try await Application(router: WebRoutes.router(web)).test(.router) { client in
            var anonymous = TestBrowser()
            var reader = TestBrowser()
            try await logIn(client, "reader", "reader password", as: &reader)
            let csrf = try await sessionCSRF(client, as: &reader)
            for route in WebRoutes.routeTable(web) {
                let path = Self.concrete(route.path)
                switch route.policy {
                case .reading:
                    let answer = try await get(client, path, as: &anonymous)
                    let expected: HTTPResponse.Status = path.hasPrefix("/api/") ? .unauthorized : .seeOther
                    #expect(answer.status == expected, "\(route)")
                case .admin:
                    let answer = try await post(client, path, [("csrf", csrf)], as: &reader)
                    #expect(answer.status == .forbidden, "\(route)")
                    #expect(String(buffer: answer.body).contains("admin"), "\(route)")
                case .metricsToken:
                    #expect(try await get(client, path, as: &anonymous).status == .unauthorized, "\(route)")
                    #expect(try await get(client, path, as: &reader).status == .ok, "\(route)")
                case .open:
                    #expect(try await get(client, "/static/style.css", as: &anonymous).status == .ok)
                case .session, .runnerToken, .hookSignature:
                    // Not a login matter: the route checks its own credential (tested with each route).
                    let answer = route.method == "GET" ? try await get(client, path, as: &anonymous)
                        : try await post(client, path, [], as: &anonymous)
                    #expect(answer.status != .seeOther || path == "/logout" || path == "/login", "\(route): \(answer.status)")
                }
            }
        }
    }
}
