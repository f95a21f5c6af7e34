// The graph, login and admin actions in a real headless browser, and screenshots of every page.
import Foundation
@testable import TablejohnKit
import Testing
import TestSupport

@Suite("Graph and admin pages in a browser", .serialized)
struct BrowserGraphTests {
    /// Commit i is dated `start + i` hours.
    static let start: Int64 = 1_700_000_000

    /// A repository of `count` commits on main made with git fast-import, served by a real
    /// daemon, with one imported run per commit measuring `parse_time` and `alloc_bytes`.
    struct GraphSite {
        let repo: TestRepository
        let server: DaemonProcess
        let hashes: [String]

        /// `extraMetrics` more metrics per run, named `suite-K/bench-N/size` in six suites, valued in the tens of millions.
        init(commits count: Int, extraArguments: [String] = [], extraMetrics: Int = 0) async throws {
            repo = try TestRepository()
            var stream = ""
            for index in 0..<count {
                let message = "change \(index)\n"
                let content = "\(index)\n"
                stream += "commit refs/heads/main\nmark :\(index + 1)\n"
                stream += "committer Dev <dev@example.com> \(BrowserGraphTests.start + Int64(index) * 3600) +0000\n"
                stream += "data \(message.utf8.count)\n\(message)"
                if index > 0 { stream += "from :\(index)\n" }
                stream += "M 644 inline file.txt\ndata \(content.utf8.count)\n\(content)\n"
            }
            let imported = try runProgram(URL(fileURLWithPath: "/usr/bin/git"), ["fast-import", "--quiet", "--force"], in: repo.path, stdin: stream)
            guard imported.status == 0 else { throw TestFailure("git fast-import failed: \(imported.stderr)") }
            hashes = try repo.git(["rev-list", "--reverse", "main"]).split(separator: "\n").map(String.init)
            server = try DaemonProcess(serve: extraArguments, in: repo.path)
            try await server.waitUntilServing()
            _ = try await server.waitForPage("/") { $0.contains("\(count) commits") }
            // One run per commit: parse_time steps up by 10 % halfway; alloc_bytes wobbles.
            var runs: [JSONValue] = []
            for (index, hash) in hashes.enumerated() {
                let parse = (index < count / 2 ? 100.0 : 110.0) + Double(index % 7) * 0.3
                let time = Timestamp.rfc3339(milliseconds: (BrowserGraphTests.start + Int64(index) * 3600) * 1000)
                var measurements: JSONObject = [
                    "parse_time": ["value": .real(parse), "unit": "ms"],
                    "alloc_bytes": ["value": .real(5000 + Double(index % 13) * 10), "unit": "B"],
                ]
                for metric in 0..<extraMetrics {
                    measurements["suite-\(metric % 6)/bench-\(metric)/size"] = ["value": .real(18_400_000 + Double(index * 1000 + metric)), "unit": "B"]
                }
                runs.append(["id": .string("graph-\(index)"), "commit": .string(hash), "bench_method": "import", "runner": "ci-box",
                             "fingerprint": ["cpu": "test"], "start": .string(time), "end": .string(time), "exit_code": 0,
                             "origin": "import", "measurements": .object(measurements)])
            }
            let file = try TemporaryFolder.make(prefix: "tj-graph-runs") + "/runs.json"
            try Data(try JSONValue.array(runs).serialized()).write(to: URL(fileURLWithPath: file))
            let result = try runTjctl(["import", file], in: repo.path)
            guard result.status == 0 else { throw TestFailure("tjctl import failed: \(result.stderr)") }
        }

        func url(_ path: String) -> String { "http://127.0.0.1:\(server.port)\(path)" }

        /// How many commits have a time within `from...to` (Unix ms, as the graph's address has them).
        func commitsBetween(_ from: Int64, _ to: Int64) -> Int {
            let first = (from + 999) / 1000, last = to / 1000
            return hashes.indices.filter { let t = BrowserGraphTests.start + Int64($0) * 3600; return t >= first && t <= last }.count
        }
    }

    /// Waits for the graph to finish drawing and returns how many points it drew.
    private func drawnPoints(_ browser: Browser) async throws -> Int {
        try await browser.waitUntil("the graph to draw", seconds: 20) {
            try browser.element("#graph").attribute("data-state") == "ready"
        }
        return Int(try browser.element("#graph").attribute("data-points") ?? "") ?? -1
    }

