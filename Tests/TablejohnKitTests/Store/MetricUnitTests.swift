import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Recording runs in a metric's unit")
struct MetricUnitTests {
    let store: Store
    let hashes: [String]

    init() throws {
        let repo = try TestRepository()
        hashes = try repo.commits(3)
        store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
    }

    func run(_ id: String, commit: String, _ measurement: Measurement) -> Run {
        Run(id: id, commit: commit, benchMethod: "command", runnerName: "box", fingerprint: nil, start: 0, end: 1, exitCode: 0,
            origin: .runner, measurements: [measurement], output: [])
    }

    @Test("a second run in µs lands converted to the metric's ns, samples and bounds too")
    func converted() throws {
        // Given a metric first recorded in ns
        try store.record(run("first", commit: hashes[0], try Measurement(metric: "parse/time", value: 1250, unit: "ns")))
        // When a later run reports it in µs
        try store.record(run("second", commit: hashes[1], try Measurement(metric: "parse/time", value: 1.5, unit: "µs",
                                                                          samples: [1.25, 1.75], lower: 1.25, upper: 1.75)))
        // Then it is stored in ns, as the graph and detection read it
        #expect(try store.run(id: "second")?.measurements
            == [try Measurement(metric: "parse/time", value: 1500, unit: "ns", samples: [1250, 1750], lower: 1250, upper: 1750)])
        #expect(try store.metrics().first { $0.name == "parse/time" }?.unit == "ns")
    }

    @Test("a run in bytes for a metric in ns is refused, naming both units, and nothing of it is stored")
    func refused() throws {
        try store.record(run("first", commit: hashes[0], try Measurement(metric: "parse/time", value: 1250, unit: "ns")))
        #expect(throws: RunError.incompatibleUnit(MeasurementError(metric: "parse/time", "its unit \"B\" cannot be converted to the metric's unit \"ns\""))) {
            try store.record(run("second", commit: hashes[1], try Measurement(metric: "parse/time", value: 12, unit: "B")))
        }
        #expect(try store.run(id: "second") == nil)
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM measurements") } == 1)
    }

    @Test("in one batch, a run in µs after a run in ns lands in ns, and a refused run's new metric is not assumed by the next")
    func batched() throws {
        func run(_ id: String, commit: String, _ measurements: [Measurement]) -> Run {
            Run(id: id, commit: commit, benchMethod: "command", runnerName: "box", fingerprint: nil, start: 0, end: 1, exitCode: 0,
                origin: .runner, measurements: measurements, output: [])
        }
        // Given one batch: "parse/time" first in ns, then in µs; a run that creates
        // "alloc/size" before failing on "parse/time" in bytes; then "alloc/size" in ms
        let results = try store.record([
            run("ns", commit: hashes[0], [try Measurement(metric: "parse/time", value: 1250, unit: "ns")]),
            run("us", commit: hashes[1], [try Measurement(metric: "parse/time", value: 1.5, unit: "µs")]),
            run("bad", commit: hashes[2], [try Measurement(metric: "alloc/size", value: 7, unit: "B"),
                                           try Measurement(metric: "parse/time", value: 12, unit: "B")]),
            run("ms", commit: hashes[2], [try Measurement(metric: "alloc/size", value: 3, unit: "ms")]),
        ])
        // Then the µs run is converted, the bad run is refused with nothing of it stored,
        // and "alloc/size" takes the unit of the run that really created it
        #expect(results.map { try? $0.get() } == [true, true, nil, true])
        #expect(try store.run(id: "us")?.measurements == [try Measurement(metric: "parse/time", value: 1500, unit: "ns")])
        #expect(try store.run(id: "bad") == nil)
        #expect(try store.run(id: "ms")?.measurements == [try Measurement(metric: "alloc/size", value: 3, unit: "ms")])
        #expect(try store.metrics().first { $0.name == "alloc/size" }?.unit == "ms")
    }

    @Test("a runner's submit_run in µs lands in ns; one in bytes is answered 400 naming both units, nothing stored")
    func runnerSubmission() async throws {
        let service = RunnerAPI(store: store, sharedTokens: [])
        func submission(_ id: String, _ hash: String, _ value: Double, _ unit: String) -> JSONValue {
            ["id": .string(id), "hash": .string(hash), "bench_method": "command", "start": "2026-12-01T00:00:00Z",
             "end": "2026-12-01T00:00:01Z", "exit_code": 0, "measurements": ["parse/time": ["value": .real(value), "unit": .string(unit)]]]
        }
        func submit(_ run: JSONValue) async throws -> JSONValue {
            try await service.status(name: "box", body: ["secret": "box-secret", "status": ["type": "idle"], "submit_run": run], now: 1000)
        }
        _ = try await submit(submission("first", hashes[0], 1250, "ns"))
        _ = try await submit(submission("second", hashes[1], 1.5, "us"))
        #expect(try store.run(id: "second")?.measurements == [try Measurement(metric: "parse/time", value: 1500, unit: "ns")])
        let error = await #expect(throws: RunnerAPIError.self) { try await submit(submission("third", hashes[2], 12, "B")) }
        #expect(error?.kind == .badRequest)
        #expect(error?.message == #"submit_run: metric "parse/time": its unit "B" cannot be converted to the metric's unit "ns"; nothing was stored"#)
        #expect(try store.run(id: "third") == nil)
    }
}
