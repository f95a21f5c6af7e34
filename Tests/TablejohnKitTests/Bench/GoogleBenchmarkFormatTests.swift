import Testing
@testable import TablejohnKit

@Suite("Google Benchmark JSON")
struct GoogleBenchmarkFormatTests {
    static let context = """
        "context": {"date": "2026-11-20T10:12:44+00:00", "host_name": "bench-1", "executable": "./bm_strings",
                    "num_cpus": 2, "mhz_per_cpu": 2450, "cpu_scaling_enabled": false,
                    "caches": [{"type": "Data", "level": 1, "size": 32768, "num_sharing": 1}],
                    "load_avg": [0.52, 0.61, 0.58], "library_version": "v1.8.3", "library_build_type": "release"}
        """

    @Test("single runs: real and CPU time in their unit, counters such as bytes_per_second")
    func singleRuns() throws {
        let output = """
            {\(Self.context),
             "benchmarks": [
              {"name": "BM_StringCreation", "family_index": 0, "per_family_instance_index": 0, "run_name": "BM_StringCreation",
               "run_type": "iteration", "repetitions": 1, "repetition_index": 0, "threads": 1, "iterations": 62873102,
               "real_time": 11.0838, "cpu_time": 11.0812, "time_unit": "ns"},
              {"name": "BM_Memcpy/8192", "family_index": 1, "per_family_instance_index": 0, "run_name": "BM_Memcpy/8192",
               "run_type": "iteration", "repetitions": 1, "repetition_index": 0, "threads": 1, "iterations": 5043817,
               "real_time": 138.52, "cpu_time": 138.47, "time_unit": "ns", "bytes_per_second": 59158940000.0}
             ]}
            """
        #expect(try readResults(output, expecting: .googleBenchmark) == [
            try Measurement(metric: "BM_StringCreation/real_time", value: 11.0838, unit: "ns"),
            try Measurement(metric: "BM_StringCreation/cpu_time", value: 11.0812, unit: "ns"),
            try Measurement(metric: "BM_Memcpy/8192/real_time", value: 138.52, unit: "ns"),
            try Measurement(metric: "BM_Memcpy/8192/cpu_time", value: 138.47, unit: "ns"),
            try Measurement(metric: "BM_Memcpy/8192/bytes_per_second", value: 59_158_940_000, unit: "bytes/s"),
        ])
    }

    @Test("repetitions are samples; the aggregate rows are skipped")
    func repetitions() throws {
        func iteration(_ index: Int, _ real: Double, _ cpu: Double) -> String {
            """
            {"name": "BM_Sort/1024", "family_index": 0, "per_family_instance_index": 0, "run_name": "BM_Sort/1024", "run_type": "iteration",
             "repetitions": 3, "repetition_index": \(index), "threads": 1, "iterations": 1000, "real_time": \(real), "cpu_time": \(cpu), "time_unit": "us"}
            """
        }
        func aggregate(_ name: String, _ real: Double) -> String {
            """
            {"name": "BM_Sort/1024_\(name)", "family_index": 0, "per_family_instance_index": 0, "run_name": "BM_Sort/1024",
             "run_type": "aggregate", "repetitions": 3, "threads": 1, "aggregate_name": "\(name)", "aggregate_unit": "time",
             "iterations": 3, "real_time": \(real), "cpu_time": \(real), "time_unit": "us"}
            """
        }
        let output = """
            {\(Self.context), "benchmarks": [\(iteration(0, 40.5, 40.4)), \(iteration(1, 41.5, 41.4)), \(iteration(2, 39.5, 39.4)),
             \(aggregate("mean", 40.5)), \(aggregate("median", 40.5)), \(aggregate("stddev", 1.0)), \(aggregate("cv", 0.02))]}
            """
        let measurements = try readResults(output, expecting: .googleBenchmark)
        #expect(measurements.map(\.metric) == ["BM_Sort/1024/real_time", "BM_Sort/1024/cpu_time"])
        #expect(measurements[0].samples == [40.5, 41.5, 39.5])
        #expect(measurements[0].value == 40.5)
        #expect(measurements[0].unit == "us")
        #expect(measurements[1].samples == [40.4, 41.4, 39.4])

        // With --benchmark_report_aggregates_only the mean row stands for the benchmark.
        let aggregatesOnly = """
            {\(Self.context), "benchmarks": [\(aggregate("mean", 40.5)), \(aggregate("median", 40.4)), \(aggregate("stddev", 1.0))]}
            """
        #expect(try readResults(aggregatesOnly, expecting: .googleBenchmark) == [
            try Measurement(metric: "BM_Sort/1024/real_time", value: 40.5, unit: "us"),
            try Measurement(metric: "BM_Sort/1024/cpu_time", value: 40.5, unit: "us"),
        ])
    }

    @Test("a missing time or a cut file is an error")
    func broken() {
        let missing = #"{"context": {}, "benchmarks": [{"name": "BM_A", "run_type": "iteration", "real_time": 1.5, "time_unit": "ns"}]}"#
        #expect(resultError(missing, as: nil) == "Google Benchmark JSON: benchmarks[0].cpu_time must be a number")
        #expect(resultError(#"{"context": {}, "benchmarks": [{"real_time": 1}]}"#, as: nil) == "Google Benchmark JSON: benchmarks[0].name must be a string")
        #expect(resultError(#"{"context": {}, "benchmarks": [{"name": "BM_A", "real_"#, as: .googleBenchmark)
            == "Google Benchmark JSON: not JSON: premature end of input near '\"real_' (line 1, column 54)")
    }
}
