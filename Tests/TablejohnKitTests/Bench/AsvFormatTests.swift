import Foundation
import Testing
@testable import TablejohnKit

@Suite("asv results")
struct AsvFormatTests {
    /// `results/ci-runner-3/4f2a91c0-virtualenv-py3.12-numpy.json` as `asv run` writes it
    /// (version 2), with a failed and a skipped combination and asv's non-JSON infinities.
    static let results = """
        {"commit_hash": "4f2a91c0d3b5e6f70812a3b4c5d6e7f801234567", "env_name": "virtualenv-py3.12-numpy",
         "date": 1736674215000,
         "params": {"arch": "x86_64", "cpu": "AMD EPYC 7763 64-Core Processor", "machine": "ci-runner-3", "num_cpu": "4",
                    "os": "Linux 6.1.0-28-cloud-amd64", "ram": "16373356", "python": "3.12", "numpy": ""},
         "python": "3.12", "requirements": {"numpy": ""}, "env_vars": {},
         "result_columns": ["result", "params", "version", "started_at", "duration", "stats_ci_99_a", "stats_ci_99_b",
                            "stats_q_25", "stats_q_75", "stats_number", "stats_repeat", "samples", "profile"],
         "results": {
           "benchmarks.TimeSuite.time_keys": [[1.52e-06], [], "0a1b2c", 1736674220000, 0.51, [1.49e-06], [1.55e-06],
                                              [1.5e-06], [1.54e-06], [20000], [10], [[1.5e-06, 1.52e-06, 1.53e-06]]],
           "benchmarks.MemSuite.mem_list": [[472], [], "3d4e5f", 1736674221000, 0.2],
           "benchmarks.Sorting.time_sort": [[0.000125, 0.0131, null, NaN], [["100", "10000"], ["'quick'", "'merge'"]], "6a7b8c",
                                            1736674222000, 4.2, [0.000121, 0.0128, null, NaN], [0.000129, 0.0134, null, NaN],
                                            [0.000124, 0.013, null, NaN], [0.000126, 0.0132, null, NaN], [100, 1, null, NaN],
                                            [10, 10, null, NaN]],
           "benchmarks.Startup.timeraw_import": [[0.0912], [], "9d0e1f", 1736674230000, 3.1, [-Infinity], [Infinity]]
         },
         "durations": {"<build>": 41.2, "<setup_cache benchmarks:12>": 1.2}, "version": 2}
        """
    /// Its `benchmarks.json`: parameter names and units.
    static let index = """
        {"benchmarks.MemSuite.mem_list": {"code": "def mem_list(self): ...", "name": "benchmarks.MemSuite.mem_list",
           "param_names": [], "params": [], "type": "memory", "unit": "bytes", "version": "3d4e5f"},
         "benchmarks.Sorting.time_sort": {"code": "...", "name": "benchmarks.Sorting.time_sort", "param_names": ["n", "algorithm"],
           "params": [["100", "10000"], ["'quick'", "'merge'"]], "type": "time", "unit": "seconds", "version": "6a7b8c",
           "number": 0, "repeat": 0, "rounds": 2, "sample_time": 0.01, "warmup_time": -1},
         "benchmarks.TimeSuite.time_keys": {"code": "...", "name": "benchmarks.TimeSuite.time_keys", "param_names": [], "params": [],
           "type": "time", "unit": "seconds", "version": "0a1b2c"},
         "benchmarks.Startup.timeraw_import": {"code": "...", "name": "benchmarks.Startup.timeraw_import", "param_names": [],
           "params": [], "type": "time", "unit": "seconds", "version": "9d0e1f"},
         "version": 2}
        """

