// Numbers at the boundary and what reaches the browser, against the real daemon:
// far-out commit times, non-finite and oversized measurements, foreign Host headers.
import Foundation
@testable import TablejohnKit
import Testing
import TestSupport

@Suite("Hostile values", .serialized)
struct HostileValueTests {
    /// Writes a commit on `branch`, child of HEAD, whose author and committer time is `time`.
    static func farCommit(_ repo: TestRepository, branch: String, time: String) throws -> String {
        let tree = try repo.git(["rev-parse", "HEAD^{tree}"])
        let parent = try repo.head()
        let text = "tree \(tree)\nparent \(parent)\nauthor A <a@x> \(time) +0000\ncommitter C <c@x> \(time) +0000\n\nfar \(branch)\n"
        let written = try runProgram(URL(fileURLWithPath: "/usr/bin/git"), ["hash-object", "-t", "commit", "-w", "--literally", "--stdin"],
                                     in: repo.path, stdin: text)
        guard written.status == 0 else { throw TestFailure("git hash-object failed: \(written.stderr)") }
        let hash = written.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.git(["update-ref", "refs/heads/\(branch)", hash])
        return hash
    }

    /// A request through curl with any Host header; status, response headers (lowercased names) and body.
    static func curl(_ port: Int, _ path: String, host: String? = nil, method: String = "GET", body: String? = nil,
                     authorization: String? = nil) throws -> (status: Int, headers: [String: String], body: String) {
        let folder = try TemporaryFolder.make(prefix: "tj-curl")
        var arguments = ["-s", "--max-time", "30", "-o", folder + "/body", "-D", folder + "/headers", "-w", "%{http_code}", "-X", method]
        if let host { arguments += ["-H", "Host: \(host)"] }
        if let authorization { arguments += ["-H", "Authorization: \(authorization)"] }
        if let body {
            try body.write(toFile: folder + "/request", atomically: true, encoding: .utf8)
            arguments += ["--data-binary", "@" + folder + "/request"]
        }
        let result = try runProgram(URL(fileURLWithPath: "/usr/bin/curl"), arguments + ["http://127.0.0.1:\(port)\(path)"], in: folder)
        var headers: [String: String] = [:]
        let raw = (try? String(contentsOfFile: folder + "/headers", encoding: .utf8)) ?? ""
        for line in raw.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let reply = (try? String(contentsOfFile: folder + "/body", encoding: .utf8)) ?? ""
        return (Int(result.stdout) ?? 0, headers, reply)
    }

