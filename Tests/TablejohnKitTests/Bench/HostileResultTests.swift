import Foundation
import Testing
@testable import TablejohnKit

/// Result files that try to smuggle in numbers no graph or detector can use: every
/// adapter refuses them with an error naming the metric instead of storing ±inf or NaN.
@Suite("Hostile result files")
struct HostileResultTests {
    /// The error of reading `text`, in `format` or detected.
    func failure(_ text: String, as format: ResultFormat? = nil) -> String {
        resultError(text, as: format) ?? "no error"
    }

    @Test("Go: two 1.7e308 ns/op lines have no finite mean")
    func goOverflowingMean() {
        let message = failure("BenchmarkX-2 1 1.7e308 ns/op\nBenchmarkX-2 1 1.7e308 ns/op\n", as: .goBench)
        #expect(message.contains("metric \"BenchmarkX/ns_per_op\""))
        #expect(message.contains("not a finite number"))
        #expect(failure("BenchmarkX-2 1 inf ns/op\n", as: .goBench).contains("\"inf\" is not a number"))
        #expect(failure("BenchmarkX-2 1 NaN ns/op\n", as: .goBench).contains("\"NaN\" is not a number"))
    }

    @Test("Criterion: 1e300 s scaled to nanoseconds overflows")
    func criterionScaling() {
        let message = failure("!  time:   [1e300 s 1e300 s 1e300 s]\n", as: .criterion)
        #expect(message.hasPrefix("Criterion: metric \"!/time\": "))
        #expect(message.contains("not a finite number"))
        #expect(failure("x  time:   [inf s nan s 1 s]\n", as: .criterion).contains("is not a number"))
    }

    @Test("libtest: value ± deviation overflows")
    func libtestDeviation() {
        let message = failure("test big ... bench: 1e308 ns/iter (+/- 1e308)\n", as: .libtest)
        #expect(message.hasPrefix("Rust libtest bench: metric \"big/ns_per_iter\": "))
        #expect(message.contains("upper inf is not a finite number"))
    }

    @Test("Catch2: bounds of inf and nan, which Double(String) accepts")
    func catch2Infinity() {
        let inf = Catch2FormatTests.document(Catch2FormatTests.benchmark("B", mean: "10", low: "-inf", high: "10"))
        #expect(failure(inf, as: .catch2).contains("metric \"B/mean\": lower -inf is not a finite number"))
        let nan = Catch2FormatTests.document(Catch2FormatTests.benchmark("B", mean: "10", low: "1", high: "nan"))
        #expect(failure(nan, as: .catch2).contains("metric \"B/mean\": upper nan is not a finite number"))
        let mean = Catch2FormatTests.document(Catch2FormatTests.benchmark("B", mean: "inf", low: "1", high: "2"))
        #expect(failure(mean, as: .catch2).contains("B: <mean> needs a numeric value"))
    }

    @Test("Google Benchmark: repetitions whose mean overflows")
    func googleRepetitions() {
        let entry = #"{"name": "BM_x", "run_name": "BM_x", "run_type": "iteration", "iterations": 1, "real_time": 1.7e308, "cpu_time": 1, "time_unit": "ns"}"#
        let text = "{\"context\": {}, \"benchmarks\": [\(entry), \(entry)]}"
        let message = failure(text, as: .googleBenchmark)
        #expect(message.contains("metric \"BM_x/real_time\""))
        #expect(message.contains("not a finite number"))
    }

    @Test("JSON numbers beyond a double are not JSON; JMH's unit is bounded")
    func jsonFormats() {
        #expect(failure(#"{"m": {"value": 1e400}}"#, as: .tablejohn).contains("not JSON"))
        let unit = String(repeating: "u", count: 40)
        let jmh = #"[{"benchmark": "a.B.c", "mode": "thrpt", "primaryMetric": {"score": 1, "scoreUnit": "\#(unit)"}}]"#
        #expect(failure(jmh, as: .jmh).contains("metric \"a.B.c/thrpt\": the unit is 40 bytes long; at most 32 are allowed"))
    }

    @Test("metric names: too long, control characters, too many in one file")
    func names() {
        let long = String(repeating: "n", count: 201)
        #expect(failure("{\"\(long)\": {\"value\": 1}}", as: .tablejohn).contains("the metric name is 201 bytes long; at most 200 are allowed"))
        #expect(failure(#"{"bell\u0007": {"value": 1}}"#, as: .tablejohn).contains("the metric name contains control characters"))
        #expect(failure(#"{"m": {"value": 1, "unit": "s\u001b[31m"}}"#, as: .tablejohn).contains("metric \"m\": the unit contains control characters"))
        let many = "{" + (0...Measurement.maxPerRun).map { "\"m\($0)\": {\"value\": 1}" }.joined(separator: ",") + "}"
        #expect(failure(many, as: .tablejohn).contains("10001 measurements in one run; at most 10000 are allowed"))
        let lines = (0...Measurement.maxPerRun).map { "BenchmarkX\($0)-2 1 5 ns/op" }.joined(separator: "\n")
        #expect(failure(lines, as: .goBench).contains("10001 measurements in one run; at most 10000 are allowed"))
    }

