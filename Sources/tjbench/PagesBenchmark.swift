// Page times: `/`, `/commit/`, `/run/` and the graph endpoint served by the real daemon
// from a database of 1M commits and 200k runs, each beside the SPEC §13 target and a
// 404 from the same server.
import ArgumentParser
import Foundation
import Logging
import TablejohnKit

struct PagesBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pages",
        abstract: "Time the web pages on a database of 1M commits and 200k runs (sequential requests, keep-alive).")

    @Option(help: "Commits in the generated repository.") var commits: Int = 1_000_000
    @Option(name: .customLong("stored-runs"), help: "Runs in the database (20 measurements each).") var storedRuns: Int = 200_000
    @Option(help: "Sequential requests per page (the median and p90 are reported).") var requests: Int = 200
    @OptionGroup var work: WorkFolder

    /// What the timed paths point at: real rows of the generated database.
    struct Fixtures: Sendable {
        /// The tracked branch's tip, which has runs.
        var tip: String
        /// The newest run of the tip, with output lines.
        var runWithOutput: String
        /// A metric every run measures.
        var metric: String
        /// The oldest commit of the span that has runs (100k first-parent commits with 200k runs).
        var oldestWithRuns: String
    }

    /// One timed page: its label, its address in the fixtures, and its target.
    struct TimedPage: Sendable {
        var name: String
        var path: @Sendable (Fixtures) -> String
        var target: Double
    }

    /// The pages timed, one line each. A page that answers 404 is reported as not built yet.
    static let pages: [TimedPage] = [
        TimedPage(name: "/", path: { _ in "/" }, target: 0.050),
        TimedPage(name: "/commit/<hash>/ (a commit with runs)", path: { "/commit/\($0.tip)/" }, target: 0.050),
        TimedPage(name: "/run/<id>/ (20 measurements, 40 output lines)", path: { "/run/\($0.runWithOutput)/" }, target: 0.050),
        // The metric's values on the 100k commits with runs (two machines: two lines), 2,000 points each;
        // after the first request the series is in memory, so this is the zoom-and-pan figure.
        TimedPage(name: "graph data, 1 metric, 100k commits, 2,000 points",
                  path: { "/api/graph/series?metric=\(Self.queryValue($0.metric))&points=2000" }, target: 0.050),
    ]

    func run() throws {
        let repo = try RepositoryGenerator.ensure(commits: commits, in: work)
        let (database, fixtures) = try BenchDatabase.ensure(repo: repo, commits: commits, runs: storedRuns, in: work)
        let socket = try work.path("pages.sock")
        let daemon = try DaemonUnderTest(repo: repo, database: database, socket: socket)
        defer { daemon.stop() }
        let base = "http://127.0.0.1:\(daemon.port)"

        var report = Report()
        let floor = try time(base + "/no-such-page", expecting: 404)
        let reference = "404 from the same server: \(floor.median.ms)"
        for page in Self.pages {
            let url = base + page.path(fixtures)
            let label = "\(page.name), \(Self.size(commits)) commits, \(Self.size(storedRuns)) runs"
            guard try status(url) != 404 else {
                report.add(label, "not built yet", target: "< \(page.target.msTarget)", met: nil, reference: "GET \(url.dropFirst(base.count).prefix(40))… answers 404")
                continue
            }
            let times = try time(url, expecting: 200)
            report.add(label, "\(times.median.ms) (p90 \(times.p90.ms))", target: "< \(page.target.msTarget)",
                       met: times.median < page.target, reference: reference)
        }
        try timeColdGraph(base: base, database: database, except: fixtures.metric, report: &report)
        try timeGraphAfterWrites(base: base, socket: socket, fixtures: fixtures, report: &report)
        print("")
        report.print()
    }

    /// The graph endpoint's first request for a metric, which reads the metric's values from
    /// the database: one request for each of up to 20 other metrics, the median of those.
    private func timeColdGraph(base: String, database: String, except warm: String, report: inout Report) throws {
        let metrics = try Store(path: database).metricHeaders().map(\.name).filter { $0 != warm }.prefix(20)
        guard !metrics.isEmpty else { return }
        var times: [Double] = []
        for metric in metrics {
            let url = base + "/api/graph/series?metric=\(Self.queryValue(metric))&points=2000"
            let fields = try Shell.run(["curl", "-s", "-o", "/dev/null", "--max-time", "60", "-w", "%{http_code} %{time_total}", url])
                .split(separator: " ")
            guard fields.count == 2, fields[0] == "200", let seconds = Double(fields[1]) else {
                throw BenchError("\(url) answered \(fields.first ?? "nothing"), expected 200")
            }
            times.append(seconds)
        }
        let label = "graph data, first request of a metric (reads its \(Self.size(storedRuns)) values), \(metrics.count) metrics"
        report.add(label, "\(Measure.median(times).ms) (max \(times.max()!.ms))", target: "—",
                   met: nil, reference: "paid once per metric; later writes are added to it")
    }

    /// The graph endpoint right after a write, as on a live server where results stream in:
    /// 20 rounds of (submit a run, then one request), once with runs that measure the graph's
    /// metric and once with runs of another metric; beside the same single request with
    /// nothing written in between. SPEC §13: at most 3× the warm request.
    private func timeGraphAfterWrites(base: String, socket: String, fixtures: Fixtures, report: inout Report) throws {
        let url = base + "/api/graph/series?metric=\(Self.queryValue(fixtures.metric))&points=2000"
        let client = try RPCClient(socketPath: socket)
        func once() throws -> Double {
            let fields = try Shell.run(["curl", "-s", "-o", "/dev/null", "--max-time", "60", "-w", "%{http_code} %{time_total}", url])
                .split(separator: " ")
            guard fields.count == 2, fields[0] == "200", let seconds = Double(fields[1]) else {
                throw BenchError("\(url) answered \(fields.first ?? "nothing"), expected 200")
            }
            return seconds
        }
        func afterWrites(of metric: String) throws -> [Double] {
            try (0..<20).map { round in
                let file = "{\"\(metric)\": {\"value\": \(100 + round), \"unit\": \"ms\"}}"
                _ = try client.call("runs.submit", ["commit": .string(fixtures.tip), "files": [.string(file)], "runner": "bench-amd64-1"])
                return try once()
            }
        }
        _ = try once()
        let warm = try (0..<20).map { _ in try once() }
        let reference = "warm, same request with nothing written: \(Measure.median(warm).ms)"
        for (label, metric) in [("this metric", fixtures.metric), ("another metric", "tjbench/other")] {
            let times = try afterWrites(of: metric)
            let ratio = Measure.median(times) / Measure.median(warm)
            report.add("graph data right after a run of \(label) is written, \(Self.size(storedRuns)) runs",
                       String(format: "%@ (max %@), %.1f× warm", Measure.median(times).ms, times.max()!.ms, ratio),
                       target: "≤ 3× warm", met: ratio <= 3, reference: reference)
        }
    }

    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~/"))) ?? text
    }

    static func size(_ count: Int) -> String { count >= 1_000_000 ? "\(count / 1_000_000)M" : "\(count / 1000)k" }

    /// The status of one GET of `url`.
    private func status(_ url: String) throws -> Int {
        Int(try Shell.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "60", url])) ?? 0
    }

    /// Times `requests` sequential GETs of `url` on one keep-alive connection (curl reuses
    /// it across the URLs of one command line), after 10 unmeasured ones.
    private func time(_ url: String, expecting expected: Int) throws -> (median: Double, p90: Double) {
        let output = try Shell.run(["curl", "-s", "--max-time", "600", "-w", "%{http_code} %{time_total} %{num_connects}\\n"]
                                   + Array(repeating: ["-o", "/dev/null", url], count: requests + 10).joined())
        let lines = output.split(separator: "\n").map { $0.split(separator: " ") }
        guard lines.count == requests + 10 else { throw BenchError("curl made \(lines.count) of \(requests + 10) requests to \(url)") }
        var times: [Double] = []
        var connections = 0
        for (index, fields) in lines.enumerated() {
            guard fields.count == 3, Int(fields[0]) == expected, let seconds = Double(fields[1]) else {
                throw BenchError("\(url) answered \(fields.first ?? "nothing"), expected \(expected)")
            }
            connections += Int(fields[2]) ?? 0
            if index >= 10 { times.append(seconds) }
        }
        guard connections == 1 else { throw BenchError("curl opened \(connections) connections for \(url); keep-alive is off") }
        let sorted = times.sorted()
        return (Measure.median(times), sorted[min(sorted.count - 1, sorted.count * 9 / 10)])
    }
}

