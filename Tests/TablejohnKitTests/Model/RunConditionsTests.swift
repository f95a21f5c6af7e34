import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Run conditions")
struct RunConditionsTests {
    @Test("a runner's report reads back the same; the page line says it in words")
    func roundTrip() throws {
        let conditions = RunConditions(loadAverage: 0.52, governor: "powersave", sharedMachine: true)
        #expect(try RunConditions(json: conditions.json) == conditions)
        #expect(conditions.summary == "load 0.52 at start · governor powersave · shared the machine with another run")
        #expect(try RunConditions(json: [:]) == RunConditions())
        #expect(RunConditions(loadAverage: 0.1, governor: "performance", sharedMachine: false).mayBeNoisy(cores: 4) == false)
        #expect(RunConditions(loadAverage: 6.5).mayBeNoisy(cores: 4))
        #expect(RunConditions(governor: "ondemand").mayBeNoisy(cores: nil))
        #expect(conditions.mayBeNoisy(cores: 64))
    }

    static let governorRule = "\"governor\" must be a name of at most 32 letters, digits, '_' or '-'"
    static let loadRule = "\"load_average\" must be a number from 0 to 1000000"
    static let refusals: [(JSONValue, String)] = [
        (.object(["load_average": .real(1e300)]), loadRule),
        (.object(["load_average": .real(-1)]), loadRule),
        (.object(["load_average": .string("high")]), loadRule),
        (.object(["governor": .string("<script>")]), governorRule),
        (.object(["governor": .string("perf\u{7}ormance")]), governorRule),
        (.object(["governor": .string(String(repeating: "a", count: 33))]), governorRule),
        (.object(["governor": .integer(3)]), "\"governor\" must be a string"),
        (.object(["shared_machine": .string("yes")]), "\"shared_machine\" must be true or false"),
        (.object(["temperature": .integer(80)]), "unknown field \"temperature\"; use load_average, governor, shared_machine"),
        (.string("busy"), "must be an object"),
    ]

    @Test("what a runner may not send is refused with the field named", arguments: refusals)
    func refused(json: JSONValue, message: String) {
        #expect(throws: RunConditionsError(message)) { try RunConditions(json: json) }
    }

    @Test("runs in progress on one machine see each other through their locked files; a dead one's file is swept away")
    func machineRuns() throws {
        let machine = MachineRuns(directory: try TemporaryFolder.make(prefix: "tj-machine") + "/runs")
        let first = try #require(machine.begin(runID: "run-1"))
        #expect(!first.othersRunning)
        let second = try #require(machine.begin(runID: "run-2/../x"))
        #expect(first.othersRunning && second.othersRunning)
        second.end()
        #expect(!first.othersRunning)
        // A file left by a runner that died holds no lock
        _ = FileManager.default.createFile(atPath: machine.directory + "/999999-dead", contents: nil)
        #expect(!first.othersRunning)
        #expect(!FileManager.default.fileExists(atPath: machine.directory + "/999999-dead"))
        first.end()
        #expect(try FileManager.default.contentsOfDirectory(atPath: machine.directory).isEmpty)
    }

    @Test("a runner's conditions are stored with its run; bad ones are a 400 naming the field and store nothing")
    func submitted() async throws {
        let repo = try TestRepository()
        let hashes = try repo.commits(1)
        let store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        let service = RunnerAPI(store: store, bench: .init())
        func run(_ id: String, _ conditions: JSONValue) -> JSONValue {
            ["id": .string(id), "hash": .string(hashes[0]), "bench_method": "internal", "start": "2026-11-22T10:00:00Z",
             "end": "2026-11-22T10:00:01Z", "exit_code": 0, "measurements": ["files": ["value": 3]], "conditions": conditions]
        }
        _ = try await service.status(name: "box", body: ["secret": "0123456789", "status": ["type": "idle"],
                                                         "submit_run": run("r1", ["load_average": 3.25, "governor": "schedutil",
                                                                                  "shared_machine": false])], now: 1_700_000_000_000)
        #expect(try store.run(id: "r1")?.conditions == RunConditions(loadAverage: 3.25, governor: "schedutil", sharedMachine: false))

        let error = await #expect(throws: RunnerAPIError.self) {
            try await service.status(name: "box", body: ["secret": "0123456789", "status": ["type": "idle"],
                                                         "submit_run": run("r2", ["governor": "<b>"])], now: 1_700_000_001_000)
        }
        #expect(error?.message == "submit_run: conditions: \"governor\" must be a name of at most 32 letters, digits, '_' or '-'")
        #expect(try store.run(id: "r2") == nil)
    }
}

@Suite("Runner noise")
struct RunnerNoiseTests {
    @Test("each metric's spread is the median over commits measured twice of their values' relative scaled MAD")
    func spread() {
        let noise = RunnerNoise(["time": [1: [100, 102], 2: [200, 200, 200], 3: [50, 51]], "zero": [4: [0, 0]]])
        #expect(noise.metrics.count == 1)
        #expect(noise.metrics.first?.name == "time")
        #expect(noise.metrics.first?.commits == 3)
        // Spreads: 1.4826/101, 0, 0.7413/50.5; the median is the first.
        #expect(abs((noise.metrics.first?.spread ?? 0) - RobustStatistics.madScale / 101) < 1e-12)
    }

    @Test("the runner page shows the noise of its repeated commits, leaving out failed runs and runs that shared the machine")
    func runnerPage() async throws {
        let repo = try TestRepository()
        let hashes = try repo.commits(2)
        let store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        func record(_ id: String, _ hash: String, _ value: Double, exitCode: Int = 0, shared: Bool = false) throws {
            _ = try store.record(Run(id: id, commit: hash, benchMethod: "internal", runnerName: "box", fingerprint: nil,
                                     start: 1_000 + Int64(id.utf8.count), end: 2_000, exitCode: exitCode, origin: .runner,
                                     measurements: [try Measurement(metric: "parse", value: value, unit: "ms")],
                                     conditions: RunConditions(sharedMachine: shared)))
        }
        try record("a1", hashes[0], 100)
        try record("a2", hashes[0], 102)
        try record("a3", hashes[0], 500, exitCode: 1)
        try record("a4", hashes[0], 900, shared: true)
        try record("b1", hashes[1], 70)
        let repeated = try store.repeatedValues(runner: "box")
        #expect(repeated.mapValues { $0.mapValues { $0.sorted() } } == ["parse": [try store.commitID(of: hashes[0]): [100, 102]]], "\(repeated)")

        let html = RunnerPage(name: "box", runner: nil, runs: [], isContinuation: false,
                              noise: RunnerNoise(try store.repeatedValues(runner: "box"))).render()
        #expect(html.contains("<tr><td>parse</td><td class=\"number\">1</td><td class=\"number\">±1.47 %</td></tr>"))
        let none = RunnerPage(name: "idle", runner: nil, runs: [], isContinuation: false,
                              noise: RunnerNoise(try store.repeatedValues(runner: "idle"))).render()
        #expect(none.contains("No commit was measured twice on this runner yet."))
    }
}
