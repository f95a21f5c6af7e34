import Foundation
import Testing
import TestSupport
@testable import TablejohnKit

/// A new user's first minutes against the real daemon: each page says what is missing
/// and gives the exact command, and the command it gives works.
@Suite("First steps: what the pages say while nothing is measured", .serialized)
struct FirstStepsTests {
    static let pages = ["/", "/graph/", "/queue/"]

    /// The text of the first command block on `page`, unescaped.
    static func command(in page: String) throws -> String {
        let start = try #require(page.range(of: "<pre class=\"command\"><code>"))
        let end = try #require(page.range(of: "</code></pre>", range: start.upperBound..<page.endIndex))
        return String(page[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test("no runner, then no tracked branch, then nothing queued: each page names the command; the backfill it names fills the graph and the guidance goes")
    func guidance() async throws {
        // Given a repository of 5 commits served without a runner
        let repo = try TestRepository()
        let hashes = try repo.commits(5)
        let server = try DaemonProcess(serve: [], in: repo.path)
        try await server.waitUntilServing()
        _ = try await server.waitForPage("/") { $0.contains("5 commits") }

        // Then every page says no runner asked for work and how to start one
        for path in Self.pages {
            let page = try await server.get(path)
            #expect(page.status == 200)
            #expect(page.body.contains("id=\"first-steps\""), "\(path)")
            #expect(page.body.contains("No runner has asked for work yet"), "\(path)")
            #expect(try Self.command(in: page.body) == "tablejohnd serve --local-runner", "\(path)")
            #expect(page.body.contains("tjctl runner add bench-box-1\ntablejohnd runner --name bench-box-1 --server URL --token TOKEN"))
        }

        // When nothing is tracked, that comes first
        #expect(try runTjctl(["untrack", "main"], in: repo.path).status == 0)
        let untracked = try await server.get("/")
        #expect(untracked.body.contains("No branch is tracked"))
        #expect(try Self.command(in: untracked.body) == "tjctl track main")
        #expect(try runTjctl(["track", "main"], in: repo.path).status == 0)

        // When a runner has called in and nothing is queued, the pages name the backfill
        let token = try runTjctl(["runner", "add", "box"], in: repo.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let runner = try DaemonProcess(runner: ["--name", "box", "--server", "http://127.0.0.1:\(server.port)", "--token", token],
                                       in: repo.path)
        let ready = try await server.waitForPage("/queue/") { $0.contains("tjctl backfill") }
        #expect(ready.contains("A runner is ready, but nothing is queued"))
        let backfill = try Self.command(in: ready)
        #expect(backfill == "tjctl backfill main --last 20")

        // And the command as shown queues the history, which the runner measures
        let typed = try runTjctl(Array(backfill.split(separator: " ").dropFirst().map(String.init)), in: repo.path)
        #expect(typed.status == 0, "\(typed.stderr)")
        let runs = try await waitForRuns(5, in: repo.path, logs: "server:\n\(server.log)\nrunner:\n\(runner.log)")
        #expect(Set(runs.compactMap { $0["commit"]?.stringValue }) == Set(hashes))

        // Then the guidance is gone and the graph has its line
        for path in Self.pages {
            let page = try await server.get(path)
            #expect(!page.body.contains("first-steps"), "\(path)")
        }
        let series = try await server.get("/api/graph/series?metric=lines")
        #expect(series.status == 200)
        #expect(series.body.contains(hashes[4]))
        _ = try await runner.stop()
        _ = try await server.stop()
    }
}
