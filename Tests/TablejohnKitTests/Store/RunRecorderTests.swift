import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Recording runs")
struct RunRecorderTests {
    let store: Store
    let hashes: [String]

    init() throws {
        let repo = try TestRepository()
        hashes = try repo.commits(3)
        store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
    }

    func run(_ id: String, commit: String, metrics: [String] = ["time"]) -> Run {
        Run(id: id, commit: commit, benchMethod: "command", runnerName: "box", fingerprint: nil, start: 0, end: 1, exitCode: 0,
            origin: .runner, measurements: metrics.map { try! Measurement(metric: $0, value: 1.5, unit: "s") }, output: [(.stdout, "ok")])
    }

    @Test("in one batch a bad run fails alone and a repeated id is stored once")
    func batch() throws {
        let results = try store.record([
            run("a", commit: hashes[0]),
            run("b", commit: String(repeating: "0", count: 40)),
            run("c", commit: hashes[1], metrics: ["time", "time"]),
            run("a", commit: hashes[0]),
            run("d", commit: hashes[2]),
        ])
        #expect(try results[0].get() == true)
        #expect(throws: RunError.unknownCommit(String(repeating: "0", count: 40))) { try results[1].get() }
        #expect(throws: (any Error).self) { try results[2].get() }
        #expect(try results[3].get() == false)
        #expect(try results[4].get() == true)
        // The failed run left nothing behind: no run row, no measurement, no output.
        #expect(try store.runs(RunFilter(), limit: 10).map(\.id).sorted() == ["a", "d"])
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM measurements WHERE run_id = 'c'") } == 0)
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM run_output") } == 2)
    }

    @Test("many concurrent submissions all land, each answered with its own result")
    func concurrent() async throws {
        let recorder = RunRecorder(store: store)
        let stored = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<200 {
                group.addTask { try await recorder.record(run("r\(index % 150)", commit: hashes[index % 3])) }
            }
            return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(stored == 150)
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM runs") } == 150)
    }
}
