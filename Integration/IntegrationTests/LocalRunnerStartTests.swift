import Foundation
import Testing
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

    @Test("a first start with a local runner measures the tracked branch's recent commits with no command; initial-backfill = 0 turns it off")
    func firstStartShowsGraphs() async throws {
        let repo = try TestRepository()
        let hashes = try repo.commits(25)
        let server = try DaemonProcess(serve: ["--local-runner"], in: repo.path)
        try await server.waitUntilServing()

        let runs = try await waitForRuns(20, in: repo.path, logs: server.log)

        #expect(Set(runs.compactMap { $0["commit"]?.stringValue }) == Set(hashes.suffix(20)))
        let series = try await server.get("/api/graph/series?metric=files")
        #expect(series.status == 200)
        #expect(series.body.contains(hashes[24]))
        _ = try await server.stop()

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
