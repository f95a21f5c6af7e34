// The daemon's pages in a real headless browser: what a user sees, what runs, what the console says.
import Foundation
@testable import TablejohnKit
import Testing
import TestSupport

@Suite("Pages in a browser", .serialized)
struct BrowserPageTests {
    static let hostileMessage = #"<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> Speed up the parser"#
    static let hostileAuthor = #"Mallory "&amp;" O'Brien"#

    /// A repository whose newest commit carries markup and script in its message and
    /// author, served by a real daemon that has imported it.
    struct HostileSite {
        let repo: TestRepository
        let server: DaemonProcess
        let hostileHash: String

        init() async throws {
            repo = try TestRepository()
            try repo.commits(2)
            hostileHash = try repo.commit(BrowserPageTests.hostileMessage, author: BrowserPageTests.hostileAuthor)
            server = try DaemonProcess(serve: [], in: repo.path)
            try await server.waitUntilServing()
            _ = try await server.waitForPage("/") { $0.contains("3 commits") }
        }

        func url(_ path: String) -> String { "http://127.0.0.1:\(server.port)\(path)" }
    }

    @Test("/ shows a commit's markup as text, runs none of it, and logs no console errors")
    func frontPage() async throws {
        // Given a served repository whose tip commit is hostile
        let site = try await HostileSite()
        let browser = try Browser()

        // When a user opens the front page
        try browser.navigate(to: site.url("/"))

        // Then the message and author read literally, and nothing in them ran
        #expect(try browser.title == "tablejohn")
        #expect(try browser.element("#commit-count").text == "3 commits")
        let tip = try browser.element("table.refs tbody tr")
        let cells = try tip.elements("td").map { try $0.text }
        #expect(cells.first == "main")
        #expect(cells.contains(Self.hostileMessage), "\(cells)")
        #expect(cells.contains(Self.hostileAuthor), "\(cells)")
        #expect(try tip.element("code").attribute("title") == site.hostileHash)
        #expect(try browser.execute("return typeof window.__pwned") == "undefined")
        #expect(try browser.execute("return document.querySelectorAll('img').length") == 0)
        #expect(try browser.execute("return [...document.scripts].some(s => s.textContent.includes('__pwned'))") == false)
        let errors = try browser.consoleErrors()
        #expect(errors.isEmpty, "\(errors)")
        try browser.screenshot(named: "index")

        // And the browser keeps the cookies the site sets
        try browser.setCookie(name: "tj-browser-test", value: "kept")
        try browser.refresh()
        #expect(try browser.cookies()["tj-browser-test"] == "kept")
        _ = try await site.server.stop()
    }

    @Test("/run/<id>/ shows a submitted run with its hostile commit as text; the link leads home")
    func runPage() async throws {
        // Given a run submitted for the hostile commit
        let site = try await HostileSite()
        let folder = try TemporaryFolder.make(prefix: "tj-browser-results")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let results = folder + "/results.json"
        try #"{"parser/time": {"value": 12.5, "unit": "ms"}, "parser/allocations": {"value": 3400, "unit": "count"}}"#
            .write(toFile: results, atomically: true, encoding: .utf8)
        let submitted = try runTjctl(["submit", "--commit", "HEAD", "--runner", "ci-box", results, "--json"], in: site.repo.path)
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let id = try #require(try JSONValue.parse(submitted.stdout)["id"]?.stringValue)
        let browser = try Browser()

        // When a user opens its address without the trailing slash
        try browser.navigate(to: site.url("/run/\(id)"))

        // Then they land on the canonical page, which shows the run and its commit as text
        #expect(try browser.currentURL == site.url("/run/\(id)/"))
        #expect(try browser.element("h1").text == "Run \(id)")
        #expect(try browser.element("#result").text == "succeeded")
        #expect(try browser.element("#runner").text == "ci-box (imported)")
        let commit = try browser.element("#commit").text
        #expect(site.hostileHash.hasPrefix(commit))
        let facts = try browser.element("table.facts").text
        #expect(facts.contains(Self.hostileMessage), "\(facts)")
        #expect(facts.contains(Self.hostileAuthor), "\(facts)")
        let rows = try browser.elements("#measurements tbody tr").map { try $0.elements("td").map { try $0.text } }
        // Metric, this run, the parent's (none here), change, unit, better.
        #expect(rows.map { $0.count > 4 ? [$0[0], $0[1], $0[2], $0[4]] : $0 }
                == [["parser/allocations", "3400", "—", "count"], ["parser/time", "12.5", "—", "ms"]], "\(rows)")
        #expect(try browser.execute("return typeof window.__pwned") == "undefined")
        try browser.expectNoConsoleErrors()
        try browser.screenshot(named: "run")

        // When they follow the link to the front page
        try browser.element("a[href='/']").click()

        // Then the front page shows
        try await browser.waitUntil("the front page") { try browser.currentURL == site.url("/") }
        #expect(try browser.element("h1").text == "tablejohn")
        _ = try await site.server.stop()
    }

    @Test("The browser harness reports script errors, failed loads and missing elements")
    func harnessSeesFailures() async throws {
        // Given a page with an uncaught error and a broken image
        let browser = try Browser()
        let page = "<title>broken</title><p id=p>x &lt;b&gt;</p><img src=/nothing-here.png><script>undefinedFunction()</script>"

        // When it loads
        try browser.navigate(to: "data:text/html;charset=utf-8," + page.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)

        // Then the console check sees the error, and a missing element is an error, not a pass
        #expect(try browser.title == "broken")
        #expect(try browser.element("#p").text == "x <b>")
        let errors = try browser.consoleErrors()
        #expect(errors.contains { $0.message.contains("undefinedFunction is not defined") }, "\(errors)")
        #expect(try browser.consoleErrors().isEmpty, "each console line is handed out once")
        #expect(throws: WebDriverError.self) { try browser.element("#absent") }
        #expect(try browser.elements("#absent").isEmpty)
        #expect(try browser.executeAsync("const done = arguments[0]; setTimeout(() => done(window.innerWidth + 'x' + window.innerHeight), 10)")
                == "1280x800")
        browser.quit()
        #expect(throws: TestFailure.self) { try browser.title }
    }
}