    /// Drags across the graph from `fromShare` to `toShare` of its width, as a user zooms.
    private func drag(_ browser: Browser, from fromShare: Double, to toShare: Double) throws {
        let graph = try browser.element("#graph")
        let width = try browser.execute("return document.getElementById('graph').clientWidth").doubleValue ?? 800
        let pointer = "element-6066-11e4-a52e-4f735466cecf"
        let origin: JSONValue = [pointer: .string(graph.id)]
        let actions: JSONValue = ["actions": [[
            "type": "pointer", "id": "mouse", "parameters": ["pointerType": "mouse"],
            "actions": [
                ["type": "pointerMove", "origin": origin, "x": .integer(Int64(width * (fromShare - 0.5))), "y": 0, "duration": 0],
                ["type": "pointerDown", "button": 0],
                ["type": "pointerMove", "origin": origin, "x": .integer(Int64(width * (toShare - 0.5))), "y": 0, "duration": 200],
                ["type": "pointerUp", "button": 0],
            ],
        ]]]
        try browser.command("POST", "/actions", actions)
    }

    @Test("/graph/ draws the data, zooming fetches detail, the address restores the view, a point opens its commit")
    func graph() async throws {
        // Given 3,000 commits, each measured once: more points than the graph is wide
        let site = try await GraphSite(commits: 3000)
        let browser = try Browser()

        // When a user opens the graph of parse_time
        try browser.navigate(to: site.url("/graph/?m=parse_time"))

        // Then it draws a downsampled line (two points per pixel column at most), with no console errors
        let overview = try await drawnPoints(browser)
        let width = Int(try browser.execute("return document.getElementById('graph').clientWidth").doubleValue ?? 0)
        #expect(overview > 100 && overview <= 2 * width && overview < 3000, "drew \(overview) points at \(width) px")
        #expect(try browser.element("#graph-status").text.contains("of 3000 points"))
        #expect(try browser.execute("return window.tablejohnGraph.getLabels()") == ["commit date", "parse_time (ci-box)"])
        try browser.expectNoConsoleErrors()
        try browser.screenshot(named: "graph")

        // When they drag across a tenth of the graph
        let fetchesBefore = Int(try browser.element("#graph").attribute("data-fetches") ?? "") ?? 0
        try drag(browser, from: 0.45, to: 0.55)
        try await browser.waitUntil("the zoom to fetch", seconds: 20) {
            (Int(try browser.element("#graph").attribute("data-fetches") ?? "") ?? 0) > fetchesBefore
        }
        let detail = try await drawnPoints(browser)

        // Then the address holds the range and every commit in it is drawn
        let address = try #require(URLComponents(string: try browser.currentURL))
        let from = try #require(address.queryItems?.first { $0.name == "from" }?.value.flatMap { Int64($0) })
        let to = try #require(address.queryItems?.first { $0.name == "to" }?.value.flatMap { Int64($0) })
        let inRange = site.commitsBetween(from, to)
        #expect(inRange > 100 && inRange < 1000, "\(inRange) commits in range")
        #expect(detail == inRange)
        #expect(try browser.element("#graph-status").text == "\(inRange) points")
        try browser.screenshot(named: "graph-zoomed")

        // When the address is opened afresh
        let zoomedURL = try browser.currentURL
        try browser.navigate(to: site.url("/"))
        try browser.navigate(to: zoomedURL)

        // Then the same view comes back
        #expect(try await drawnPoints(browser) == inRange)
        let window = try browser.execute("return window.tablejohnGraph.xAxisRange()").arrayValue?.compactMap(\.doubleValue) ?? []
        #expect(window == [Double(from), Double(to)])
        #expect(try browser.element("input[value='parse_time']").property("checked") == true)

        // When they click a point
        let point = try browser.execute("""
            const g = window.tablejohnGraph, row = Math.floor(g.numRows() / 2);
            const [x, y] = g.toDomCoords(g.getValue(row, 0), g.getValue(row, 1));
            const box = document.getElementById('graph');
            return [x - box.clientWidth / 2, y - box.clientHeight / 2, g.getValue(row, 0)];
            """).arrayValue?.compactMap(\.doubleValue) ?? []
        try #require(point.count == 3)
        let pointer = "element-6066-11e4-a52e-4f735466cecf"
        try browser.command("POST", "/actions", ["actions": [[
            "type": "pointer", "id": "mouse", "parameters": ["pointerType": "mouse"],
            "actions": [
                ["type": "pointerMove", "origin": [pointer: .string(try browser.element("#graph").id)],
                 "x": .integer(Int64(point[0].rounded())), "y": .integer(Int64(point[1].rounded())), "duration": 0],
                ["type": "pointerDown", "button": 0], ["type": "pointerUp", "button": 0],
            ],
        ]]])

        // Then its commit's page opens
        let index = Int((Int64(point[2]) / 1000 - BrowserGraphTests.start) / 3600)
        try await browser.waitUntil("the commit page", seconds: 10) { try browser.currentURL.contains("/commit/") }
        #expect(try browser.currentURL == site.url("/commit/\(site.hashes[index])/"))
        try browser.expectNoConsoleErrors()
        _ = try await site.server.stop()
    }

