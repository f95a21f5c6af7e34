// A detection round after one new result, on 100k benchmarked commits × 20 metrics, beside a round over everything.
import ArgumentParser
import Foundation
import Logging
import TablejohnKit

struct DetectRoundBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect-round",
        abstract: "Time the daemon's detection round after one new result, after a runner check-in, and over everything.")

    @Option(help: "Commits in the generated repository.") var commits: Int = 100_000
    @Option(name: .customLong("stored-runs"), help: "Runs in the database (20 measurements each, two machines).")
    var storedRuns: Int = 200_000
    @Option(help: "Rounds timed for each figure (the median is reported).") var rounds: Int = 11
    @OptionGroup var work: WorkFolder

    func validate() throws {
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    }

    func run() throws {
        let repo = try RepositoryGenerator.ensure(commits: commits, in: work)
        let (database, fixtures) = try BenchDatabase.ensure(repo: repo, commits: commits, runs: storedRuns, in: work)
        // Rounds write what they find; they work on a copy so the shared database stays as generated.
        let copy = try work.path("detect-round.db")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) }
        _ = try Shell.run(["sqlite3", database, ".backup '\(copy)'"])
        let store = try Store(path: copy)
        let logger = Logger(label: "bench")
        let service = DetectionService(store: store, settings: .init(), hooks: [], logger: logger)

        var series = 0
        let firstTime = try Measure.seconds { series = try service.round(now: Timestamp.now()).series }
        log(String(format: "first round: %d series in %.0f ms", series, firstTime * 1000))
        // The reference: a round over every series by a service that remembers nothing (as after a restart).
        let fullTimes = try (0..<3).map { _ in
            let fresh = DetectionService(store: store, settings: .init(), hooks: [], logger: logger)
            return try Measure.seconds { series = try fresh.round(now: Timestamp.now()).series }
        }

        var generator = RunGenerator()
        var scanned = 0
        let afterResult = try (0..<rounds).map { index in
            var run = try generator.run(commit: fixtures.tip, runner: BenchDatabase.runners[0], age: 0, withOutput: false)
            run.id = "detect-round-\(index)"
            _ = try store.record(run)
            return try Measure.seconds { scanned = try service.round(now: Timestamp.now()).series }
        }
        let afterCheckIn = try (0..<rounds).map { index in
            try store.runnerSeen(BenchDatabase.runners[0], at: Timestamp.now() + Int64(index), fingerprint: nil)
            return try Measure.seconds { _ = try service.round(now: Timestamp.now()) }
        }

        var report = Report()
        let size = "\(PagesBenchmark.size(commits)) commits, \(PagesBenchmark.size(storedRuns)) runs"
        let reference = "a round over all \(series) series: \(Measure.median(fullTimes).ms)"
        report.add("detection round after one new result (\(scanned) series scanned), \(size)", Measure.median(afterResult).ms,
                   target: "≤ 50 ms", met: Measure.median(afterResult) <= 0.050, reference: reference)
        report.add("detection round after a runner check-in (nothing new), \(size)", Measure.median(afterCheckIn).ms,
                   target: "—", met: nil, reference: reference)
        print("")
        report.print()
    }
}
