import Foundation
import Testing
import TestSupport
@testable import TablejohnKit

/// Branch comparisons and CI verdicts against the real daemon and tjctl, with runs submitted as CI would.
@Suite("Branch comparison and CI", .serialized)
struct BranchCompareTests {
    /// Submits a run of `commit` with five samples per metric, each `scale` times the usual.
    func submit(_ commit: String, parse: Double, render: Double, in repo: TestRepository) throws {
        let file = try TemporaryFolder.make(prefix: "tj-results") + "/results.json"
        func samples(_ center: Double) -> String {
            "[" + [0.0, 1, -1, 0.5, -0.5].map { String(center * (1 + $0 / 100)) }.joined(separator: ", ") + "]"
        }
        try """
            {"parse": {"value": \(parse), "unit": "ms", "samples": \(samples(parse))},
             "render": {"value": \(render), "unit": "ms", "samples": \(samples(render))}}
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let submitted = try runTjctl(["submit", "--commit", commit, "--runner", "ci-box", file], in: repo.path)
        #expect(submitted.status == 0, "\(submitted.stderr)")
    }

    /// The table row of `metric` on a comparison page.
    func metricRow(_ body: String, _ metric: String) -> Substring? {
        guard let start = body.range(of: "<td class=\"metric\">\(metric)</td>") else { return nil }
        let end = body[start.upperBound...].range(of: "</tr>")?.lowerBound ?? body.endIndex
        return body[start.lowerBound..<end]
    }

    @Test("a branch 20 % slower in one metric regresses (exit 1), an unchanged branch passes (exit 0), a merge base without runs is queued until it has some")
    func compareBranches() async throws {
        // Given main with four commits, a branch "slow" off its tip, a branch "same" off its tip, and "late" off main~2
        let repo = try TestRepository()
        let main = try repo.commits(4)
        try repo.git(["checkout", "-q", "-b", "slow"])
        let slow = try repo.commit("slower parsing", file: "slow.txt")
        try repo.git(["checkout", "-q", "-b", "same", main[3]])
        let same = try repo.commit("a comment", file: "same.txt")
        try repo.git(["checkout", "-q", "-b", "late", main[1]])
        let late = try repo.commit("late work", file: "late.txt")
        try repo.git(["checkout", "-q", "main"])
        let server = try DaemonProcess(serve: [], in: repo.path)
        try await server.waitUntilServing()
        _ = try await server.waitForPage("/") { $0.contains("7 commits") }
        for metric in ["parse", "render"] {
            #expect(try runTjctl(["metric", "set", metric, "--direction", "lower"], in: repo.path).status == 0)
        }
        try submit(main[3], parse: 100, render: 50, in: repo)
        try submit(main[2], parse: 100.3, render: 50.1, in: repo)
        try submit(slow, parse: 120, render: 50, in: repo)
        try submit(same, parse: 100.2, render: 49.9, in: repo)
        try submit(late, parse: 120, render: 50, in: repo)

        // When the slow branch is compared with main, Then parse regressed and render did not: exit 1
        let slowCompare = try runTjctl(["compare", "main", "slow", "--json"], in: repo.path)
        #expect(slowCompare.status == 1, "\(slowCompare.stderr)")
        let reply = try JSONValue.parse(slowCompare.stdout)
        #expect(reply["merge_base"] == .string(main[3]))
        let verdicts = Dictionary(uniqueKeysWithValues: (reply["metrics"]?.arrayValue ?? []).map { ($0["metric"]?.stringValue ?? "", $0) })
        #expect(verdicts["parse"]?["verdict"] == "regression")
        #expect(abs((verdicts["parse"]?["change_percent"]?.doubleValue ?? 0) - 20) < 0.01)
        #expect(verdicts["parse"]?["basis"] == "rank test")
        #expect(verdicts["render"]?["verdict"] == "unchanged")
        #expect(reply["summary"]?["regressions"] == 1)
        #expect(slowCompare.stderr.contains("1 metric regressed"))
        let markdown = try runTjctl(["compare", "main", "slow", "--markdown"], in: repo.path)
        #expect(markdown.status == 1)
        #expect(markdown.stdout.contains("| `parse` | 100 | 120 | +20.0 % | ms | **regression** |"))
        let page = try await server.get("/compare/main...slow/")
        #expect(page.status == 200)
        #expect(page.body.contains("<p id=\"summary\">1 regression, 0 improvements, 1 without significant change;"))
        #expect(try #require(metricRow(page.body, "parse")).contains("<td class=\"verdict worse\">regression</td>"))
        #expect(try #require(metricRow(page.body, "render")).contains("<td class=\"verdict neutral\">no significant change</td>"))

        // When the unchanged branch is compared, Then exit 0; a generous threshold lets the slow one pass too
        let sameCompare = try runTjctl(["compare", "main", "same"], in: repo.path)
        #expect(sameCompare.status == 0, "\(sameCompare.stdout)\(sameCompare.stderr)")
        #expect(sameCompare.stdout.contains("0 regressions, 0 improvements, 2 without significant change"))
        #expect(try runTjctl(["compare", "main", "slow", "--threshold", "25"], in: repo.path).status == 0)
        // Usage errors exit 2
        #expect(try runTjctl(["compare", "main"], in: repo.path).status == 2)
        #expect(try runTjctl(["compare", "main", "slow", "--threshold", "-3"], in: repo.path).status == 2)
        #expect(try runTjctl(["compare", "main", "slow", "--json", "--markdown"], in: repo.path).status == 2)

        // When "late" is compared, its merge base main~2 has no runs: no verdict yet (exit 3), and it is queued first
        let waiting = try runTjctl(["compare", "main", "late"], in: repo.path)
        #expect(waiting.status == 3, "\(waiting.stdout)\(waiting.stderr)")
        #expect(waiting.stdout.contains("No verdict yet: the merge base \(main[1].prefix(10)) has no runs on HEAD's machine; it is queued"))
        let queue = try JSONValue.parse(try runTjctl(["queue", "--json"], in: repo.path).stdout)
        #expect(queue.arrayValue?.first?["hash"] == .string(main[1]))
        #expect(queue.arrayValue?.first?["priority"] == .integer(Int64(BranchComparer.mergeBasePriority)))
        #expect(try await server.get("/queue/").body.contains(String(main[1].prefix(10))))
        #expect(try await server.get("/compare/main...late/").body.contains("id=\"waiting\""))

        // Then once the merge base has runs, the verdict appears
        try submit(main[1], parse: 100, render: 50, in: repo)
        let verdict = try runTjctl(["compare", "main", "late"], in: repo.path)
        #expect(verdict.status == 1)
        #expect(verdict.stdout.contains("1 regression"))
        let latePage = try await server.get("/compare/main...late/").body
        #expect(try #require(metricRow(latePage, "parse")).contains("regression"))

        // And refs redirect (302) to their newest run's page, which shows the run
        let redirect = try runProgram(URL(fileURLWithPath: "/usr/bin/curl"),
                                      ["-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "http://127.0.0.1:\(server.port)/run/slow/"],
                                      in: "/").stdout
        #expect(redirect.hasPrefix("302 http://127.0.0.1:\(server.port)/run/"), "\(redirect)")
        // A client following it lands on the page in one step
        let followed = try runProgram(URL(fileURLWithPath: "/usr/bin/curl"),
                                      ["-sL", "-o", "/dev/null", "-w", "%{http_code} %{num_redirects}", "http://127.0.0.1:\(server.port)/run/slow/"],
                                      in: "/").stdout
        #expect(followed == "200 1")
        let runPath = String(redirect.dropFirst("302 http://127.0.0.1:\(server.port)".count))
        let run = try await server.get(runPath)
        #expect(run.status == 200)
        #expect(run.body.contains("slower parsing"))
        _ = try await server.stop()
    }

    @Test("tjctl changes --fail-on regression exits 0 without open regressions; GET /api/changes lists changes as JSON")
    func failOn() async throws {
        let repo = try TestRepository()
        try repo.commits(2)
        let server = try DaemonProcess(serve: [], in: repo.path)
        try await server.waitUntilServing()
        let clean = try runTjctl(["changes", "--fail-on", "regression"], in: repo.path)
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(try runTjctl(["changes", "--fail-on", "improvement"], in: repo.path).status == 2)
        let api = try await server.get("/api/changes?tracked=1&kind=regression")
        #expect(api.status == 200)
        #expect(try JSONValue.parse(api.body) == .array([]))
        #expect(try await server.get("/api/changes?kind=worse").status == 400)
        #expect(try await server.get("/api/changes?bogus=1").status == 400)
        _ = try await server.stop()
    }

    @Test("a confirmed regression on the tracked main line fails tjctl changes --fail-on regression until acknowledged")
    func failOnConfirmedRegression() async throws {
        // Given 30 commits on main benchmarked by the local runner: about 100 ms, then about 120 ms from commit 16 on
        // (15 values a side: the detector's rank scan needs that many to be sure at p ≤ 0.001)
        let repo = try TestRepository()
        var hashes: [String] = []
        for index in 0..<30 {
            let value = (index < 15 ? 100.0 : 120.0) + Double((index * 37) % 11 - 5) * 0.1
            try String(format: "%.2f\n", value).write(toFile: repo.path + "/value.txt", atomically: true, encoding: .utf8)
            try repo.git(["add", "value.txt"])
            hashes.append(try repo.commit("change \(index + 1)", file: "notes.txt"))
        }
        let config = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
        try """
            [bench]
            initial-backfill = 0
            method = "command"
            command = "printf '{\\"parse_time\\": {\\"value\\": %s, \\"unit\\": \\"ms\\"}}' $(cat value.txt) > \\"$TABLEJOHN_RESULTS\\""

            [runner]
            ping-interval = "200ms"

            [detect]
            interval = "300ms"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let server = try DaemonProcess(serve: ["--config", config, "--local-runner"], in: repo.path)
        try await server.waitUntilServing()
        #expect(try runTjctl(["metric", "set", "parse_time", "--direction", "lower"], in: repo.path).status == 0)
        #expect(try runTjctl(["changes", "--fail-on", "regression"], in: repo.path).status == 0, "nothing detected yet")
        for hash in hashes { #expect(try runTjctl(["queue", "add", hash], in: repo.path).status == 0) }

        // When detection confirms the step, Then the CI check fails and says why
        var failing: (status: Int32, stdout: String, stderr: String)?
        for _ in 0..<600 {
            let check = try runTjctl(["changes", "--fail-on", "regression"], in: repo.path)
            if check.status != 0 {
                failing = check
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let failed = try #require(failing, "no confirmed regression; log:\n\(server.log)")
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("1 unacknowledged confirmed regression on tracked refs"))
        #expect(failed.stdout.contains("confirmed"))

        // And GET /api/changes gives the same list as changes.list
        let listed = try JSONValue.parse(try runTjctl(["changes", "--json", "--limit", "100"], in: repo.path).stdout)
        let api = try await server.get("/api/changes")
        #expect(api.status == 200)
        #expect(try JSONValue.parse(api.body) == listed)
        let confirmed = try #require(try JSONValue.parse(try await server.get("/api/changes?state=confirmed&kind=regression&tracked=true").body)
            .arrayValue?.first)
        #expect(confirmed["commit"] == .string(hashes[15]))

        // When it is acknowledged, Then CI passes again
        let id = try #require(confirmed["id"]?.intValue)
        #expect(try runTjctl(["changes", "--ack", String(id)], in: repo.path).status == 0)
        #expect(try runTjctl(["changes", "--fail-on", "regression"], in: repo.path).status == 0)
        _ = try await server.stop()
    }
}