    @Test("60 branches, 10,000 tags and 75 metrics: / stays small and grouped; /graph/ groups metrics by suite, finds them, draws in log scale with whole axis labels")
    func bigRepository() async throws {
        // Given a repository with 60 branches, 10,000 tags and runs measuring 75 metrics
        let site = try await GraphSite(commits: 60, extraMetrics: 73)
        for index in 0..<60 { try site.repo.git(["branch", "topic/very-long-branch-name-for-feature-\(index)", site.hashes[index]]) }
        let tags = (0..<10_000).map { "\(site.hashes[$0 % 60]) refs/tags/release-\($0)" }.joined(separator: "\n")
        let packed = site.repo.path + "/.git/packed-refs"
        let existing = (try? String(contentsOfFile: packed, encoding: .utf8)) ?? "# pack-refs with: peeled fully-peeled sorted \n"
        try (existing + tags + "\n").write(toFile: packed, atomically: true, encoding: .utf8)
        #expect(try runTjctl(["fetch"], in: site.repo.path).status == 0)
        let index = try await site.server.waitForPage("/") { $0.contains("The newest 10 of 10000") }
        let browser = try Browser()

        // Then the front page is a few dozen kilobytes with its refs in groups, and reads well
        #expect(index.utf8.count < 100_000, "\(index.utf8.count) bytes")
        try browser.navigate(to: site.url("/"))
        #expect(try browser.elements(".ref-group").count >= 3)
        let rowHeights = try browser.execute("""
            return Array.from(document.querySelectorAll('#refs-branches table.refs tbody tr')).map(r => r.getBoundingClientRect().height);
            """).arrayValue?.compactMap(\.doubleValue) ?? []
        #expect(!rowHeights.isEmpty && rowHeights.allSatisfy { $0 < 40 }, "row heights \(rowHeights)")
        try browser.expectNoConsoleErrors()
        try browser.screenshot(named: "index-many-refs")

        // When the graph opens: metrics are grouped by suite, folded, with counts
        try browser.navigate(to: site.url("/graph/?m=suite-2/bench-8/size"))
        _ = try await drawnPoints(browser)
        let summaries = try browser.elements("#metric-list details.metric-group > summary").map { try $0.text }
        #expect(summaries == (0..<6).map { "suite-\($0) \($0 < 1 ? 13 : 12)" })
        let open = try browser.execute("return Array.from(document.querySelectorAll('details.metric-group')).map(d => d.open)")
        #expect(open == .array((0..<6).map { .bool($0 == 2) }))

        // And the y axis reads 18.455M rather than a cut-off 18455000, each tick told apart
        let labels = try browser.execute("return Array.from(document.querySelectorAll('.dygraph-axis-label-y')).map(e => e.textContent)")
            .arrayValue?.compactMap(\.stringValue) ?? []
        #expect(labels.count >= 3 && labels.allSatisfy { $0.hasSuffix("M") && $0.count <= 8 }, "\(labels)")
        #expect(Set(labels).count == labels.count, "\(labels)")
        try browser.screenshot(named: "graph-many-metrics")

        // When a user searches, only matching groups show, opened
        try browser.element("#metric-search").sendKeys("bench-13")
        let visible = try browser.execute("return Array.from(document.querySelectorAll('details.metric-group')).filter(d => !d.hidden).map(d => [d.open, d.querySelectorAll('li:not([hidden])').length])")
        #expect(visible == [[true, 1]])

        // And the log scale is one click, kept in the address
        try browser.element("#log-scale").click()
        try await browser.waitUntil("the address to say log=1") { try browser.currentURL.contains("log=1") }
        try await browser.waitUntil("the graph to use a log scale") {
            try browser.execute("return window.tablejohnGraph.getOption('logscale')") == true
        }
        try browser.expectNoConsoleErrors()
        try browser.navigate(to: site.url("/queue/"))
        try browser.screenshot(named: "queue-many-refs")
        _ = try await site.server.stop()
    }

