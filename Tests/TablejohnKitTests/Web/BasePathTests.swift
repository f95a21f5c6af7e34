import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Base path: serving under a reverse proxy's prefix")
struct BasePathTests {
    @Test("the default is the root; a prefix keeps its leading slash and loses one trailing slash")
    func parsing() throws {
        #expect(try TablejohnConfiguration.parse("", file: "t.toml").web.basePath == .root)
        #expect(try TablejohnConfiguration.parse("[web]\nbase-path = \"/tablejohn\"\n", file: "t.toml").web.basePath.value == "/tablejohn")
        #expect(try BasePath(parsing: "/tablejohn/").value == "/tablejohn")
        #expect(try BasePath(parsing: "/bench/tj-2~x").value == "/bench/tj-2~x")
        #expect(try BasePath(parsing: "/") == .root)
    }

    @Test("bad prefixes are configuration errors naming file, line and key", arguments: [
        ("tablejohn", "must start with \"/\", such as \"/tablejohn\"; found \"tablejohn\""),
        ("", "must start with \"/\", such as \"/tablejohn\"; found \"\""),
        ("/a//b", "must not contain \"//\"; found \"/a//b\""),
        ("//", "must not contain \"//\"; found \"//\""),
        ("/a/../b", "must not contain \"..\" or \".\" segments; found \"/a/../b\""),
        ("/a/./b", "must not contain \"..\" or \".\" segments; found \"/a/./b\""),
        ("/a b", "only URL path characters (letters, digits, -._~!$()*+,;=:@ and /) may appear; found \" \" in \"/a b\""),
        ("/a?x=1", "only URL path characters (letters, digits, -._~!$()*+,;=:@ and /) may appear; found \"?\" in \"/a?x=1\""),
        ("/a\\\"b", "only URL path characters (letters, digits, -._~!$()*+,;=:@ and /) may appear; found \"\\\"\" in \"/a\\\"b\""),
        ("/caf\u{e9}", "only URL path characters (letters, digits, -._~!$()*+,;=:@ and /) may appear; found non-ASCII text in \"/caf\u{e9}\""),
    ])
    func errors(value: String, message: String) {
        let text = "[web]\naddress = \"127.0.0.1:8221\"\nbase-path = \"\(value)\"\n"
        let error = #expect(throws: ConfigurationError.self) { try TablejohnConfiguration.parse(text, file: "my.toml") }
        #expect(error?.description == "my.toml:3: [web] base-path: " + message)
    }

    @Test("requests under the prefix are the daemon's own paths; the bare prefix redirects; anything else is outside")
    func inbound() throws {
        let base = try BasePath(parsing: "/tablejohn")
        #expect(base.inbound("/tablejohn/") == .serve("/"))
        #expect(base.inbound("/tablejohn/queue/?x=1") == .serve("/queue/?x=1"))
        #expect(base.inbound("/tablejohn") == .redirect("/tablejohn/"))
        #expect(base.inbound("/tablejohn?m=a") == .redirect("/tablejohn/?m=a"))
        #expect(base.inbound("/tablejohnx/") == .outside)
        #expect(base.inbound("/queue/") == .outside)
        #expect(base.inbound("/") == .outside)
        #expect(BasePath.root.inbound("/queue/") == .serve("/queue/"))
    }

    @Test("pages link under the prefix the request came in on, and only there")
    func href() async throws {
        let base = try BasePath(parsing: "/tj")
        #expect(URLPath.href(URLPath.commit("abc")) == "/commit/abc/")
        BasePath.$current.withValue(base) {
            #expect(URLPath.href(URLPath.commit("abc")) == "/tj/commit/abc/")
            #expect(URLPath.href("/") == "/tj/")
            #expect(StaticAssets.url("dygraphs/dygraph.min.js") == "/tj/static/dygraphs/dygraph.min.js")
            #expect(StaticAssets.url("style.css").hasPrefix("/tj/static/style.css?v="))
        }
    }

