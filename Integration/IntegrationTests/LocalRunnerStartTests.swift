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
        _ = try await server.stop()
        #expect(!server.log.contains("status call failed"), "\(server.log)")
        #expect(!server.log.contains("warning"), "\(server.log)")
    }
}