/// The database the page benchmark reads: the generated repository imported by the real
/// importer, plus generated runs written through `Store.record`. Built once per size.
enum BenchDatabase {
    static let runners = ["bench-amd64-1", "bench-amd64-2"]

    static func ensure(repo: String, commits: Int, runs: Int, in work: WorkFolder) throws -> (path: String, fixtures: PagesBenchmark.Fixtures) {
        let path = try work.path("pages-\(commits)-\(runs).db")
        let fixturesPath = path + ".fixtures"
        if let saved = try? String(contentsOfFile: fixturesPath, encoding: .utf8) {
            let fields = saved.split(separator: "\n").map(String.init)
            if fields.count == 4 {
                return (path, .init(tip: fields[0], runWithOutput: fields[1], metric: fields[2], oldestWithRuns: fields[3]))
            }
        }
        for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try Store(path: path)
        let started = Date()
        let report = try Importer(repository: try GitRepository(opening: repo), store: store, logger: Logger(label: "bench")).run()
        log(String(format: "imported %d commits in %.1f s", report.newCommits, Date().timeIntervalSince(started)))

        // Two runners benchmark each of the newest first-parent commits of the tracked branch.
        let perCommit = runners.count
        let line = try Shell.run(["git", "-C", repo, "rev-list", "--first-parent", "-n", "\((runs + perCommit - 1) / perCommit)", "main"])
            .split(separator: "\n").map(String.init)
        guard let tip = line.first, let oldest = line.last else { throw BenchError("the generated repository has no main branch") }
        var generator = RunGenerator()
        var batch: [Run] = []
        var written = 0
        var tipRun = ""
        let writing = Date()
        // Oldest first, so start times grow with the history.
        for (age, commit) in line.enumerated().reversed() {
            for runner in runners where written + batch.count < runs {
                let run = try generator.run(commit: commit, runner: runner, age: age, withOutput: age == 0 || (written + batch.count) % 20 == 0)
                if age == 0 { tipRun = run.id }
                batch.append(run)
            }
            if batch.count >= 5000 || age == 0 {
                for result in try store.record(batch) { _ = try result.get() }
                written += batch.count
                batch.removeAll(keepingCapacity: true)
                if written % 50_000 < 5000 { log("recorded \(written) runs") }
            }
        }
        log(String(format: "recorded %d runs in %.1f s", written, Date().timeIntervalSince(writing)))
        try [tip, tipRun, RunGenerator.metrics[0].name, oldest].joined(separator: "\n")
            .write(toFile: fixturesPath, atomically: true, encoding: .utf8)
        return (path, .init(tip: tip, runWithOutput: tipRun, metric: RunGenerator.metrics[0].name, oldestWithRuns: oldest))
    }
}

