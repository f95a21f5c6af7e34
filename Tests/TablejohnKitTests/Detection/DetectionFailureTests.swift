import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Detection and graphs with a broken stored value")
struct DetectionFailureTests {
    @Test("an infinite value stored around the checks skips its series only; the graph leaves it out")
    func oneBadSeries() async throws {
        // Given two metrics with a 10 % step, "!bad" sorting first, in a database file
        let repo = try TestRepository()
        let hashes = try repo.commits(101)
        let path = try TemporaryFolder.make(prefix: "tj-detect-bad") + "/t.db"
        let store = try Store(path: path)
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        for index in stride(from: 0, to: 101, by: 4) {
            let value = (index < 50 ? 100.0 : 110.0) + Double((index * 37) % 11 - 5) * 0.1
            try store.record(Run(id: "run-\(index)", commit: hashes[index], benchMethod: "command", runnerName: "bench-1",
                                 fingerprint: ["cpu": "test"], start: Int64(index), end: Int64(index) + 1, exitCode: 0, origin: .runner,
                                 measurements: [try Measurement(metric: "!bad", value: value, unit: "ms"),
                                                try Measurement(metric: "parse_time", value: value, unit: "ms")]))
        }
        // And one of "!bad"'s values made infinite by hand, as no submission can
        let edited = try runProgram("/usr/bin/sqlite3", [path, "UPDATE measurements SET value = 9e999 WHERE metric = '!bad' AND run_id = 'run-40'"])
        #expect(edited.status == 0, "\(edited.errors)")

        // When a detection round runs
        let service = DetectionService(store: store, settings: .init(), hooks: [], logger: Logger(label: "test"))
        let report = try service.round(now: 1_000)

        // Then "!bad" is skipped and parse_time, after it, is still analysed
        #expect(report.series == 2)
        #expect(report.failed == 1)
        let changes = try store.changes(ChangeFilter(states: ChangeState.allCases))
        #expect(changes.map(\.metric) == ["parse_time"])

        // And the graph data of "!bad" answers without the broken point
        let web = WebContext(store: store, sync: SyncStatus(), repositoryPath: repo.path,
                             resolver: RevisionResolver(store: store, repository: try GitRepository(opening: repo.path)))
        try await Application(router: WebRoutes.router(web)).test(.router) { client in
            let response = try await client.execute(uri: "/api/graph/series?metric=!bad&refs=all", method: .get)
            #expect(response.status == .ok)
            let reply = try JSONValue.parse(Array(String(buffer: response.body).utf8))
            #expect(reply["lines"]?.arrayValue?.first?["y"]?.arrayValue?.count == 25)
        }
    }

    private func runProgram(_ executable: String, _ arguments: [String]) throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