    @Test("truncated input is an error, not a partial result")
    func truncated() {
        #expect(failure(#"{"m": {"value": 1"#, as: .tablejohn).contains("not JSON"))
        #expect(failure("BenchmarkX-2 1", as: .goBench) != "no error")
        let document = Catch2FormatTests.document(Catch2FormatTests.benchmark("B", mean: "10", low: "9", high: "11"))
        #expect(failure(String(document.prefix(document.count / 2)), as: .catch2) != "no error")
    }

    @Test("package-benchmark: 1.7e308 K mallocs and 1e300 s scaled to nanoseconds overflow")
    func packageBenchmarkScaling() {
        let table = { (row: String) in
            """
            Quicksort
            ╒═══╤═══╕
            │ Metric │ p0 │ p25 │ p50 │ p75 │ p90 │ p99 │ p100 │ Samples │
            ╞═══╪═══╡
            \(row)
            ╘═══╧═══╛
            """
        }
        #expect(failure(table("│ Malloc (total) (K) * │ 1 │ 1 │ 1.7e308 │ 1 │ 1 │ 1 │ 1 │ 10 │"))
            == "Swift package-benchmark: metric \"Quicksort/mallocCountTotal\": value inf is not a finite number")
        #expect(failure(table("│ Time (wall clock) (s) * │ 1 │ 1 │ 1 │ 1 │ 1 │ 1 │ 1e300 │ 10 │"))
            == "Swift package-benchmark: metric \"Quicksort/wallClock\": upper inf is not a finite number")
        #expect(failure(table("│ Time (wall clock) (s) * │ 1 │ 1 │ nan │ 1 │ 1 │ 1 │ 1 │ 10 │"))
            == "Swift package-benchmark: metric \"Quicksort/wallClock\": value nan is not a finite number")
    }

    @Test("pyperf: values whose mean overflows; divan: 1e300 s in nanoseconds; BenchmarkDotNet: numbers beyond a double")
    func newFormatsOverflow() throws {
        let pyperf = #"{"version": "1.0", "metadata": {"name": "big"}, "benchmarks": [{"runs": [{"values": [1.7e308, 1.7e308]}]}]}"#
        #expect(failure(pyperf).contains("pyperf JSON: metric \"big/time\": the mean of its 2 samples is not a finite number"))
        let divan = "x          fastest │ slowest │ median │ mean │ samples │ iters\n╰─ slow    1 s │ 1e300 s │ 1 s │ 1 s │ 1 │ 1\n"
        #expect(failure(divan) == "divan: metric \"x/slow/time\": upper inf is not a finite number")
        #expect(failure(divan.replacingOccurrences(of: "1e300 s", with: "inf s")) == "divan: line 2: x/slow: \"inf s\" is not a time")
        let dotnet = #"{"HostEnvironmentInfo": {}, "Benchmarks": [{"FullName": "A.B", "Statistics": {"Mean": 1e400}}]}"#
        #expect(failure(dotnet, as: .benchmarkDotNet).contains("not JSON"))
        // asv's non-finite numbers are read as null: a skipped result and open bounds, never inf.
        let asv = #"{"commit_hash": "a", "result_columns": ["result", "params", "stats_ci_99_a", "stats_ci_99_b"], "results": {"t.time_x": [[1.5, NaN], [["1", "2"]], [-Infinity, 1], [Infinity, 2]]}}"#
        #expect(try ResultReader.read(Array(asv.utf8)).1 == [try Measurement(metric: "t.time_x(1)/time", value: 1.5, unit: "s")])
    }

    @Test("8 MB of noise is refused in every format and when detecting")
    func noise() {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 8 << 20)
        for index in stride(from: 0, to: bytes.count, by: 8) {
            withUnsafeBytes(of: generator.next() as UInt64) { word in
                for offset in 0..<8 { bytes[index + offset] = word[offset] }
            }
        }
        #expect(throws: ResultFormatError.self) { try ResultReader.read(bytes) }
        for format in ResultFormat.allCases {
            #expect(throws: ResultFormatError.self) { try ResultReader.read(bytes, format: format) }
        }
    }
}