/// Realistic generated runs: 20 measurements each (10 core metrics every run measures and
/// 10 from one of three rotating suites), a few samples each, values that drift and step.
struct RunGenerator {
    static let metrics: [(name: String, unit: String, base: Double)] = {
        var metrics: [(name: String, unit: String, base: Double)] = [
            ("build/time", "s", 94), ("build/binary-size", "bytes", 18_400_000), ("startup/time", "ms", 41),
            ("startup/peak-rss", "bytes", 52_000_000), ("tests/time", "s", 212),
        ]
        for name in ["parse", "resolve", "typecheck", "codegen", "link"] { metrics.append(("compile/\(name)/time", "ms", 300)) }
        for suite in ["json", "http", "sql"] {
            for bench in ["small", "medium", "large", "nested", "stream"] {
                metrics.append(("\(suite)/\(bench)/ns_per_op", "ns", 1800))
                metrics.append(("\(suite)/\(bench)/allocs_per_op", "count", 14))
            }
        }
        return metrics
    }()

    private var state: UInt64 = 0x5EED_7AB1_E10B_0001
    private var serial = 0

    /// SplitMix64: the same database every time.
    private mutating func bits() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func next() -> Double { Double(bits() >> 11) / Double(1 << 53) }

    /// A run id shaped like the UUIDs runners and tjctl make.
    private mutating func id() -> String {
        let hex = [bits(), bits()].map { String(repeating: "0", count: 16 - String($0, radix: 16).count) + String($0, radix: 16) }.joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    mutating func run(commit: String, runner: String, age: Int, withOutput: Bool) throws -> Run {
        serial += 1
        let suite = serial % 3
        let chosen = Array(Self.metrics[0..<10]) + Array(Self.metrics[(10 + suite * 10)..<(20 + suite * 10)])
        let measurements = try chosen.enumerated().map { index, metric in
            // A step every 7,000 commits on some metrics, noise on all.
            let step = (age / 7000 + index) % 4 == 0 ? 1.08 : 1.0
            let samples = (0..<3).map { _ in (metric.base * step * (1 + (next() - 0.5) * 0.04) * 1000).rounded() / 1000 }
            return try Measurement(metric: metric.name, value: samples.sorted()[1], unit: metric.unit, samples: samples,
                               lower: samples.min(), upper: samples.max())
        }
        let start = Int64(1_700_000_000_000) - Int64(age) * 600_000 + Int64(serial % 2) * 1000
        var output: [(source: OutputSource, text: String)] = []
        if withOutput {
            output.append((.internal, "checking out \(commit)"))
            for line in 0..<38 {
                output.append(line % 9 == 8 ? (.stderr, "warning: benchmark \(line) ran with a noisy neighbour")
                                            : (.stdout, "bench \(chosen[line % chosen.count].name) iteration \(line): ok"))
            }
            output.append((.internal, "exit code 0"))
        }
        return Run(id: id(), commit: commit, benchMethod: "command",
                   runnerName: runner, fingerprint: ["cpu": "AMD EPYC 7763", "cores": 2, "os": "Debian 12"],
                   start: start, end: start + 95_000 + Int64(next() * 10_000), exitCode: 0, origin: .runner,
                   measurements: measurements, output: output)
    }
}

extension Double {
    var msTarget: String { String(format: "%.0f ms", self * 1000) }
}
