import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

/// The graph's cache against a real database file: whatever is written, a cached series
/// equals the series read anew, and only writes that need it make the cache read a metric again.
@Suite("Series cache")
struct SeriesCacheTests {
    let repo: TestRepository
    let store: Store
    /// main: 6 commits, tracked; side: 3 more, untracked.
    let main: [String]
    let side: [String]

    init() throws {
        repo = try TestRepository()
        main = try repo.commits(6)
        try repo.git(["checkout", "-q", "-b", "side"])
        side = try repo.commits(3, prefix: "side")
        try repo.git(["checkout", "-q", "main"])
        store = try Store(path: try TemporaryFolder.make(prefix: "tj-series") + "/series.db")
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
    }

    func run(_ id: String, _ hash: String, _ values: [String: Double], machine: String = "a", exitCode: Int = 0) throws -> Run {
        Run(id: id, commit: hash, benchMethod: "command", runnerName: "bench-\(machine)", fingerprint: ["cpu": .string(machine)],
            start: 1_000, end: 2_000, exitCode: exitCode, origin: .runner,
            measurements: try values.sorted { $0.key < $1.key }.map { try Measurement(metric: $0.key, value: $0.value, unit: "ms") })
    }

    /// The metric read anew from the database, as a cold cache would.
    func fresh(_ metric: String) throws -> MetricSeries? {
        guard let header = try store.metricHeader(metric) else { return nil }
        return MetricSeries(header: header, points: try store.seriesPoints(metric: metric))
    }

    func expectCurrent(_ cache: SeriesCache, _ metric: String, _ comment: Comment? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let cached = try await cache.series(metric)
        let expected = try fresh(metric)
        #expect(cached?.header == expected?.header, comment, sourceLocation: sourceLocation)
        #expect(cached?.all == expected?.all, comment, sourceLocation: sourceLocation)
        #expect(cached?.tracked == expected?.tracked, comment, sourceLocation: sourceLocation)
    }

    @Test("a new result lands in the cached series without reading the metric again; a re-run of a commit moves its median")
    func newResultsAreAdded() async throws {
        // Given a metric measured on four commits, cached
        for (index, hash) in main.prefix(4).enumerated() { _ = try store.record(try run("r\(index)", hash, ["parse": 100 + Double(index)])) }
        let cache = SeriesCache(store: store)
        #expect(try await cache.series("parse")?.pointCount == 4)
        #expect(cache.statistics.reads == 1)

        // When a runner reports the next commit, a re-run of the first, and a run on another machine
        _ = try store.record(try run("r4", main[4], ["parse": 104]))
        _ = try store.record(try run("r5", main[0], ["parse": 90]))
        _ = try store.record(try run("r6", main[2], ["parse": 300], machine: "b"))

        // Then the cached series equals the series read anew, and no whole read happened
        try await expectCurrent(cache, "parse")
        let series = try #require(try await cache.series("parse"))
        #expect(series.all.map(\.runner) == ["bench-a", "bench-b"])
        #expect(series.all[0].value == [95, 101, 102, 103, 104])
        #expect(cache.statistics.reads == 1)
        #expect(cache.statistics.catchUps == 1)
    }

    @Test("writes without measurements, failed runs and other metrics' runs touch no cached series")
    func unrelatedWritesCostNothing() async throws {
        _ = try store.record(try run("r0", main[0], ["parse": 1, "link": 5]))
        let cache = SeriesCache(store: store)
        let before = try #require(try await cache.series("parse"))

        // When runners report in, the queue moves, a run fails and another metric gets a value
        _ = try store.addRunner("box", now: 1)
        try store.runnerSeen("box", at: 2, fingerprint: ["cpu": "a"])
        _ = try store.enqueue([main[3]], priority: 1, now: 3)
        _ = try store.record(try run("r1", main[1], ["parse": 1000], exitCode: 1))
        _ = try store.record(try run("r2", main[2], ["link": 6]))

        // Then "parse" is the same, still not read again
        #expect(try await cache.series("parse")?.all == before.all)
        try await expectCurrent(cache, "parse")
        #expect(cache.statistics.reads == 1)
    }

    @Test("a deleted run, a change of tracked refs and a new unit make the metric read again, and it shows them")
    func structuralChangesReadAgain() async throws {
        for (index, hash) in (main + side).enumerated() { _ = try store.record(try run("r\(index)", hash, ["parse": Double(index)])) }
        let cache = SeriesCache(store: store)
        _ = try await cache.series("parse")

        try store.deleteRun(id: "r2")
        try await expectCurrent(cache, "parse", "after a deletion")
        #expect(cache.statistics.reads == 2)

        try store.setTracked("refs/heads/side", true)
        try await expectCurrent(cache, "parse", "after tracking side")
        #expect(try await cache.series("parse")?.tracked.first?.time.count == 8)
        #expect(cache.statistics.reads == 3)

        _ = try store.setMetric("parse", unit: "s", direction: .lower)
        try await expectCurrent(cache, "parse", "after a new unit")
        #expect(try await cache.series("parse")?.header.unit == "s")
        #expect(cache.statistics.reads == 4)
    }

    @Test("over 300 random writes the cached series always equals the series read anew")
    func randomWrites() async throws {
        var random = SeededNoise(seed: 20261201)
        let commits = main + side
        let metrics = ["a", "b", "c"]
        let cache = SeriesCache(store: store)
        var runs: [String] = []
        var trackedSide = false
        for step in 0..<300 {
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<75:
                let id = "run-\(step)"
                let chosen = metrics.filter { _ in Bool.random(using: &random) }
                let values = Dictionary(uniqueKeysWithValues: chosen.map { ($0, Double(Int.random(in: 1...50, using: &random))) })
                _ = try store.record(try run(id, commits.randomElement(using: &random)!, values,
                                             machine: ["a", "b", "c"].randomElement(using: &random)!,
                                             exitCode: Int.random(in: 0..<10, using: &random) == 0 ? 2 : 0))
                runs.append(id)
            case 75..<85 where !runs.isEmpty:
                try store.deleteRun(id: runs.remove(at: Int.random(in: 0..<runs.count, using: &random)))
            case 85..<90:
                trackedSide.toggle()
                try store.setTracked("refs/heads/side", trackedSide)
            case 90..<95:
                try store.runnerSeen("box", at: Int64(step), fingerprint: nil)
            default:
                break
            }
            for metric in metrics where Bool.random(using: &random) {
                try await expectCurrent(cache, metric, "step \(step), \(metric)")
            }
        }
        // Most steps were caught up, not read anew.
        #expect(cache.statistics.catchUps > 100)
        #expect(cache.statistics.reads < 150)
    }
}

extension SeededNoise: RandomNumberGenerator {}
