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

    @Test("a runner's submit_run in µs lands in ns; one in bytes is answered 400 naming both units, nothing stored")
    func runnerSubmission() async throws {
        let service = RunnerService(store: store, sharedTokens: [])
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
