import Foundation
@testable import TablejohnKit
import Testing
import TestSupport

/// `[runner] min-free` with the real binaries: a runner short of space takes no work and
/// says why on `tjctl runners` and `/queue/`; with space back it takes the commit.
@Suite("Disk gates with the real binaries", .serialized)
struct DiskGateIntegrationTests {
    let repo: TestRepository
    let configFolder: String

    init() throws {
        repo = try TestRepository()
        try repo.commit("first", file: "a.txt")
        configFolder = try TemporaryFolder.make(prefix: "tj-config")
    }

    /// A configuration with a 1 s runner timeout, 200 ms pings and `minFree` as the runner's `min-free`.
    func config(_ name: String, minFree: [String]) throws -> String {
        let path = configFolder + "/" + name
        try """
            [web]
            runner-timeout = "1s"

            [runner]
            ping-interval = "200ms"
            min-free = [\(minFree.map { "\"\($0)\"" }.joined(separator: ", "))]
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func tjctl(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try runTjctl(arguments, in: repo.path)
    }

    /// Free bytes on the file system of `path` for unprivileged users, as `df` shows them.
    static func freeBytes(_ path: String) throws -> Int64 {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { throw TestFailure("statvfs \(path) failed") }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }

    @Test("a runner short of space takes no queued commit and tjctl runners and /queue/ say why; with a lower threshold it takes it")
    func pausesAndResumes() async throws {
        let server = try DaemonProcess(serve: ["--config", try config("server.toml", minFree: [])], in: repo.path)
        try await server.waitUntilServing()
        let token = try tjctl("runner", "add", "box").stdout.trimmingCharacters(in: .newlines)
        let queued = try repo.commit("second", file: "b.txt")
        #expect(try tjctl("fetch").status == 0)
        #expect(try tjctl("queue", "--json").stdout.contains(queued))

        // Given a watched folder whose threshold is 64 GiB above the space free on its file system now
        let watched = try TemporaryFolder.make(prefix: "tj-watched")
        let gibibytes = (try Self.freeBytes(watched) >> 30) + 64
        let short = try config("short.toml", minFree: ["\(watched)>\(gibibytes)G", "work-dir>1K"])
        var runner = try DaemonProcess(runner: ["--config", short, "--name", "box", "--server", "http://127.0.0.1:\(server.port)",
                                                "--token", token], in: repo.path)

        // When it calls the server, then tjctl runners shows it paused with the reason
        var listed = ""
        for _ in 0..<150 {
            listed = try tjctl("runners").stdout
            if listed.contains("paused:") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let row = try #require(listed.split(separator: "\n").first { $0.hasPrefix("box ") }, "tjctl runners:\n\(listed)\n\(runner.log)")
        #expect(row.contains("paused: only "))
        #expect(row.contains(" free on \(watched) (needs \(gibibytes) GiB)"))
        let json = try JSONValue.parse(try tjctl("runners", "--json").stdout).arrayValue?.first { $0["name"] == "box" }
        #expect(json?["state"] == "paused")
        #expect(json?["paused"]?.stringValue?.hasSuffix("free on \(watched) (needs \(gibibytes) GiB)") == true)
        // and /queue/ shows it too, with the commit still queued
        let page = try await server.get("/queue/").body
        #expect(page.contains("<span class=\"state state-paused\" data-field=\"state\">paused</span><span class=\"paused\" data-field=\"paused\">only "))
        #expect(page.contains(" free on \(watched) (needs \(gibibytes) GiB)</span>"))
        #expect(page.contains("<h2>Queued commits <span class=\"hint\" id=\"queue-total\">1 commit</span></h2>"))
        let metrics = try OperationsTests.parseExposition(try await server.get("/metrics").body)
        #expect(metrics.first { $0.name == "tablejohn_runners" && $0.labels == ["state": "paused"] }?.value == 1)
        try await runner.waitForLog("paused: no new work until there is space")
        #expect(runner.log.contains("\(watched)>\(gibibytes)G work-dir>1K"), "the runner names its gates when it starts")
        // Several more calls (200 ms apart) hand it nothing.
        for _ in 0..<10 { _ = try await server.get("/api/queue/live"); try await Task.sleep(for: .milliseconds(100)) }
        #expect(!runner.log.contains("run started"))
        #expect(try tjctl("queue", "--json").stdout.contains(queued))
        #expect(try storedRuns(in: repo.path).isEmpty)

        // When the runner restarts with a threshold below what is free, it takes the commit
        #expect(try await runner.stop() == 0)
        let roomy = try config("roomy.toml", minFree: ["\(watched)>1K", "work-dir>1K"])
        runner = try DaemonProcess(runner: ["--config", roomy, "--name", "box", "--server", "http://127.0.0.1:\(server.port)",
                                            "--token", token], in: repo.path)
        let runs = try await waitForRuns(1, in: repo.path, logs: "server:\n\(server.log)\nrunner:\n\(runner.log)")
        #expect(runs.first?["commit"] == .string(queued))
        #expect(runs.first?["runner"] == "box")
        #expect(try tjctl("queue", "--json").stdout == "[]\n")
        let after = try JSONValue.parse(try tjctl("runners", "--json").stdout).arrayValue?.first { $0["name"] == "box" }
        #expect(after?["state"] != "paused")
        #expect(after?["paused"] == .null)
        _ = try await runner.stop()
        _ = try await server.stop()
    }

    @Test("a hostile runner's megabyte-long reason with markup and terminal escapes is cut, shown as ? and escaped")
    func hostileReason() async throws {
        let server = try DaemonProcess(serve: ["--config", try config("server.toml", minFree: [])], in: repo.path)
        try await server.waitUntilServing()
        let token = try tjctl("runner", "add", "evil").stdout.trimmingCharacters(in: .newlines)
        let authorization = "Basic " + Data("evil:\(token)".utf8).base64EncodedString()
        let reason = "<script>alert(1)</script>\u{1B}]0;owned\u{7}\n" + String(repeating: "x", count: 1 << 20)
        let body: JSONValue = ["secret": "0123456789abcdef", "status": ["type": "idle"], "request_run": true, "paused": .string(reason)]

        // When it reports a megabyte-long reason
        let reply = try await server.post("/api/runner/status", body: Data(try body.serialized()), authorization: authorization)
        #expect(reply.status == 200)

        // Then tjctl shows it cut and on one line, with control characters as ?
        let json = try JSONValue.parse(try tjctl("runners", "--json").stdout).arrayValue?.first { $0["name"] == "evil" }
        let shown = try #require(json?["paused"]?.stringValue)
        #expect(shown.hasPrefix("<script>alert(1)</script>?]0;owned??xxx"))
        #expect(shown.hasSuffix("x…"))
        #expect(shown.utf8.count <= 600)
        let table = try tjctl("runners").stdout
        #expect(table.contains("paused: <script>alert(1)</script>?]0;owned??xxx"))
        #expect(!table.contains("\u{1B}"))
        // and the page escapes it
        let page = try await server.get("/queue/").body
        #expect(page.contains("<span class=\"paused\" data-field=\"paused\">&lt;script&gt;alert(1)&lt;/script&gt;?]0;owned??xxx"))
        #expect(!page.contains("<script>alert"))
        #expect(page.utf8.count < 100_000)

        // A reason that is not text is refused, and the daemon stays up
        let bad = try await server.post("/api/runner/status", body: Data(#"{"secret": "0123456789abcdef", "status": {"type": "idle"}, "paused": [1]}"#.utf8),
                                         authorization: authorization)
        #expect(bad.status == 400)
        #expect(bad.body.contains("\"paused\" must be a string"))
        #expect(try await server.get("/queue/").status == 200)
        _ = try await server.stop()
    }

    @Test("/queue/ in a browser follows a runner into paused and back, showing its reason as text")
    func queuePageFollowsLive() async throws {
        // The default 60 s runner timeout: the browser polls every 2 s, between the calls below.
        let serverConfig = configFolder + "/live.toml"
        try "[runner]\n".write(toFile: serverConfig, atomically: true, encoding: .utf8)
        let server = try DaemonProcess(serve: ["--config", serverConfig], in: repo.path)
        try await server.waitUntilServing()
        let token = try tjctl("runner", "add", "box").stdout.trimmingCharacters(in: .newlines)
        let authorization = "Basic " + Data("box:\(token)".utf8).base64EncodedString()
        func report(paused: String?) async throws {
            var body: JSONObject = ["secret": "0123456789abcdef", "status": ["type": "idle"]]
            if let paused { body["paused"] = .string(paused) }
            let reply = try await server.post("/api/runner/status", body: Data(try JSONValue.object(body).serialized()), authorization: authorization)
            #expect(reply.status == 200, "\(reply.body)")
        }
        try await report(paused: nil)

        // Given the queue page open on an idle runner
        let browser = try Browser()
        try browser.navigate(to: "http://127.0.0.1:\(server.port)/queue/")
        #expect(try browser.element("section.runner [data-field=state]").text == "idle")
        #expect(try browser.element("section.runner [data-field=paused]").text == "")

        // When the runner reports it is paused, with markup in its reason
        let reason = "only 1.25 GiB free on /tmp/<img src=x onerror=window.__pwned=1> (needs 5 GiB)"
        try await report(paused: reason)

        // Then the page follows without a reload and shows the reason as text
        try await browser.waitUntil("the state reads paused") { try browser.element("section.runner [data-field=state]").text == "paused" }
        #expect(try browser.element("section.runner [data-field=paused]").text == reason)
        #expect(try browser.element("section.runner [data-field=state]").attribute("class") == "state state-paused")
        #expect(try browser.execute("return document.querySelectorAll('section.runner img').length") == 0)
        #expect(try browser.execute("return typeof window.__pwned") == "undefined")
        try browser.screenshot(named: "queue-paused")

        // And when space comes back, the reason goes
        try await report(paused: nil)
        try await browser.waitUntil("the state reads idle") { try browser.element("section.runner [data-field=state]").text == "idle" }
        #expect(try browser.element("section.runner [data-field=paused]").text == "")
        try browser.expectNoConsoleErrors()
        browser.quit()
        _ = try await server.stop()
    }
}