    @Test("log in, track a ref with the form's CSRF token; the same post without a session is refused; pages look right")
    func loginAndAdminAction() async throws {
        // Given an admin user, a second branch nobody tracks, and runs on the last two commits
        let site = try await GraphSite(commits: 40)
        try site.repo.git(["branch", "feature", site.hashes[20]])
        #expect(try runTjctl(["fetch"], in: site.repo.path).status == 0)
        _ = try await site.server.waitForPage("/") { $0.contains(">feature<") }
        let added = try runTjctl(["user", "add", "ada", "--admin"], in: site.repo.path, stdin: "correct horse battery\n")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try runTjctl(["queue", "add", site.hashes[10]], in: site.repo.path).status == 0)
        let browser = try Browser()

        // When she logs in
        try browser.navigate(to: site.url("/login"))
        try browser.element("input[name=user]").sendKeys("ada")
        try browser.element("input[name=password]").sendKeys("correct horse battery")
        try browser.element("form button[type=submit]").click()
        try await browser.waitUntil("the front page after login") { try browser.currentURL == site.url("/") }

        // Then the page knows her, and the session cookie is HttpOnly and SameSite=Strict
        #expect(try browser.element("#viewer").text == "ada")
        let session = try #require(try browser.cookieDetails().first { $0["name"] == "tablejohn_session" })
        #expect(session["httpOnly"] == true)
        #expect(session["sameSite"] == "Strict")

        // When she presses Track on the feature branch
        let row = try #require(try browser.elements("table.refs tbody tr").first { try $0.text.hasPrefix("feature") })
        let token = try #require(try row.element("input[name=csrf]").attribute("value"))
        try row.element("button[type=submit]").click()

        // Then the branch is tracked
        try await browser.waitUntil("the tracked ref") {
            try browser.elements("table.refs tbody tr").first { try $0.text.hasPrefix("feature") }?.text.contains("tracked") == true
        }
        let refs = try JSONValue.parse(Array(try runTjctl(["refs", "--json"], in: site.repo.path).stdout.utf8))
        #expect(refs.arrayValue?.first { $0["name"] == "refs/heads/feature" }?["tracked"] == true)
        try browser.expectNoConsoleErrors()
        try browser.screenshot(named: "index-admin")

        // Screenshots of the other pages, as she sees them
        try browser.navigate(to: site.url("/commit/\(site.hashes[39])/"))
        #expect(try browser.element("#hash").text == site.hashes[39])
        try browser.screenshot(named: "commit")
        try browser.navigate(to: site.url("/compare/graph-38/graph-39/"))
        try browser.screenshot(named: "compare")
        try browser.navigate(to: site.url("/queue/"))
        #expect(try browser.element("main").text.contains(String(site.hashes[10].prefix(10))))
        try browser.screenshot(named: "queue")
        try browser.navigate(to: site.url("/graph/"))
        _ = try await drawnPoints(browser)
        try browser.expectNoConsoleErrors()

        // When the same untrack post is made without a session
        try browser.navigate(to: site.url("/"))
        try browser.deleteCookies()
        let status = try browser.executeAsync("""
            const done = arguments[arguments.length - 1];
            fetch('/admin/untrack', {method: 'POST', credentials: 'same-origin',
                body: new URLSearchParams({ref: 'refs/heads/feature', csrf: arguments[0], back: '/'})})
              .then(r => done(r.status), e => done(String(e)));
            """, [.string(token)])

        // Then it is refused and the branch stays tracked
        #expect(status == 403)
        let after = try JSONValue.parse(Array(try runTjctl(["refs", "--json"], in: site.repo.path).stdout.utf8))
        #expect(after.arrayValue?.first { $0["name"] == "refs/heads/feature" }?["tracked"] == true)
        _ = try await site.server.stop()
    }
}
