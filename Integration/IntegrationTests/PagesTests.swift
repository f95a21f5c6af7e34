import Foundation
@testable import TablejohnKit
import Testing
import TestSupport

/// The pages of a real daemon, fetched with curl: runs from `tjctl submit` and from a
/// real runner process whose live output reaches `/api/queue/live`.
@Suite("Pages", .serialized)
struct PagesTests {
    /// What curl saw: status, the Location header of a redirect, and the body.
    struct Fetched {
        var status: Int
        var location: String
        var body: String
    }

    func curl(_ server: DaemonProcess, _ path: String) throws -> Fetched {
        let folder = try TemporaryFolder.make(prefix: "tj-curl")
        let result = try runProgram(URL(fileURLWithPath: "/usr/bin/env"),
                                    ["curl", "-s", "--max-time", "30", "-o", folder + "/body", "-w", "%{http_code} %{redirect_url}",
                                     "http://127.0.0.1:\(server.port)\(path)"], in: folder)
        let parts = result.stdout.split(separator: " ", maxSplits: 1).map(String.init)
        let body = (try? String(contentsOfFile: folder + "/body", encoding: .utf8)) ?? ""
        let location = parts.count > 1 ? parts[1].replacingOccurrences(of: "http://127.0.0.1:\(server.port)", with: "") : ""
        return Fetched(status: Int(parts.first ?? "") ?? 0, location: location, body: body)
    }

    func submit(_ repo: TestRepository, commit: String, _ results: String) throws -> String {
        let file = try TemporaryFolder.make(prefix: "tj-results") + "/results.json"
        try results.write(toFile: file, atomically: true, encoding: .utf8)
        let submitted = try runTjctl(["submit", "--commit", commit, "--runner", "ci<box>", file, "--json"], in: repo.path)
        guard submitted.status == 0, let id = try JSONValue.parse(submitted.stdout)["id"]?.stringValue else {
            throw TestFailure("tjctl submit failed: \(submitted.stderr)")
        }
        return id
    }

    @Test("every page of a daemon with submitted runs: redirects, 404s naming what was looked up, deltas, escaping")
    func everyPage() async throws {
        let repo = try TestRepository()
        let base = try repo.commit("base")
        let head = try repo.commit("<script>alert(1)</script> speed-up", author: "Eve <eve>")
        let server = try DaemonProcess(serve: [], in: repo.path)
        try await server.waitUntilServing()
        _ = try await server.waitForPage("/") { $0.contains("2 commits") }
        #expect(try runTjctl(["metric", "set", "latency", "--direction", "lower"], in: repo.path).status == 0)
        let before = try submit(repo, commit: "HEAD~1", #"{"latency": {"value": 2.0, "unit": "s"}}"#)
        let after = try submit(repo, commit: "HEAD", #"{"latency": {"value": 2.5, "unit": "s"}}"#)

        let index = try curl(server, "/")
        #expect(index.status == 200)
        #expect(index.body.contains("<a href=\"/run/\(after)/\">"))
        #expect(!index.body.contains("<script>alert"))

        let byRef = try curl(server, "/commit/main/")
        #expect(byRef.status == 302)
        #expect(byRef.location == "/commit/\(head)/")
        #expect(try curl(server, "/commit/\(head.prefix(8))/").location == "/commit/\(head)/")
        let commit = try curl(server, "/commit/\(head)/")
        #expect(commit.status == 200)
        #expect(commit.body.contains("&lt;script&gt;alert(1)&lt;/script&gt; speed-up"))
        #expect(commit.body.contains("Eve"))
        #expect(!commit.body.contains("<script>alert") && !commit.body.contains("<eve>"))
        #expect(commit.body.contains("<td class=\"number delta worse\">+25.0 %</td>"))
        #expect(commit.body.contains("<a href=\"/commit/\(base)/\">"))
        let unknown = try curl(server, "/commit/no-such-ref/")
        #expect(unknown.status == 404)
        #expect(unknown.body.contains("No commit or ref named <code>no-such-ref</code>"))

        let run = try curl(server, "/run/\(after)/")
        #expect(run.status == 200)
        #expect(run.body.contains("<td class=\"number delta worse\">+25.0 %</td>"))
        #expect(run.body.contains("href=\"/compare/\(after)/\""))
        let compare = try curl(server, "/compare/\(before)/\(after)/")
        #expect(compare.status == 200)
        #expect(compare.body.contains("<td class=\"number delta worse\">+25.0 %</td>"))
        let picker = try curl(server, "/compare/\(after)/")
        #expect(picker.body.contains("href=\"/compare/\(after)/\(before)/\""))
        #expect(try curl(server, "/compare/\(after)/nope/").body.contains("No run named <code>nope</code>"))

        let runner = try curl(server, "/runner/ci%3Cbox%3E/")
        #expect(runner.status == 200)
        #expect(runner.body.contains("ci&lt;box&gt;"))
        #expect(runner.body.contains("href=\"/run/\(after)/\""))
        #expect(try curl(server, "/runner/ghost/").status == 404)

        let queue = try curl(server, "/queue/")
        #expect(queue.status == 200)
        #expect(queue.body.contains("The queue is empty."))
        #expect(try curl(server, "/static/queue.js").body.contains("setTimeout(poll, 2000)"))
        #expect(try curl(server, "/api/queue/live").body.contains("\"runners\""))
        _ = try await server.stop()
    }

    @Test("a real runner's output shows on /queue/ and /api/queue/live while its run is in progress")
    func liveOutput() async throws {
        let repo = try TestRepository()
        try "#!/bin/sh\necho 'warming <up>'\necho 'on stderr' >&2\nsleep 8\necho '{\"t\": {\"value\": 1}}' > \"$TABLEJOHN_RESULTS\"\n"
            .write(toFile: repo.path + "/bench.sh", atomically: true, encoding: .utf8)
        try repo.git(["add", "bench.sh"])
        try repo.commit("first")
        let config = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
        try "[bench]\ncommand = \"sh bench.sh\"\n\n[runner]\nping-interval = \"200ms\"\n\n[repo]\nfetch-interval = \"200ms\"\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let server = try DaemonProcess(serve: ["--config", config], in: repo.path)
        try await server.waitUntilServing()
        let token = try runTjctl(["runner", "add", "box"], in: repo.path).stdout.trimmingCharacters(in: .newlines)
        let runner = try DaemonProcess(runner: ["--config", config, "--name", "box", "--server", "http://127.0.0.1:\(server.port)",
                                                "--token", token], in: repo.path)
        try repo.commit("second")

        let live = try await server.waitForPage("/api/queue/live", seconds: 60) { $0.contains("warming <up>") }
        #expect(live.contains("[\"stderr\",\"on stderr\"]"))
        #expect(live.contains("\"state\":\"working\""))
        let queue = try curl(server, "/queue/")
        #expect(queue.body.contains("<span class=\"stdout\"><span class=\"source\">out</span> warming &lt;up&gt;</span>"))
        #expect(queue.body.contains("state-working"))
        // Once the run is stored, its live output is gone.
        _ = try await server.waitForPage("/api/queue/live", seconds: 30) { !$0.contains("warming") }
        _ = try await runner.stop()
        _ = try await server.stop()
    }
}
