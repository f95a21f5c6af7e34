import Foundation
@testable import TablejohnKit
import Testing
import TestSupport

/// Runs produced elsewhere: tjctl submit, POST /api/runs and tjctl import against real daemons.
@Suite("External results", .serialized)
struct ExternalResultsTests {
    /// One small, realistic output per format, with the metric it must yield.
    static let samples: [(format: String, text: String, metric: String, value: Double)] = [
        ("tablejohn", #"{"build/time": {"value": 12.5, "unit": "s"}}"#, "build/time", 12.5),
        ("go", "pkg: example.com/fib\nBenchmarkFib10-8   \t 4106212\t       292.0 ns/op\nPASS\n", "BenchmarkFib10/ns_per_op", 292),
        ("google-benchmark", #"{"context": {"library_version": "v1.8.3"}, "benchmarks": [{"name": "BM_Copy", "run_name": "BM_Copy", "run_type": "iteration", "iterations": 1000, "real_time": 138.5, "cpu_time": 138.25, "time_unit": "ns"}]}"#,
         "BM_Copy/real_time", 138.5),
        ("hyperfine", #"{"results": [{"command": "make", "mean": 2.5, "stddev": 0.1, "min": 2.25, "max": 2.75, "times": [2.25, 2.5, 2.75]}]}"#, "make/time", 2.5),
        ("pytest-benchmark", #"{"machine_info": {"node": "ci"}, "benchmarks": [{"name": "test_sort", "stats": {"min": 0.5, "max": 1.5, "mean": 1.0}}]}"#,
         "test_sort/time", 1.0),
        ("libtest", "test bench_add ... bench:       1,250 ns/iter (+/- 16)\n", "bench_add/ns_per_iter", 1250),
        ("jmh", #"[{"benchmark": "org.example.Hash.sha256", "mode": "thrpt", "primaryMetric": {"score": 1500.5, "scoreUnit": "ops/s", "scoreConfidence": [1400.5, 1600.5], "rawData": [[1500.5]]}}]"#,
         "org.example.Hash.sha256/thrpt", 1500.5),
        ("criterion", "fib 20                  time:   [26.029 µs 26.250 µs 26.505 µs]\n", "fib 20/time", 26250),
        ("catch2", """
            <?xml version="1.0" encoding="UTF-8"?>
            <Catch2TestRun name="b" catch2-version="3.5.2"><TestCase name="Fib"><BenchmarkResults name="Fib 20">
            <mean value="29087.5" lowerBound="28982.5" upperBound="29237"/></BenchmarkResults></TestCase></Catch2TestRun>
            """, "Fib 20/mean", 29087.5),
        ("package-benchmark", """
            =======
            Sorting
            =======

            Quicksort
            ╒══════════════════════════╤═════════╤═════════╤═════════╤═════════╤═════════╤═════════╤═════════╤═════════╕
            │ Metric                   │      p0 │     p25 │     p50 │     p75 │     p90 │     p99 │    p100 │ Samples │
            ╞══════════════════════════╪═════════╪═════════╪═════════╪═════════╪═════════╪═════════╪═════════╪═════════╡
            │ Time (wall clock) (μs) * │    1089 │    1130 │    1137 │    1147 │    1168 │    1281 │    1683 │     862 │
            ╘══════════════════════════╧═════════╧═════════╧═════════╧═════════╧═════════╧═════════╧═════════╧═════════╛
            """, "Sorting:Quicksort/wallClock", 1_137_000),
        ("benchmarkdotnet", #"{"Title": "Hashing", "HostEnvironmentInfo": {"BenchmarkDotNetVersion": "0.14.0"}, "Benchmarks": [{"FullName": "App.Hashing.Sha256", "Statistics": {"Mean": 1523.5, "OriginalValues": [1510, 1537], "ConfidenceInterval": {"Lower": 1277.5, "Upper": 1770.5}}}]}"#,
         "App.Hashing.Sha256/time", 1523.5),
        ("pyperf", #"{"version": "1.0", "metadata": {"name": "timeit", "unit": "second"}, "benchmarks": [{"runs": [{"warmups": [[1, 0.5]]}, {"values": [0.25, 0.75]}]}]}"#,
         "timeit/time", 0.5),
        ("asv", #"{"commit_hash": "4f2a91c0", "result_columns": ["result", "params"], "results": {"benchmarks.Sorting.time_sort": [[0.125, NaN], [["100", "10000"]]]}, "version": 2}"#,
         "benchmarks.Sorting.time_sort(100)/time", 0.125),
        ("vitest", #"{"files": [{"filepath": "/app/bench/sort.bench.ts", "groups": [{"fullName": "bench/sort.bench.ts > sorting", "benchmarks": [{"name": "Array.sort", "mean": 0.0201, "min": 0.0188, "max": 0.2431, "hz": 49751.2}]}]}]}"#,
         "bench/sort.bench.ts > sorting > Array.sort/time", 0.0201),
        ("divan", """
            sort                 fastest       │ slowest       │ median        │ mean          │ samples │ iters
            ╰─ sort_vec          1.201 ms      │ 1.544 ms      │ 1.25 ms       │ 1.281 ms      │ 100     │ 100
            """, "sort/sort_vec/time", 1_250_000),
    ]

    func runs(_ repo: TestRepository) throws -> [JSONValue] { try storedRuns(in: repo.path) }

    func run(_ id: String, _ repo: TestRepository) throws -> JSONValue {
        try JSONValue.parse(try runTjctl(["run", id, "--json"], in: repo.path).stdout)
    }

    @Test("tjctl submit of each format stores a run with the expected measurement, shown on its page")
    func submitEachFormat() async throws {
        let repo = try TestRepository()
        let hashes = try repo.commits(2)
        let server = try DaemonProcess(serve: [], in: repo.path)
        try await server.waitUntilServing()
        _ = try await server.waitForPage("/") { $0.contains("2 commits") }
        let folder = try TemporaryFolder.make(prefix: "tj-results")
        for (format, text, metric, value) in Self.samples {
            let file = folder + "/\(format).out"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let submitted = try runTjctl(["submit", "--commit", "HEAD~1", "--runner", "ci-box", file, "--json"], in: repo.path)
            #expect(submitted.status == 0, "\(format): \(submitted.stderr)")
            let reply = try JSONValue.parse(submitted.stdout)
            #expect(reply["formats"] == [.string(format)], "\(format)")
            let stored = try run(try #require(reply["id"]?.stringValue), repo)
            #expect(stored["commit"] == .string(hashes[0]))
            #expect(stored["origin"] == "import")
            #expect(stored["runner"] == "ci-box")
            #expect(stored["measurements"]?[metric]?["value"]?.doubleValue == value, "\(format): \(stored)")
            // The run's page shows it, the metric escaped like any text from outside.
            let page = try await server.get("/run/\(try #require(reply["id"]?.stringValue))/")
            #expect(page.status == 200)
            #expect(page.body.contains("<td class=\"metric\">\(metric.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;"))</td>"), "\(format)")
            #expect(page.body.contains("<td id=\"runner\"><a href=\"/runner/ci-box/\">ci-box</a> <span class=\"hint\">(imported)</span></td>"))
        }
        let hostile = folder + "/hostile.json"
        try #"{"<script>alert(1)</script>": {"value": 1, "unit": "<b>ms</b>"}}"#.write(toFile: hostile, atomically: true, encoding: .utf8)
        let hostileID = try JSONValue.parse(try runTjctl(["submit", "--commit", "HEAD", hostile, "--json"], in: repo.path).stdout)["id"]?.stringValue
        let hostilePage = try await server.get("/run/\(try #require(hostileID))/").body
        #expect(hostilePage.contains("<td class=\"metric\">&lt;script&gt;alert(1)&lt;/script&gt;</td>"))
        #expect(hostilePage.contains("<td>&lt;b&gt;ms&lt;/b&gt;</td>"))
        #expect(!hostilePage.contains("<script>"))
        let missing = try await server.get("/run/no-such-run/")
        #expect(missing.status == 404)
        #expect(missing.body.contains("No run named <code>no-such-run</code>."))

        #expect(try runs(repo).count == Self.samples.count + 1)

        // Forcing a format that does not fit, or content in no format: exit 1, a clear message, no run.
        let wrong = try runTjctl(["submit", "--commit", "HEAD", "--format", "hyperfine", folder + "/go.out"], in: repo.path)
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("file 1: hyperfine JSON: not JSON"))
        try "all 12 tests passed\n".write(toFile: folder + "/junk.txt", atomically: true, encoding: .utf8)
        let junk = try runTjctl(["submit", "--commit", "HEAD", folder + "/junk.txt"], in: repo.path)
        #expect(junk.status == 1)
        #expect(junk.stderr.contains("file 1: no supported result format recognised"))
        #expect(try runs(repo).count == Self.samples.count + 1)
        _ = try await server.stop()
    }

    @Test("POST /api/runs with a runner token stores the body's results; bad input changes nothing")
    func postRuns() async throws {
        let repo = try TestRepository()
        let hashes = try repo.commits(2)
        let server = try DaemonProcess(serve: [], in: repo.path)
        try await server.waitUntilServing()
        _ = try await server.waitForPage("/") { $0.contains("2 commits") }
        let token = try runTjctl(["runner", "add", "ci-box"], in: repo.path).stdout.trimmingCharacters(in: .newlines)
        let auth = "Basic " + Data("ci-box:\(token)".utf8).base64EncodedString()
        let go = Data(Self.samples[1].text.utf8)

        let stored = try await server.post("/api/runs?commit=\(hashes[0])", body: go, authorization: auth)
        #expect(stored.status == 200, "\(stored.body)")
        let reply = try JSONValue.parse(stored.body)
        #expect(reply["formats"] == ["go"])
        let run = try run(try #require(reply["id"]?.stringValue), repo)
        #expect(run["runner"] == "ci-box")
        #expect(run["measurements"]?["BenchmarkFib10/ns_per_op"]?["value"] == .real(292))

        #expect(try await server.post("/api/runs?commit=\(hashes[0])", body: go).status == 401)
        let noCommit = try await server.post("/api/runs", body: go, authorization: auth)
        #expect(noCommit.status == 400)
        #expect(noCommit.body.hasPrefix("give the commit"))
        let unknown = try await server.post("/api/runs?commit=nosuchref", body: go, authorization: auth)
        #expect(unknown.status == 404)
        let garbled = try await server.post("/api/runs?commit=main&format=go", body: Data("BenchmarkFib10-8  1000  fast ns/op\n".utf8),
                                            authorization: auth)
        #expect(garbled.status == 400)
        #expect(garbled.body == "the body: go test -bench: line 1: BenchmarkFib10: \"fast\" is not a number\n")
        let huge = try await server.post("/api/runs?commit=main", body: Data(repeating: 0x41, count: 9 << 20), authorization: auth)
        #expect(huge.status == 413)
        #expect(try runs(repo).count == 1)
        _ = try await server.stop()
    }

    @Test("one unit per metric: a run in µs lands in the metric's ns, one in bytes is refused naming both units, over tjctl and POST /api/runs")
    func unitsConverted() async throws {
        let repo = try TestRepository()
        let hashes = try repo.commits(2)
        let server = try DaemonProcess(serve: [], in: repo.path)
        try await server.waitUntilServing()
        _ = try await server.waitForPage("/") { $0.contains("2 commits") }
        let folder = try TemporaryFolder.make(prefix: "tj-units")
        try #"{"parse/time": {"value": 1250, "unit": "ns"}}"#.write(toFile: folder + "/ns.json", atomically: true, encoding: .utf8)
        try #"{"parse/time": {"value": 1.5, "unit": "µs", "samples": [1.25, 1.75]}}"#.write(toFile: folder + "/us.json", atomically: true, encoding: .utf8)
        let bytes = #"{"parse/time": {"value": 12, "unit": "B"}}"#
        try bytes.write(toFile: folder + "/bytes.json", atomically: true, encoding: .utf8)
        // Given a metric first stored in ns
        #expect(try runTjctl(["submit", "--commit", "HEAD~1", folder + "/ns.json"], in: repo.path).status == 0)
        // When a run reports it in µs, then it is stored in ns
        let second = try runTjctl(["submit", "--commit", "HEAD", folder + "/us.json", "--json"], in: repo.path)
        #expect(second.status == 0, "\(second.stderr)")
        let stored = try run(try #require(try JSONValue.parse(second.stdout)["id"]?.stringValue), repo)
        #expect(stored["measurements"]?["parse/time"]?["value"]?.doubleValue == 1500)
        #expect(stored["measurements"]?["parse/time"]?["unit"] == "ns")
        // A run in bytes is refused over both ways in, and nothing of it is stored
        let refused = try runTjctl(["submit", "--commit", "HEAD", folder + "/bytes.json"], in: repo.path)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains(#"metric "parse/time": its unit "B" cannot be converted to the metric's unit "ns"; nothing was stored"#),
                "\(refused.stderr)")
        let token = try runTjctl(["runner", "add", "ci-box"], in: repo.path).stdout.trimmingCharacters(in: .newlines)
        let auth = "Basic " + Data("ci-box:\(token)".utf8).base64EncodedString()
        let posted = try await server.post("/api/runs?commit=\(hashes[1])", body: Data(bytes.utf8), authorization: auth)
        #expect(posted.status == 400)
        #expect(posted.body == #"metric "parse/time": its unit "B" cannot be converted to the metric's unit "ns"; nothing was stored"# + "\n")
        #expect(try runs(repo).count == 2)
        _ = try await server.stop()
    }

    @Test("tjctl submit sends file names: a package-benchmark p90 file names its benchmark, asv's benchmarks.json names parameters")
    func namedFiles() async throws {
        let repo = try TestRepository()
        _ = try repo.commits(1)
        let server = try DaemonProcess(serve: [], in: repo.path)
        try await server.waitUntilServing()
        _ = try await server.waitForPage("/") { $0.contains("1 commit") }
        let folder = try TemporaryFolder.make(prefix: "tj-named")
        try #"{"mallocCountTotal": 2, "wallClock": 1168000}"#.write(toFile: folder + "/Sorting.Quicksort.p90.json", atomically: true, encoding: .utf8)
        try #"{"benchmarks.Sorting.time_sort": {"name": "benchmarks.Sorting.time_sort", "param_names": ["n"], "params": [["100"]], "type": "time", "unit": "seconds"}, "version": 2}"#
            .write(toFile: folder + "/benchmarks.json", atomically: true, encoding: .utf8)
        try #"{"commit_hash": "4f2a91c0", "result_columns": ["result", "params"], "results": {"benchmarks.Sorting.time_sort": [[0.125], [["100"]]]}, "version": 2}"#
            .write(toFile: folder + "/4f2a91c0-py3.12.json", atomically: true, encoding: .utf8)
        let submitted = try runTjctl(["submit", "--commit", "HEAD", folder + "/Sorting.Quicksort.p90.json", folder + "/benchmarks.json",
                                      folder + "/4f2a91c0-py3.12.json", "--json"], in: repo.path)
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let reply = try JSONValue.parse(submitted.stdout)
        #expect(reply["formats"] == ["package-benchmark", "asv"])
        let stored = try run(try #require(reply["id"]?.stringValue), repo)
        #expect(stored["measurements"]?["Sorting:Quicksort/wallClock/p90"]?["value"]?.doubleValue == 1_168_000)
        #expect(stored["measurements"]?["Sorting:Quicksort/mallocCountTotal/p90"]?["value"]?.doubleValue == 2)
        #expect(stored["measurements"]?["benchmarks.Sorting.time_sort(n=100)/time"]?["value"]?.doubleValue == 0.125)
        _ = try await server.stop()
    }

    @Test("tjctl import brings another instance's exported runs over, once")
    func importExport() async throws {
        let repo = try TestRepository()
        _ = try repo.commits(3)
        let other = try TestRepository(cloning: repo, bare: false)
        let source = try DaemonProcess(serve: [], in: repo.path)
        try await source.waitUntilServing()
        _ = try await source.waitForPage("/") { $0.contains("3 commits") }
        let folder = try TemporaryFolder.make(prefix: "tj-import")
        try Self.samples[1].text.write(toFile: folder + "/go.out", atomically: true, encoding: .utf8)
        try Self.samples[3].text.write(toFile: folder + "/hyperfine.json", atomically: true, encoding: .utf8)
        #expect(try runTjctl(["submit", "--commit", "HEAD", folder + "/go.out"], in: repo.path).status == 0)
        #expect(try runTjctl(["submit", "--commit", "HEAD~2", "--runner", "laptop", folder + "/hyperfine.json"], in: repo.path).status == 0)
        #expect(try runTjctl(["export", "--json", "-o", folder + "/export.json"], in: repo.path).status == 0)
        let exported = try runs(repo)
        _ = try await source.stop()

        let target = try DaemonProcess(serve: [], in: other.path)
        try await target.waitUntilServing()
        _ = try await target.waitForPage("/") { $0.contains("3 commits") }
        let first = try runTjctl(["import", folder + "/export.json"], in: other.path)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "imported 2 runs, skipped 0 already present\n")
        let imported = try runs(other)
        #expect(imported.map { $0["id"] } == exported.map { $0["id"] })
        #expect(imported.map { $0["commit"] } == exported.map { $0["commit"] })
        #expect(imported.map { $0["runner"] } == exported.map { $0["runner"] })
        let again = try runTjctl(["import", folder + "/export.json"], in: other.path)
        #expect(again.stdout == "imported 0 runs, skipped 2 already present\n")
        #expect(try runs(other).count == 2)
        _ = try await target.stop()
    }
}
