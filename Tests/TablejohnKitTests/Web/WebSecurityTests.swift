import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Web security headers and Host check")
struct WebSecurityTests {
    static let host = HTTPFields.Element.Name("Host")!

    func application(_ fixture: PageFixture, policy: HostPolicy = .loopback) -> some ApplicationProtocol {
        var web = fixture.web
        web.hostPolicy = policy
        return Application(router: WebRoutes.router(web))
    }

    @Test("pages, the API, static files and errors carry the CSP and hardening headers")
    func headers() async throws {
        let fixture = try PageFixture { repo in _ = try repo.commits(2) }
        try await application(fixture).test(.router) { client in
            for path in ["/", "/graph/", "/queue/", "/api/graph/series", "/static/graph.js", "/no/such/page", "/api/runner/status"] {
                let response = try await client.execute(uri: path, method: .get, headers: [Self.host: "127.0.0.1:8221"])
                let policy = response.headers[.contentSecurityPolicy] ?? ""
                for directive in ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'",
                                  "base-uri 'none'", "form-action 'self'"] {
                    #expect(policy.contains(directive), "\(path): \(policy)")
                }
                #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                #expect(response.headers[HTTPFields.Element.Name("X-Frame-Options")!] == "DENY", "\(path)")
                #expect(response.headers[HTTPFields.Element.Name("Referrer-Policy")!] == "same-origin", "\(path)")
            }
        }
    }

    @Test("a foreign Host is refused with 421 on every kind of route; loopback names and listed names are served")
    func hostCheck() async throws {
        let fixture = try PageFixture { repo in _ = try repo.commits(2) }
        let policy = HostPolicy(listenHost: "127.0.0.1", allowedHosts: ["bench.example.com"])
        try await application(fixture, policy: policy).test(.router) { client in
            for path in ["/", "/api/export.csv", "/api/runner/status", "/login", "/static/style.css"] {
                let response = try await client.execute(uri: path, method: .get, headers: [Self.host: "evil.example:8221"])
                #expect(response.status == .misdirectedRequest, "\(path)")
                #expect(String(buffer: response.body)
                    == "this tablejohn does not answer for host \"evil.example:8221\"; add the name to [web] allowed-hosts\n")
                #expect(response.headers[.contentSecurityPolicy] != nil)
            }
            for host in ["127.0.0.1:8221", "localhost:1234", "LOCALHOST", "app.localhost:80", "[::1]:8221", "bench.example.com",
                         "Bench.Example.com:443"] {
                let response = try await client.execute(uri: "/", method: .get, headers: [Self.host: host])
                #expect(response.status == .ok, "\(host)")
            }
        }
    }

    @Test("which Host values a policy allows", arguments: [
        ("127.0.0.1", [], "127.0.0.1:8221", true),
        ("127.0.0.1", [], "127.9.9.9", true),
        ("127.0.0.1", [], "localhost.", true),
        ("127.0.0.1", [], "attacker.com", false),
        ("127.0.0.1", [], "localhost.attacker.com", false),
        ("127.0.0.1", [], "10.0.0.5:8221", false),
        ("127.0.0.1", [], "127.0.0.1:80@evil", false),
        ("127.0.0.1", [], "[::1", false),
        ("10.0.0.5", [], "10.0.0.5:8221", true),
        ("0.0.0.0", [], "192.168.1.20:8221", true),
        ("0.0.0.0", [], "[fe80::1]:8221", true),
        ("0.0.0.0", [], "bench-box:8221", false),
        ("::", ["bench-box"], "bench-box:8221", true),
        ("0.0.0.0", ["*"], "anything.example", true),
    ] as [(String, [String], String, Bool)])
    func policy(listen: String, allowed: [String], host: String, expected: Bool) {
        #expect(HostPolicy(listenHost: listen, allowedHosts: allowed).allows(host) == expected)
    }

    @Test("a request without Host (HTTP/1.0 tools) is answered")
    func noHost() {
        #expect(HostPolicy.loopback.allows(nil))
    }
}
