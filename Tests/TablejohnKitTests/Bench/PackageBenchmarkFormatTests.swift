import Foundation
import Testing
@testable import TablejohnKit

@Suite("Swift package-benchmark")
struct PackageBenchmarkFormatTests {
    /// `swift package benchmark` with its default text output (grouped by benchmark).
    static let text = """
        Building for production...
        Build complete! (41.27s)

        ==================================================================
        Baseline 'Current_run'
        ==================================================================

        Host 'ci-runner-3' with 8 'x86_64' processors with 31 GB memory, running:
        #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)

        =======
        Sorting
        =======

        Quicksort
        ╒══════════════════════════════╤═════════╤═════════╤═════════╤═════════╤═════════╤═════════╤═════════╤═════════╕
        │ Metric                       │      p0 │     p25 │     p50 │     p75 │     p90 │     p99 │    p100 │ Samples │
        ╞══════════════════════════════╪═════════╪═════════╪═════════╪═════════╪═════════╪═════════╪═════════╪═════════╡
        │ Malloc (total) *             │       2 │       2 │       2 │       2 │       2 │       2 │       2 │     862 │
        ├──────────────────────────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┤
        │ Memory (resident peak) (M)   │      11 │      12 │      12 │      12 │      12 │      12 │      12 │     862 │
        ├──────────────────────────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┤
        │ Throughput (# / s) (K)       │     918 │     885 │     879 │     871 │     856 │     781 │     594 │     862 │
        ├──────────────────────────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┤
        │ Time (wall clock) (μs) *     │    1089 │    1130 │    1137 │    1147 │    1168 │    1281 │    1683 │     862 │
        ╘══════════════════════════════╧═════════╧═════════╧═════════╧═════════╧═════════╧═════════╧═════════╧═════════╛

        Sorting large arrays
        ╒══════════════════════════════╤═════════╤═════════╤═════════╤═════════╤═════════╤═════════╤═════════╤═════════╕
        │ Metric                       │      p0 │     p25 │     p50 │     p75 │     p90 │     p99 │    p100 │ Samples │
        ╞══════════════════════════════╪═════════╪═════════╪═════════╪═════════╪═════════╪═════════╪═════════╪═════════╡
        │ Time (wall clock) (ms) *     │      12 │      12 │      13 │      13 │      14 │      15 │      15 │      77 │
        ├──────────────────────────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┤
        │ Instructions *               │ 1.23e+08│ 1.23e+08│ 1.24e+08│ 1.24e+08│ 1.25e+08│ 1.25e+08│ 1.26e+08│      77 │
        ╘══════════════════════════════╧═════════╧═════════╧═════════╧═════════╧═════════╧═════════╧═════════╧═════════╛

        """

