// Pages under [web] base-path in a real headless browser: every resource and fetch loads.
import Foundation
@testable import TablejohnKit
import Testing
import TestSupport

@Suite("Pages under a base path in a browser", .serialized)
struct BrowserBasePathTests {
    /// The addresses the page loaded (scripts, styles, icons, fetches) that failed, and those outside `/tablejohn/`.
    private func badResources(_ browser: Browser) throws -> [String] {
        let entries = try browser.execute("""
            return performance.getEntriesByType('resource')
              .filter(function (e) { return e.responseStatus >= 400 || new URL(e.name).pathname.indexOf('/tablejohn/') !== 0; })
              .map(function (e) { return e.responseStatus + ' ' + e.name; });
            """)
        return (entries.arrayValue ?? []).compactMap(\.stringValue)
    }

    private func loadedResources(_ browser: Browser) throws -> Int {
        Int(try browser.execute("return performance.getEntriesByType('resource').length").doubleValue ?? 0)
    }

    @Test("/tablejohn/, its graph, queue and a commit page load every resource under the prefix, with no console errors")
    func pagesUnderPrefix() async throws {
        // Given a daemon under /tablejohn with three measured commits
        let repo = try TestRepository()
        let hashes = try repo.commits(3)
        let config = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
        try "[web]\nbase-path = \"/tablejohn\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let server = try DaemonProcess(serve: ["--config", config], in: repo.path)
        let site = "http://127.0.0.1:\(server.port)/tablejohn"
        var front = ""
        for _ in 0..<300 where !front.contains("3 commits") {
            front = (try? await server.get("/tablejohn/").body) ?? ""
            if !front.contains("3 commits") { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(front.contains("3 commits"), "\(server.log)")
        let runs: [JSONValue] = hashes.enumerated().map { index, hash in
            let time = Timestamp.rfc3339(milliseconds: (1_700_000_000 + Int64(index) * 3600) * 1000)
            return ["id": .string("run-\(index)"), "commit": .string(hash), "bench_method": "import", "runner": "ci-box",
                    "fingerprint": ["cpu": "test"], "start": .string(time), "end": .string(time), "exit_code": 0, "origin": "import",
                    "measurements": ["parse_time": ["value": .real(100 + Double(index)), "unit": "ms"]]]
        }
        let file = try TemporaryFolder.make(prefix: "tj-runs") + "/runs.json"
        try Data(try JSONValue.array(runs).serialized()).write(to: URL(fileURLWithPath: file))
        #expect(try runTjctl(["import", file], in: repo.path).status == 0)
        let browser = try Browser()

        // When a user opens the front page
        try browser.navigate(to: site + "/")
        // Then its stylesheet and icon load from under the prefix, and its links lead there
        #expect(try browser.title.contains("tablejohn"))
        #expect(try loadedResources(browser) >= 2)
        #expect(try badResources(browser) == [])
        try browser.expectNoConsoleErrors()
        try browser.element("header.top a[href='/tablejohn/graph/']").click()
        try await browser.waitUntil("the graph page to open") { try browser.currentURL.hasPrefix(site + "/graph/") }

        // When they open the graph of parse_time
        try browser.navigate(to: site + "/graph/?m=parse_time")
        // Then dygraphs and graph.js load under the prefix, the series fetch answers, and the line is drawn
        try await browser.waitUntil("the graph to draw", seconds: 20) {
            try browser.element("#graph").attribute("data-state") == "ready"
        }
        #expect((Int(try browser.element("#graph").attribute("data-points") ?? "") ?? 0) > 0)
        let graphResources = try browser.execute("return performance.getEntriesByType('resource').map(function (e) { return new URL(e.name).pathname; })")
        let paths = (graphResources.arrayValue ?? []).compactMap(\.stringValue)
        #expect(paths.contains("/tablejohn/static/dygraphs/dygraph.min.js"), "\(paths)")
        #expect(paths.contains("/tablejohn/api/graph/series"), "\(paths)")
        #expect(try badResources(browser) == [])
        try browser.expectNoConsoleErrors()
        // And a click on a point opens its commit under the prefix
        try browser.execute("window.location.href = document.body.getAttribute('data-base') + '/commit/\(hashes[2])/'")
        try await browser.waitUntil("the commit page to open") { try browser.currentURL == site + "/commit/\(hashes[2])/" }
        #expect(try browser.bodyText.contains("parse_time"))
        #expect(try badResources(browser) == [])
        try browser.expectNoConsoleErrors()

        // When they open the queue with a runner listed, its live script polls under the prefix
        #expect(try runTjctl(["runner", "add", "box"], in: repo.path).status == 0)
        try browser.navigate(to: site + "/queue/")
        try await browser.waitUntil("the queue's live fetch") {
            let names = try browser.execute("return performance.getEntriesByType('resource').map(function (e) { return new URL(e.name).pathname; })")
            return (names.arrayValue ?? []).contains("/tablejohn/api/queue/live")
        }
        #expect(try badResources(browser) == [])
        try browser.expectNoConsoleErrors()

        // And the log-in link opens the login form under the prefix
        try browser.element("#login-link").click()
        try await browser.waitUntil("the login page to open") { try browser.currentURL.hasPrefix(site + "/login") }
        #expect(try browser.element("#login").attribute("action") == "/tablejohn/login")
        #expect(try badResources(browser) == [])
        try browser.expectNoConsoleErrors()
        browser.quit()
        #expect(try await server.stop() == 0)
    }
}
