import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

/// Commit pages, graph lines, detection series and their stored changes split runs into
/// machines by one rule (`MachineKey`): runs without a fingerprint by runner name, runs
/// with one by the fingerprint whatever the runner is called.
@Suite("One machine rule for pages, graphs and detection")
struct MachineSeriesTests {
    static let xeon: JSONValue = ["cpu": "Xeon", "cores": 8]

    /// Three commits on main. `ci` and `laptop` submit without fingerprints (commits 0 and 1);
    /// `bench-1`, renamed `renamed` later, reports one (commit 2, twice).
    private static func fixture() throws -> (store: Store, hashes: [String], repo: TestRepository) {
        let repo = try TestRepository()
        let hashes = try repo.commits(3)
        let store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        func run(_ id: String, _ commit: Int, _ runner: String, _ fingerprint: JSONValue?, _ value: Double, at start: Int64) throws -> Run {
            Run(id: id, commit: hashes[commit], benchMethod: "command", runnerName: runner, fingerprint: fingerprint, start: start,
                end: start + 1, exitCode: 0, origin: .runner, measurements: [try Measurement(metric: "t", value: value)])
        }
        for entry in [try run("ci-0", 0, "ci", nil, 10, at: 1), try run("laptop-0", 0, "laptop", nil, 1_000, at: 2),
                      try run("ci-1", 1, "ci", nil, 11, at: 3), try run("laptop-1", 1, "laptop", nil, 1_001, at: 4),
                      try run("bench-2", 2, "bench-1", xeon, 50, at: 5), try run("renamed-2", 2, "renamed", xeon, 60, at: 6)] {
            try store.record(entry)
        }
        return (store, hashes, repo)
    }

    static let ci = MachineKey(runner: "ci", fingerprint: nil)
    static let laptop = MachineKey(runner: "laptop", fingerprint: nil)
    static var bench: MachineKey { MachineKey(runner: nil, fingerprint: try? xeon.jsonString()) }

    @Test("two runners without fingerprints are two machines everywhere; a renamed fingerprinted runner stays one")
    func oneSplit() throws {
        let (store, hashes, repo) = try Self.fixture()
        _ = repo

        // Commit pages
        let pageGroups = RunValues.byMachine(try store.runValues(commit: hashes[0]))
        #expect(Set(pageGroups.map { $0.runs.map(\.runID) }) == [["ci-0"], ["laptop-0"]])
        #expect(RunValues.byMachine(try store.runValues(commit: hashes[2])).map { $0.runs.count } == [2])

        // Graph lines
        let header = try #require(try store.metricHeader("t"))
        let graph = MetricSeries(header: header, points: try store.seriesPoints(metric: "t"))
        #expect(graph.all.map(\.runner) == ["bench-1", "ci", "laptop"])
        #expect(graph.all.map(\.value) == [[55], [10, 11], [1_000, 1_001]])
        #expect(graph.all.map(\.key) == [SeriesLine.key(Self.bench), SeriesLine.key(Self.ci), SeriesLine.key(Self.laptop)])

        // Detection series and the series new runs touched
        let series = try store.detectionSeries(ref: "refs/heads/main", tip: try store.commitID(of: hashes[2]), window: 10)
        #expect(Set(series.map(\.machine)) == [Self.ci, Self.laptop, Self.bench])
        #expect(series.first { $0.machine == Self.ci }?.values == [10, 11])
        #expect(series.first { $0.machine == Self.laptop }?.values == [1_000, 1_001])
        #expect(series.first { $0.machine == Self.bench }?.values == [55])
        #expect(try store.touchedSeries(after: 0).touched == Set([Self.ci, Self.laptop, Self.bench].map { SeriesKey(metric: "t", machine: $0) }))
    }

    @Test("a change of one runner's series is that runner's alone: stored, read back and marked on its graph line")
    func changesStayOnTheirMachine() throws {
        let (store, hashes, repo) = try Self.fixture()
        _ = repo
        let series = try store.detectionSeries(ref: "refs/heads/main", tip: try store.commitID(of: hashes[2]), window: 10)
        let ci = try #require(series.first { $0.machine == Self.ci })
        let fields = ChangeFields(lowCommit: try store.commitID(of: hashes[0]), highCommit: try store.commitID(of: hashes[1]),
                                  before: 10, after: 11, magnitude: 0.1, kind: .regression, confidence: 0.99, state: .detected, requeues: 0)
        try store.apply([.insert(fields)], for: ci, priority: 10, hooks: [], now: 1)

        #expect(try store.trackedChanges(ref: "refs/heads/main", metric: "t", machine: Self.ci).count == 1)
        #expect(try store.trackedChanges(ref: "refs/heads/main", metric: "t", machine: Self.laptop).isEmpty)
        #expect(try store.trackedChanges(ref: "refs/heads/main", metric: "t", machine: MachineKey(runner: nil, fingerprint: nil)).isEmpty)
        let marks = try store.reportedChanges(metric: "t")
        #expect(marks.map(\.machine) == [Self.ci])
        #expect(marks.map { SeriesLine.key($0.machine) } == [SeriesLine.key(Self.ci)])
    }
}
