import Foundation
import Testing
@testable import TablejohnKit

@Suite("pyperf JSON")
struct PyperfFormatTests {
    @Test("pyperf timeit -o: one benchmark, a calibration run without values, every value a sample")
    func timeit() throws {
        let output = """
            {"benchmarks": [{"runs": [
                {"metadata": {"date": "2026-01-12 09:30:15.1", "duration": 0.31, "uptime": 8412.5, "load_avg_1min": 0.4},
                 "warmups": [[1, 2.61e-05], [2, 1.72e-05], [4, 1.55e-05], [8, 1.51e-05]]},
                {"metadata": {"date": "2026-01-12 09:30:15.6", "duration": 0.42},
                 "warmups": [[16384, 1.49e-05]], "values": [1.46e-05, 1.47e-05, 1.45e-05]},
                {"metadata": {"date": "2026-01-12 09:30:16.1", "duration": 0.41},
                 "warmups": [[16384, 1.5e-05]], "values": [1.44e-05, 1.48e-05, 1.46e-05]}]}],
             "metadata": {"aslr": "Full randomization", "cpu_count": 4, "hostname": "ci-runner-3", "loops": 16384,
                          "name": "timeit", "perf_version": "2.8.1", "python_version": "3.12.8 (64-bit)",
                          "timeit_stmt": "'sorted(s)'", "timer": "clock_gettime(CLOCK_MONOTONIC), resolution: 1.00 ns", "unit": "second"},
             "version": "1.0"}
            """
        let measurements = try readResults(output, expecting: .pyperf)
        #expect(measurements.count == 1)
        #expect(measurements[0].metric == "timeit/time")
        #expect(measurements[0].unit == "s")
        #expect(measurements[0].samples == [1.46e-05, 1.47e-05, 1.45e-05, 1.44e-05, 1.48e-05, 1.46e-05])
        #expect(abs(measurements[0].value - 1.46e-05) < 1e-12)
        #expect(measurements[0].lower == 1.44e-05)
        #expect(measurements[0].upper == 1.48e-05)
    }

    @Test("a pyperformance suite: several benchmarks named in their metadata, one measuring memory")
    func suite() throws {
        let output = """
            {"benchmarks": [
               {"metadata": {"name": "json_dumps", "loops": 8, "unit": "second"},
                "runs": [{"metadata": {}, "values": [0.0121, 0.0123]}, {"metadata": {}, "values": [0.0119, 0.0121]}]},
               {"metadata": {"name": "nbody", "loops": 1},
                "runs": [{"metadata": {}, "values": [0.101]}]},
               {"metadata": {"name": "json_loads_rss", "unit": "byte"},
                "runs": [{"metadata": {}, "values": [26542080, 26546176]}]}],
             "metadata": {"cpu_count": 4, "hostname": "ci-runner-3", "python_version": "3.12.8 (64-bit)", "unit": "second"},
             "version": "1.0"}
            """
        #expect(try readResults(output, expecting: .pyperf) == [
            try Measurement(metric: "json_dumps/time", samples: [0.0121, 0.0123, 0.0119, 0.0121], unit: "s"),
            try Measurement(metric: "nbody/time", value: 0.101, unit: "s"),
            try Measurement(metric: "json_loads_rss/size", samples: [26542080, 26546176], unit: "B"),
        ])
    }

    @Test("a cut file, a value that is not a number, an unknown unit: errors naming the key")
    func broken() {
        let good = #"{"benchmarks": [{"metadata": {"name": "sort"}, "runs": [{"values": [1.5e-05, 1.6e-05]}]}], "metadata": {}, "version": "1.0"}"#
        #expect(resultError(String(good.prefix(60)), as: .pyperf)?.hasPrefix("pyperf JSON: not JSON: ") == true)
        #expect(resultError(good.replacingOccurrences(of: "1.6e-05", with: "\"slow\""), as: nil)
            == "pyperf JSON: benchmarks[0].runs[0].values must be an array of numbers")
        #expect(resultError(good.replacingOccurrences(of: #""name": "sort""#, with: #""name": "sort", "unit": "meter""#), as: nil)
            == "pyperf JSON: sort: unknown unit \"meter\" (expected second, byte or integer)")
        #expect(resultError(good.replacingOccurrences(of: #""name": "sort""#, with: #""loops": 2"#), as: nil)
            == "pyperf JSON: benchmarks[0] has no metadata \"name\"")
    }
}