    @Test("the default text table: p50 as the value, p0 and p100 as bounds, scales applied, units per kind of metric")
    func textTable() throws {
        #expect(try readResults(Self.text, expecting: .packageBenchmark) == [
            try Measurement(metric: "Sorting:Quicksort/mallocCountTotal", value: 2, lower: 2, upper: 2),
            try Measurement(metric: "Sorting:Quicksort/peakMemoryResident", value: 12_000_000, unit: "B", lower: 11_000_000, upper: 12_000_000),
            try Measurement(metric: "Sorting:Quicksort/throughput", value: 879_000, unit: "ops/s", lower: 594_000, upper: 918_000),
            try Measurement(metric: "Sorting:Quicksort/wallClock", value: 1_137_000, unit: "ns", lower: 1_089_000, upper: 1_683_000),
            try Measurement(metric: "Sorting:Sorting large arrays/wallClock", value: 13_000_000, unit: "ns", lower: 12_000_000, upper: 15_000_000),
            try Measurement(metric: "Sorting:Sorting large arrays/instructions", value: 1.24e8, lower: 1.23e8, upper: 1.26e8),
        ])
    }

    @Test("markdown grouped by metric: a table per metric, a row per Target:Benchmark")
    func markdownByMetric() throws {
        let output = """
            ## Baseline 'Current_run'

            ```
            Host 'ci-runner-3' with 8 'x86_64' processors with 31 GB memory, running:
            #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)
            ```
            ### Time (wall clock)

            | Test                        |        p0 |       p25 |       p50 |       p75 |       p90 |       p99 |      p100 |   Samples |
            |:----------------------------|----------:|----------:|----------:|----------:|----------:|----------:|----------:|----------:|
            | Parsing:JSON decode (ns) *  |       812 |       830 |       845 |       861 |       902 |      1211 |      4107 |     10000 |
            | Parsing:JSON encode (μs) *  |         3 |         3 |         4 |         4 |         4 |         5 |         9 |     10000 |
            ### Malloc (total)

            | Test                        |        p0 |       p25 |       p50 |       p75 |       p90 |       p99 |      p100 |   Samples |
            |:----------------------------|----------:|----------:|----------:|----------:|----------:|----------:|----------:|----------:|
            | Parsing:JSON decode *       |        14 |        14 |        14 |        14 |        14 |        14 |        14 |     10000 |
            | Parsing:JSON encode (K) *   |         2 |         2 |         2 |         2 |         2 |         2 |         2 |     10000 |

            """
        #expect(try readResults(output, expecting: .packageBenchmark) == [
            try Measurement(metric: "Parsing:JSON decode/wallClock", value: 845, unit: "ns", lower: 812, upper: 4107),
            try Measurement(metric: "Parsing:JSON encode/wallClock", value: 4000, unit: "ns", lower: 3000, upper: 9000),
            try Measurement(metric: "Parsing:JSON decode/mallocCountTotal", value: 14, lower: 14, upper: 14),
            try Measurement(metric: "Parsing:JSON encode/mallocCountTotal", value: 2000, lower: 2000, upper: 2000),
        ])
    }

    @Test("the jmh export: the median of each metric, every sample, times back in nanoseconds")
    func jmhExport() throws {
        let output = """
            [{"benchmark":"package.benchmark.Sorting.Quick_sort","forks":1,"measurementBatchSize":1,"measurementIterations":4,
              "measurementTime":"1 s","mode":"thrpt",
              "primaryMetric":{"rawData":[[880,879,875,594]],"score":807,"scoreConfidence":[640.11,973.89],"scoreError":166.89,
                "scorePercentiles":{"0.0":880,"50.0":879,"90.0":594,"95.0":594,"99.0":594,"99.9":594,"99.99":594,"99.999":594,
                                    "99.9999":594,"100.0":594},"scoreUnit":"# / s"},
              "secondaryMetrics":{"Time (wall clock)":{"rawData":[[1.136,1.137,1.142,1.683]],"score":1.275,
                "scoreConfidence":[0.9,1.65],"scoreError":0.375,
                "scorePercentiles":{"0.0":1.136,"50.0":1.137,"90.0":1.683,"95.0":1.683,"99.0":1.683,"99.9":1.683,"99.99":1.683,
                                    "99.999":1.683,"99.9999":1.683,"100.0":1.683},"scoreUnit":"μs"},
                "Malloc (total)":{"rawData":[[2,2,2,2]],"score":2,"scoreConfidence":[2,2],"scoreError":0,
                "scorePercentiles":{"0.0":2,"50.0":2,"100.0":2},"scoreUnit":"#"}},
              "threads":1,"warmupBatchSize":1,"warmupIterations":1,"warmupTime":"1 s"}]
            """
        #expect(try readResults(output, expecting: .packageBenchmark) == [
            try Measurement(metric: "Sorting:Quick_sort/throughput", value: 879, unit: "ops/s", samples: [880, 879, 875, 594], lower: 594, upper: 880),
            try Measurement(metric: "Sorting:Quick_sort/wallClock", value: 1137, unit: "ns", samples: [1136, 1137, 1142, 1683], lower: 1136, upper: 1683),
            try Measurement(metric: "Sorting:Quick_sort/mallocCountTotal", value: 2, samples: [2, 2, 2, 2], lower: 2, upper: 2),
        ])
    }

    @Test("metricP90AbsoluteThresholds: the benchmark named by the file, each metric's p90")
    func p90Thresholds() throws {
        let file = """
            {
              "cpuTotal" : 1160000,
              "mallocCountTotal" : 2,
              "throughput" : 856,
              "wallClock" : 1168000
            }
            """
        let (format, measurements) = try ResultReader.read(Array(file.utf8), name: "Thresholds/Sorting.Quicksort.p90.json")
        #expect(format == .packageBenchmark)
        #expect(measurements == [
            try Measurement(metric: "Sorting:Quicksort/cpuTotal/p90", value: 1_160_000, unit: "ns"),
            try Measurement(metric: "Sorting:Quicksort/mallocCountTotal/p90", value: 2),
            try Measurement(metric: "Sorting:Quicksort/throughput/p90", value: 856, unit: "ops/s"),
            try Measurement(metric: "Sorting:Quicksort/wallClock/p90", value: 1_168_000, unit: "ns"),
        ])
        #expect(try ResultReader.read(Array(file.utf8)).1.first?.metric == "cpuTotal/p90")
    }

    @Test("jsonSmallerIsBetter: each benchmark and metric's p99, times in ns, counts scaled")
    func smallerIsBetter() throws {
        let output = """
            [
              {
                "extra" : "80th percentile: 1147\\n95th percentile: 1168",
                "name" : "Quicksort - Time (wall clock)",
                "unit" : "μs",
                "value" : 1281
              },
              {
                "name" : "Quicksort - Malloc (total)",
                "unit" : "K",
                "value" : 2
              },
              {
                "name" : "Sorting large arrays - Time (wall clock)",
                "unit" : "ms",
                "value" : 15
              }
            ]
            """
        #expect(try readResults(output, expecting: .packageBenchmark) == [
            try Measurement(metric: "Quicksort/wallClock/p99", value: 1_281_000, unit: "ns"),
            try Measurement(metric: "Quicksort/mallocCountTotal/p99", value: 2000),
            try Measurement(metric: "Sorting large arrays/wallClock/p99", value: 15_000_000, unit: "ns"),
        ])
        #expect(resultError(#"[{"name": "Quicksort - Time (wall clock)", "unit": "fortnights", "value": 1}]"#, as: nil)
            == "Swift package-benchmark: Quicksort/wallClock/p99: unknown unit \"fortnights\"")
    }

    @Test("a cut table, a value that is not a number, a cut export: errors naming the line or key")
    func broken() {
        let lines = Self.text.split(separator: "\n", omittingEmptySubsequences: false)
        let cut = lines.prefix(21).joined(separator: "\n")
        #expect(resultError(cut, as: nil) == "Swift package-benchmark: line 16: the table of \"Quicksort\" is cut off (no closing ╘ border)")
        let cutInRow = lines.prefix(20).joined(separator: "\n") + "\n│ Time (wall clock) (μs) *     │    1089 │    11"
        #expect(resultError(cutInRow, as: nil) == "Swift package-benchmark: line 21: Quicksort: expected 9 columns, found 3")
        let corrupted = Self.text.replacingOccurrences(of: "│    1137 │", with: "│    11?7 │")
        #expect(resultError(corrupted, as: nil)
            == "Swift package-benchmark: line 25: Sorting:Quicksort/wallClock: \"11?7\" in column p50 is not a number")
        #expect(resultError(#"[{"benchmark":"package.benchmark.Sorting.Quick_sort","primaryMetric":{"score":8"#, as: .packageBenchmark)?
            .hasPrefix("Swift package-benchmark: not JSON: ") == true)
        #expect(resultError(#"{"wallClock": "fast", "cpuTotal": 1}"#, as: .packageBenchmark)
            == "Swift package-benchmark: wallClock must be a number")
        #expect(resultError(#"{"wallClock": "fast", "cpuTotal": 1}"#, as: nil)?.hasPrefix("no supported result format recognised") == true)
    }
}