    @Test("commits dated at the ends of Int64: pages, tjctl, the queue and graph data answer, before and after a restart")
    func farCommitTimes() async throws {
        // Given a repository with a far-future and a far-past commit on branches of their own
        let repo = try TestRepository()
        try repo.commit("base")
        let future = try Self.farCommit(repo, branch: "future", time: "9223372036854775807")
        let past = try Self.farCommit(repo, branch: "past", time: "-9223372036854775808")

        // When the daemon imports them and the front page is asked for
        var server = try DaemonProcess(serve: [], in: repo.path)
        try await server.waitUntilServing()
        let front = try await server.waitForPage("/") { $0.contains("3 commits") }

        // Then it answers, the tips' dates shown as unknown
        #expect(front.contains("unknown date"))
        // When both are tracked and queued, and a run of the future one is submitted
        #expect(try runTjctl(["track", "future"], in: repo.path).status == 0)
        #expect(try runTjctl(["queue", "add", past], in: repo.path).status == 0)
        #expect(try runTjctl(["queue", "add", future], in: repo.path).status == 0)
        let token = try runTjctl(["runner", "add", "ci-box"], in: repo.path).stdout.trimmingCharacters(in: .newlines)
        let auth = "Basic " + Data("ci-box:\(token)".utf8).base64EncodedString()
        let posted = try await server.post("/api/runs?commit=\(past)&format=tablejohn", body: Data(#"{"far/time": {"value": 2, "unit": "s"}}"#.utf8),
                                           authorization: auth)
        #expect(posted.status == 200, "\(posted.body)")

        // Then every view of them answers and the daemon stays up
        for round in ["first start", "after a restart"] {
            for path in ["/", "/commit/\(future)/", "/commit/\(past)/", "/queue/"] {
                let page = try await server.get(path)
                #expect(page.status == 200, "\(round): \(path)")
                #expect(page.body.contains("unknown date"), "\(round): \(path)")
            }
            let graph = try await server.get("/api/graph/series?metric=far/time&refs=all")
            #expect(graph.status == 200, "\(round): \(graph.body)")
            let x = try JSONValue.parse(graph.body)["lines"]?.arrayValue?.first?["x"]
            #expect(x == [.integer(-62_135_596_800_000)], "\(round): \(graph.body)")
            let refs = try runTjctl(["refs"], in: repo.path)
            #expect(refs.status == 0, "\(round): \(refs.stderr)")
            #expect(refs.stdout.contains("unknown date"), "\(round): \(refs.stdout)")
            let refsJSON = try JSONValue.parse(try runTjctl(["refs", "--json"], in: repo.path).stdout)
            let futureRef = refsJSON.arrayValue?.first { $0["name"] == "refs/heads/future" }
            #expect(futureRef?["committer_time"] == .null, "\(round): \(refsJSON)")
            let queue = try runTjctl(["queue", "list"], in: repo.path)
            #expect(queue.status == 0 && queue.stdout.contains("unknown date"), "\(round): \(queue.stdout)\(queue.stderr)")
            #expect(server.process.isRunning, "\(round): \(server.log)")

            if round == "first start" {
                #expect(try await server.stop() == 0)
                server = try DaemonProcess(serve: [], in: repo.path)
                try await server.waitUntilServing()
            }
        }
        _ = try await server.stop()
    }

    /// Result bodies that would store ±inf, NaN or unbounded names, with the reason the daemon must give.
    static let hostileBodies: [(format: String, body: String, reason: String)] = [
        ("criterion", "!  time:   [1e300 s 1e300 s 1e300 s]\n", "metric \"!/time\": value inf is not a finite number"),
        ("go", "BenchmarkX-2 1 1.7e308 ns/op\nBenchmarkX-2 1 1.7e308 ns/op\n", "metric \"BenchmarkX/ns_per_op\": the mean of its 2 samples"),
        ("libtest", "test big ... bench: 1e308 ns/iter (+/- 1e308)\n", "metric \"big/ns_per_iter\": upper inf is not a finite number"),
        ("catch2", """
            <?xml version="1.0" encoding="UTF-8"?>
            <Catch2TestRun name="b"><BenchmarkResults name="Fib"><mean value="1" lowerBound="-inf" upperBound="nan"/></BenchmarkResults></Catch2TestRun>
            """, "metric \"Fib/mean\": lower -inf is not a finite number"),
        ("tablejohn", #"{"m": {"value": 1e999}}"#, "not JSON"),
        ("tablejohn", "{\"\(String(repeating: "n", count: 201))\": {\"value\": 1}}", "the metric name is 201 bytes long; at most 200 are allowed"),
        ("tablejohn", #"{"m": {"value": 1, "unit": "a very long unit name that goes on"}}"#, "metric \"m\": the unit is 34 bytes long; at most 32 are allowed"),
        ("tablejohn", #"{"m\u001b[2J": {"value": 1}}"#, "the metric name contains control characters"),
        ("tablejohn", "{" + (0...10_000).map { "\"m\($0)\": {\"value\": 1}" }.joined(separator: ",") + "}",
         "10001 measurements in one run; at most 10000 are allowed"),
    ]

    @Test("POST /api/runs and a runner's submit_run refuse non-finite numbers and unbounded names with 400, storing nothing")
    func nonFiniteSubmissions() async throws {
        // Given a daemon and a runner token
        let repo = try TestRepository()
        let hashes = try repo.commits(2)
        let server = try DaemonProcess(serve: [], in: repo.path)
        try await server.waitUntilServing()
        _ = try await server.waitForPage("/") { $0.contains("2 commits") }
        let token = try runTjctl(["runner", "add", "ci-box"], in: repo.path).stdout.trimmingCharacters(in: .newlines)
        let auth = "Basic " + Data("ci-box:\(token)".utf8).base64EncodedString()

        // When each hostile body is posted, Then 400 with a reason naming the metric
        for (format, body, reason) in Self.hostileBodies {
            let reply = try await server.post("/api/runs?commit=\(hashes[0])&format=\(format)", body: Data(body.utf8), authorization: auth)
            #expect(reply.status == 400, "\(format): \(reply.body)")
            #expect(reply.body.contains(reason), "\(format): \(reply.body)")
        }
        // And detected rather than named formats are refused the same way
        let detected = try await server.post("/api/runs?commit=\(hashes[0])", body: Data(Self.hostileBodies[0].body.utf8), authorization: auth)
        #expect(detected.status == 400 && detected.body.contains("not a finite number"), "\(detected.body)")

        // When a runner submits measurements that are not finite numbers, or a string where a number belongs
        let submissions: [(JSONValue, String)] = [
            (["x": ["value": 1, "samples": [1, "inf"]]], "x.samples must be an array of numbers"),
            (["x": ["value": "NaN"]], "x.value must be a finite number"),
            (["x": ["value": 1, "lower": "-Infinity"]], "x.lower must be a finite number"),
            (["x": ["value": 1, "unit": 5]], "x.unit must be a string"),
            (["x": 1], "\"x\" must be an object"),
        ]
        for (measurements, reason) in submissions {
            let status: JSONValue = [
                "secret": "0123456789", "status": ["type": "idle"],
                "submit_run": ["id": "hostile-run", "hash": .string(hashes[1]), "bench_method": "internal",
                               "start": "2026-01-01T00:00:00Z", "end": "2026-01-01T00:00:01Z", "exit_code": 0,
                               "measurements": measurements],
            ]
            let reply = try await server.post("/api/runner/status", body: Data(try status.serialized()), authorization: auth)
            #expect(reply.status == 400, "\(measurements): \(reply.body)")
            #expect(reply.body.contains("submit_run: measurements: \(reason)"), "\(measurements): \(reply.body)")
        }

        // Then nothing was stored and the daemon still answers
        #expect(try storedRuns(in: repo.path).isEmpty)
        #expect(try await server.get("/").status == 200)
        #expect(try await server.get("/api/graph/series?metric=!/time").status == 404)
        #expect(try runTjctl(["metrics"], in: repo.path).stdout.contains("!/time") == false)
        #expect(server.process.isRunning)
        _ = try await server.stop()
    }

    @Test("a foreign Host is refused with 421 everywhere; loopback and allowed-hosts names are served; every answer carries the CSP")
    func hostHeader() async throws {
        // Given a daemon with one extra allowed name
        let repo = try TestRepository()
        _ = try repo.commits(1)
        let config = try TemporaryFolder.make(prefix: "tj-hosts") + "/tablejohn.toml"
        try "[web]\nallowed-hosts = [\"bench.example.com\"]\n".write(toFile: config, atomically: true, encoding: .utf8)
        let server = try DaemonProcess(serve: ["--config", config], in: repo.path)
        try await server.waitUntilServing()

        // When a rebinding page's name arrives as Host, Then every kind of route refuses it
        for path in ["/", "/graph/", "/api/export.csv", "/api/runner/status", "/static/style.css", "/login"] {
            let reply = try Self.curl(server.port, path, host: "rebind.attacker.example:\(server.port)")
            #expect(reply.status == 421, "\(path)")
            #expect(reply.body == "this tablejohn does not answer for host \"rebind.attacker.example:\(server.port)\"; add the name to [web] allowed-hosts\n")
        }
        let posted = try Self.curl(server.port, "/api/runs?commit=HEAD", host: "attacker.example", method: "POST", body: "{}")
        #expect(posted.status == 421)

        // And loopback names and the listed name are served, with the security headers
        for host in ["127.0.0.1:\(server.port)", "localhost:\(server.port)", "bench.example.com", "tj.localhost"] {
            let reply = try Self.curl(server.port, "/", host: host)
            #expect(reply.status == 200, "\(host)")
            let policy = reply.headers["content-security-policy"] ?? ""
            #expect(policy.contains("default-src 'self'") && policy.contains("script-src 'self'") && policy.contains("object-src 'none'")
                    && policy.contains("frame-ancestors 'none'") && policy.contains("base-uri 'none'") && policy.contains("form-action 'self'"),
                    "\(policy)")
            #expect(reply.headers["x-content-type-options"] == "nosniff")
            #expect(reply.headers["x-frame-options"] == "DENY")
            #expect(reply.headers["referrer-policy"] == "same-origin")
        }
        #expect(server.process.isRunning)
        _ = try await server.stop()
    }

    @Test("a metric unit written as HTML shows as text on /graph/: no script runs, no console errors, CSP in place")
    func unitOnGraph() async throws {
        // Given metrics !a, !b and !c (drawn by default: first by name) whose unit is markup
        let repo = try TestRepository()
        let hashes = try repo.commits(3)
        let server = try DaemonProcess(serve: [], in: repo.path)
        try await server.waitUntilServing()
        _ = try await server.waitForPage("/") { $0.contains("3 commits") }
        let token = try runTjctl(["runner", "add", "ci-box"], in: repo.path).stdout.trimmingCharacters(in: .newlines)
        let auth = "Basic " + Data("ci-box:\(token)".utf8).base64EncodedString()
        let unit = "<img src=x onerror=xss=1>"
        for (index, hash) in hashes.enumerated() {
            var metrics = JSONObject()
            for name in ["!a", "!b", "!c"] { metrics[name] = ["value": .real(Double(index + 1)), "unit": .string(unit)] }
            let body = JSONValue.object(metrics)
            let reply = try await server.post("/api/runs?commit=\(hash)&format=tablejohn", body: Data(try body.serialized()), authorization: auth)
            #expect(reply.status == 200, "\(reply.body)")
        }

        // When a visitor opens /graph/
        let browser = try Browser()
        defer { browser.quit() }
        try browser.navigate(to: "http://127.0.0.1:\(server.port)/graph/")
        try await browser.waitUntil("the graph to draw", seconds: 20) {
            try browser.element("#graph").attribute("data-state") == "ready"
        }

        // Then the unit is the axis label's text, no element came of it and its handler never ran
        #expect(try browser.execute("return window.tablejohnGraph.getLabels()") == ["commit date", "!a · ci-box", "!b · ci-box", "!c · ci-box"])
        #expect(try browser.execute("return document.querySelector('.dygraph-ylabel').textContent") == .string(unit))
        #expect(try browser.execute("return document.querySelectorAll('#graph img').length") == 0)
        #expect(try browser.execute("return typeof window.xss") == "undefined")
        try browser.expectNoConsoleErrors()
        _ = try await server.stop()
    }

    @Test("a bench printing numbers whose mean overflows: the run fails with the reason, the queue moves on, the runner keeps working")
    func overflowingBenchOutput() async throws {
        // Given two commits and a bench command printing two 1.7e308 ns/op lines for the first
        let repo = try TestRepository()
        let hashes = try repo.commits(2)
        let config = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
        try #"""
            [bench]
            method = "command"
            command = 'if [ "$TABLEJOHN_COMMIT" = "\#(hashes[0])" ]; then printf "BenchmarkX-2 1 1.7e308 ns/op\nBenchmarkX-2 1 1.7e308 ns/op\n"; else printf "BenchmarkX-2 1 5 ns/op\n"; fi'

            [runner]
            ping-interval = "200ms"
            """#.write(toFile: config, atomically: true, encoding: .utf8)
        let server = try DaemonProcess(serve: ["--config", config, "--local-runner"], in: repo.path)
        try await server.waitUntilServing()

        // When both are queued and the local runner takes them
        #expect(try runTjctl(["queue", "add", hashes[0]], in: repo.path).status == 0)
        #expect(try runTjctl(["queue", "add", hashes[1]], in: repo.path).status == 0)
        let runs = try await waitForRuns(2, in: repo.path, logs: server.log)

        // Then the overflowing one is a failed run saying why, with no measurements, and the other is measured
        let bad = try #require(runs.first { $0["commit"] == .string(hashes[0]) })
        #expect(bad["exit_code"] == 1, "\(bad)")
        #expect(bad["measurements"]?.objectValue?.entries.isEmpty == true)
        #expect(bad["output"]?.arrayValue?.contains { line in
            line.arrayValue?.last?.stringValue?.contains("metric \"BenchmarkX/ns_per_op\": the mean of its 2 samples is not a finite number") == true
        } == true, "\(bad)")
        let good = try #require(runs.first { $0["commit"] == .string(hashes[1]) })
        #expect(good["measurements"]?["BenchmarkX/ns_per_op"]?["value"] == .real(5))
        #expect(try await server.get("/queue/").status == 200)
        _ = try await server.stop()
    }
}