    /// Every root-absolute `href`, `src`, `action` and `data-*` address in `html` that does not start with `base/`.
    static func addressesOutside(_ base: String, in html: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "(?:href|src|action|data-[a-z-]+)=\"(/[^\"]*)\"")
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { match in
            let address = String(html[Range(match.range(at: 1), in: html)!])
            return address.hasPrefix(base + "/") || address == base ? nil : address
        }
    }

    @Test("every page of an admin under /tablejohn links, posts and loads under /tablejohn; redirects stay under it")
    func pagesUnderPrefix() async throws {
        var made: [String] = []
        let fixture = try PageFixture { repo in made = try repo.commits(2) }
        let hashes = made
        try fixture.record("run-1", commit: hashes[1], values: ["time": 1.5])
        try fixture.record("run-2", commit: hashes[0], values: ["time": 1.4])
        _ = try fixture.store.enqueue([hashes[0]], priority: 5, now: 1)
        let router = Router(context: WebRequestContext.self)
        router.add(middleware: FixedViewer(viewer: PageFixture.admin))
        PageRoutes.add(to: router, fixture.web)
        StaticAssets.add(to: router)
        GraphRoutes.add(to: router, fixture.web)
        let app = Application(responder: BasePathResponder(base: try BasePath(parsing: "/tablejohn/"), inner: router.buildResponder()))

        try await app.test(.router) { client in
            for page in ["/tablejohn/", "/tablejohn/graph/", "/tablejohn/queue/", "/tablejohn/commit/\(hashes[1])/",
                         "/tablejohn/run/run-1/", "/tablejohn/runner/bench-1/", "/tablejohn/compare/run-1/",
                         "/tablejohn/compare/run-1/run-2/", "/tablejohn/commit/nosuchref/"] {
                let body = try await client.execute(uri: page, method: .get) { response in
                    #expect(response.status == .ok || response.status == .notFound, "\(page)")
                    return String(buffer: response.body)
                }
                #expect(body.contains("<body data-base=\"/tablejohn\">"), "\(page)")
                #expect(Self.addressesOutside("/tablejohn", in: body) == [], "\(page)")
            }
            let admin = try await client.execute(uri: "/tablejohn/", method: .get) { String(buffer: $0.body) }
            #expect(admin.contains("action=\"/tablejohn/admin/fetch\""))
            #expect(admin.contains("href=\"/tablejohn/graph/\""))

            try await client.execute(uri: "/tablejohn/commit/HEAD/", method: .get) { response in
                #expect(response.status == .found || response.status == .movedPermanently)
                #expect(response.headers[.location] == "/tablejohn/commit/\(hashes[1])/")
            }
            try await client.execute(uri: "/tablejohn", method: .get) { response in
                #expect(response.status == .movedPermanently)
                #expect(response.headers[.location] == "/tablejohn/")
            }
            for outside in ["/", "/queue/", "/tablejohnx/", "/static/style.css"] {
                try await client.execute(uri: outside, method: .get) { response in
                    #expect(response.status == .notFound, "\(outside)")
                    #expect(String(buffer: response.body) == "Not found: tablejohn is served under /tablejohn/\n")
                    #expect(response.headers[.contentSecurityPolicy] == SecurityHeaders.contentSecurityPolicy)
                }
            }
            try await client.execute(uri: "/tablejohn/static/dygraphs/dygraph.min.js", method: .get) { response in
                #expect(response.status == (StaticAssets.dygraphsInstalled ? .ok : .notFound))
            }
        }
    }

    @Test("the scan catches a page that ignores the prefix")
    func scanFails() {
        #expect(Self.addressesOutside("/tablejohn", in: "<a href=\"/queue/\"><form action=\"/tablejohn/x\"><div data-live=\"/api\">")
            == ["/queue/", "/api"])
        #expect(Self.addressesOutside("/tablejohn", in: "<a href=\"/tablejohnx/\">") == ["/tablejohnx/"])
    }
}