    @Test("a results file alone: parameter values in the name, type and unit from the name's prefix, failed and skipped left out")
    func resultsAlone() throws {
        #expect(try readResults(Self.results, expecting: .asv) == [
            try Measurement(metric: "benchmarks.TimeSuite.time_keys/time", value: 1.52e-06, unit: "s",
                            samples: [1.5e-06, 1.52e-06, 1.53e-06], lower: 1.49e-06, upper: 1.55e-06),
            try Measurement(metric: "benchmarks.MemSuite.mem_list/mem", value: 472, unit: "B"),
            try Measurement(metric: "benchmarks.Sorting.time_sort(100, 'quick')/time", value: 0.000125, unit: "s", lower: 0.000121, upper: 0.000129),
            try Measurement(metric: "benchmarks.Sorting.time_sort(100, 'merge')/time", value: 0.0131, unit: "s", lower: 0.0128, upper: 0.0134),
            try Measurement(metric: "benchmarks.Startup.timeraw_import/time", value: 0.0912, unit: "s"),
        ])
    }

    @Test("with benchmarks.json given alongside: parameters named, types and units from it")
    func withIndex() throws {
        let files = [("results/benchmarks.json", Array(Self.index.utf8)),
                     ("results/ci-runner-3/4f2a91c0-virtualenv-py3.12-numpy.json", Array(Self.results.utf8))]
        let (run, formats) = try ExternalRun.fromResults(files, commit: String(repeating: "a", count: 40), format: nil,
                                                         runner: "ci-runner-3", fingerprint: nil, now: 1)
        #expect(formats == [.asv])
        #expect(run.measurements.map(\.metric) == [
            "benchmarks.TimeSuite.time_keys/time", "benchmarks.MemSuite.mem_list/mem",
            "benchmarks.Sorting.time_sort(n=100, algorithm='quick')/time", "benchmarks.Sorting.time_sort(n=100, algorithm='merge')/time",
            "benchmarks.Startup.timeraw_import/time",
        ])
        #expect(run.measurements[1].unit == "B")
        #expect(throws: ExternalRunError(message: "results/benchmarks.json describes benchmarks but holds no results; give the results files with it")) {
            try ExternalRun.fromResults([("results/benchmarks.json", Array(Self.index.utf8))], commit: String(repeating: "a", count: 40),
                                        format: nil, runner: nil, fingerprint: nil, now: 1)
        }
    }

    @Test("a cut file, results that do not match the parameters, a result that is not a number: errors naming the benchmark")
    func broken() {
        #expect(resultError(String(Self.results.prefix(700)), as: .asv)?.hasPrefix("asv results: not JSON: ") == true)
        let mismatched = Self.results.replacingOccurrences(of: "[[0.000125, 0.0131, null, NaN]", with: "[[0.000125, 0.0131]")
        #expect(resultError(mismatched, as: nil) == "asv results: benchmarks.Sorting.time_sort: 2 results for 4 parameter combinations")
        let text = Self.results.replacingOccurrences(of: "[[472]", with: "[[\"472 bytes\"]")
        #expect(resultError(text, as: nil) == "asv results: benchmarks.MemSuite.mem_list: result 1 must be a number or null")
    }

    @Test("asv run's console output: one metric per plain benchmark in s or B, the error as bounds; failed and parameterised ones left out")
    func runOutput() throws {
        let output = """
            · Creating environments
            · Discovering benchmarks
            ·· Uninstalling from virtualenv-py3.12-numpy
            ·· Building 4f2a91c0 <main> for virtualenv-py3.12-numpy
            ·· Installing 4f2a91c0 <main> into virtualenv-py3.12-numpy
            · Running 5 total benchmarks (1 commits * 1 environments * 5 benchmarks)
            [ 0.00%] · For project commit 4f2a91c0 <main>:
            [ 0.00%] ·· Benchmarking virtualenv-py3.12-numpy
            [10.00%] ··· Running (benchmarks.MemSuite.mem_list--).....
            [60.00%] ··· benchmarks.MemSuite.mem_list                                 4.5k
            [70.00%] ··· benchmarks.Sorting.time_sort                                   ok
            [70.00%] ··· ======= ========= =========
                         --          algorithm
                         ------- -------------------
                            n      'quick'   'merge'
                         ======= ========= =========
                           100    125±2μs   131±3μs
                         ======= ========= =========

            [80.00%] ··· benchmarks.TimeSuite.time_keys                        1.52±0.04μs
            [90.00%] ··· benchmarks.TimeSuite.time_broken                           failed
            [100.00%] ··· benchmarks.Startup.timeraw_import                         91.25±1ms
            """
        let measurements = try readResults(output, expecting: .asv)
        #expect(measurements.map(\.metric) == ["benchmarks.MemSuite.mem_list/mem", "benchmarks.TimeSuite.time_keys/time",
                                               "benchmarks.Startup.timeraw_import/time"])
        #expect(measurements[0] == (try Measurement(metric: "benchmarks.MemSuite.mem_list/mem", value: 4500, unit: "B")))
        #expect(measurements[1].unit == "s")
        #expect(abs(measurements[1].value - 1.52e-6) < 1e-15)
        #expect(abs(try #require(measurements[1].lower) - 1.48e-6) < 1e-15)
        #expect(abs(try #require(measurements[1].upper) - 1.56e-6) < 1e-15)
        #expect(abs(measurements[2].value - 0.09125) < 1e-12)
    }

    @Test("asv compare / continuous: the After column, parameterised rows named like the results file's")
    func compareOutput() throws {
        let output = """
            | Change   | Before [4f2a91c0] <main>   | After [9b1c2d3e] <feature>   |   Ratio | Benchmark (Parameter)                       |
            |----------|----------------------------|------------------------------|---------|---------------------------------------------|
            | +        | 1.52±0.03μs                | 2.5±0.05μs                   |    1.64 | benchmarks.TimeSuite.time_keys              |
            | -        | 125±2μs                    | 100±2μs                      |    0.8  | benchmarks.Sorting.time_sort(100, 'quick')  |
            |          | 472                        | 4.5k                         |    9.53 | benchmarks.MemSuite.mem_list                |
            | x        | 91.2±1ms                   | failed                       |     n/a | benchmarks.Startup.timeraw_import           |

            SOME BENCHMARKS HAVE CHANGED SIGNIFICANTLY.
            PERFORMANCE DECREASED.
            """
        let measurements = try readResults(output, expecting: .asv)
        #expect(measurements.map(\.metric) == ["benchmarks.TimeSuite.time_keys/time", "benchmarks.Sorting.time_sort(100, 'quick')/time",
                                               "benchmarks.MemSuite.mem_list/mem"])
        #expect(abs(measurements[0].value - 2.5e-6) < 1e-15)
        #expect(abs(measurements[1].value - 1e-4) < 1e-15)
        #expect(measurements[2].value == 4500)
    }

    @Test("console output cut inside a table row, or with a value in no known unit: errors naming the line and benchmark")
    func brokenConsole() {
        let header = "| Change   | Before [4f2a91c0]   | After [9b1c2d3e]   |   Ratio | Benchmark (Parameter)   |\n"
        #expect(resultError(header + "| +        | 1.52±0.03μs         | 2.5±0", as: nil)
            == "asv results: line 2: expected the columns of asv compare's table, found 3")
        #expect(resultError("[80.00%] ··· benchmarks.TimeSuite.time_keys    1.52±0.04parsecs\n", as: nil)
            == "asv results: line 1: benchmarks.TimeSuite.time_keys: unknown unit \"parsecs\" in \"1.52±0.04parsecs\"")
        #expect(resultError("[80.00%] ··· benchmarks.TimeSuite.time_keys    fast\n", as: .asv)
            == "asv results: line 1: benchmarks.TimeSuite.time_keys: \"fast\" is not a value")
    }
}
