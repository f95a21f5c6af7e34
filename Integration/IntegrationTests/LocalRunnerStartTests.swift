import Foundation
import Testing
@testable import TablejohnKit
import TestSupport

@Suite("serve --local-runner: a clean start", .serialized)
struct LocalRunnerStartTests {
    @Test("the local runner first calls once the server listens: no warning in the log, and a queued commit is measured")
    func startsAfterListening() async throws {
        let repo = try TestRepository()
        let hash = try repo.commit("first")
        let server = try DaemonProcess(serve: ["--local-runner"], in: repo.path)
        try await server.waitUntilServing()
        #expect(try runTjctl(["queue", "add", hash], in: repo.path).status == 0)

        let runs = try await waitForRuns(1, in: repo.path, logs: server.log)

        #expect(runs.first?["runner"] == "local")
        // The run carries what could have skewed it, and its page says so
        let conditions = try #require(runs.first?["conditions"])
        #expect(conditions["load_average"]?.doubleValue.map { $0 >= 0 } == true)
        #expect(conditions["shared_machine"] == false)
        let page = try await server.get("/run/\(runs.first?["id"]?.stringValue ?? "")/")
        #expect(page.body.contains("<tr><th>Conditions</th>"))
        #expect(page.body.contains("alone on the machine"))
        _ = try await server.stop()
        #expect(!server.log.contains("status call failed"), "\(server.log)")
        #expect(!server.log.contains("warning"), "\(server.log)")
    }

    @Test("a first start with a local runner draws a line of the tracked branch's recent commits within a minute, with no command and no warning; initial-backfill = 0 turns it off")
    func firstStartShowsGraphs() async throws {
        // Given a fresh repository of 30 commits, served with a local runner and nothing else
        let repo = try TestRepository()
        let hashes = try repo.commits(30)
        let server = try DaemonProcess(serve: ["--local-runner"], in: repo.path)
        try await server.waitUntilServing()

        // Then within 60 s the graph's data for `lines` has at least 10 points
        var points = 0
        let deadline = Date().addingTimeInterval(60)
        while points < 10, Date() < deadline {
            let series = try await server.get("/api/graph/series?metric=lines")
            if series.status == 200 {
                let lines: [JSONValue] = try JSONValue.parse(series.body)["lines"]?.arrayValue ?? []
                points = lines.map { $0["y"]?.arrayValue?.count ?? 0 }.reduce(0, +)
            }
            if points < 10 { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(points >= 10, "\(server.log)")
        let runs = try await waitForRuns(20, in: repo.path, logs: server.log)
        #expect(Set(runs.compactMap { $0["commit"]?.stringValue }) == Set(hashes.suffix(20)))
        #expect(try await server.get("/api/graph/series?metric=lines").body.contains(hashes[29]))
        _ = try await server.stop()
        #expect(!server.log.contains("warning"), "\(server.log)")

        // A restart does not queue them again.
        let again = try DaemonProcess(serve: ["--local-runner"], in: repo.path)
        try await again.waitUntilServing()
        #expect(try runTjctl(["queue"], in: repo.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        _ = try await again.stop()

        let off = try TestRepository()
        try off.commits(5)
        let config = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
        try "[bench]\ninitial-backfill = 0\n".write(toFile: config, atomically: true, encoding: .utf8)
        let quiet = try DaemonProcess(serve: ["--config", config, "--local-runner"], in: off.path)
        try await quiet.waitUntilServing()
        _ = try await quiet.waitForPage("/") { $0.contains("5 commits") }
        #expect(try runTjctl(["queue"], in: off.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        _ = try await quiet.stop()
    }
}
