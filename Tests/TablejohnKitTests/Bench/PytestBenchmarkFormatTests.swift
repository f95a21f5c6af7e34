import Testing
@testable import TablejohnKit

@Suite("pytest-benchmark JSON")
struct PytestBenchmarkFormatTests {
    static func document(_ benchmarks: String) -> String {
        """
        {
          "machine_info": {"node": "bench-1", "processor": "x86_64", "machine": "x86_64", "python_implementation": "CPython",
                           "python_version": "3.11.7", "system": "Linux", "release": "6.1.0"},
          "commit_info": {"id": "5b3c0e1", "dirty": false, "branch": "main"},
          "benchmarks": [\(benchmarks)],
          "datetime": "2026-11-20T10:14:03.113562",
          "version": "4.0.0"
        }
        """
    }

    @Test("stats of two benchmarks: mean in seconds, min and max as bounds")
    func stats() throws {
        let output = Self.document("""
            {"group": null, "name": "test_parse_small", "fullname": "tests/test_parse.py::test_parse_small", "params": null,
             "param": null, "extra_info": {}, "options": {"disable_gc": false, "timer": "perf_counter", "min_rounds": 5,
             "max_time": 1.0, "min_time": 5e-06, "warmup": false},
             "stats": {"min": 1.2e-05, "max": 3.1e-05, "mean": 1.35e-05, "stddev": 1.9e-06, "rounds": 52341, "median": 1.33e-05,
                       "iqr": 4e-07, "q1": 1.31e-05, "q3": 1.35e-05, "iqr_outliers": 2011, "stddev_outliers": 812, "outliers": "812;2011",
                       "ld15iqr": 1.25e-05, "hd15iqr": 1.41e-05, "ops": 74074.07, "total": 0.7066}},
            {"group": null, "name": "test_parse_large[1000]", "fullname": "tests/test_parse.py::test_parse_large[1000]",
             "params": {"size": 1000}, "param": "1000", "extra_info": {},
             "stats": {"min": 0.0021, "max": 0.0034, "mean": 0.0024, "stddev": 0.0002, "rounds": 412, "median": 0.0023,
                       "iqr": 0.0002, "q1": 0.0022, "q3": 0.0024, "iqr_outliers": 9, "stddev_outliers": 40, "outliers": "40;9",
                       "ld15iqr": 0.0021, "hd15iqr": 0.0027, "ops": 416.67, "total": 0.9888}}
            """)
        #expect(try readResults(output, expecting: .pytestBenchmark) == [
            try Measurement(metric: "test_parse_small/time", value: 1.35e-05, unit: "s", lower: 1.2e-05, upper: 3.1e-05),
            try Measurement(metric: "test_parse_large[1000]/time", value: 0.0024, unit: "s", lower: 0.0021, upper: 0.0034),
        ])
    }

    @Test("--benchmark-save-data keeps each round's time as samples")
    func savedData() throws {
        let output = Self.document("""
            {"group": "io", "name": "test_read", "fullname": "tests/test_io.py::test_read", "params": null, "param": null,
             "extra_info": {}, "stats": {"min": 0.010, "max": 0.013, "mean": 0.0115, "stddev": 0.0013, "rounds": 4, "median": 0.0115,
                       "iqr": 0.002, "q1": 0.0105, "q3": 0.0125, "iqr_outliers": 0, "stddev_outliers": 1, "outliers": "1;0",
                       "ld15iqr": 0.010, "hd15iqr": 0.013, "ops": 86.96, "total": 0.046, "data": [0.010, 0.011, 0.012, 0.013]}}
            """)
        #expect(try readResults(output, expecting: .pytestBenchmark) == [
            try Measurement(metric: "test_read/time", value: 0.0115, unit: "s", samples: [0.010, 0.011, 0.012, 0.013], lower: 0.010, upper: 0.013),
        ])
    }

    @Test("a benchmark without stats, or a cut file, is an error")
    func broken() {
        #expect(resultError(Self.document(#"{"name": "test_x", "stats": {"min": 1, "max": 2}}"#), as: nil)
            == "pytest-benchmark JSON: benchmarks[0].stats.mean must be a number")
        #expect(resultError(Self.document(#"{"name": "test_x"}"#), as: nil) == "pytest-benchmark JSON: benchmarks[0].stats must be an object")
        let cut = String(Self.document(#"{"name": "test_x", "stats": {"min": 1, "max": 2, "mean": 1.5}}"#).prefix(200))
        #expect(resultError(cut, as: .pytestBenchmark) == "pytest-benchmark JSON: not JSON: premature end of input near '\"6.' (line 3, column 80)")
    }
}
