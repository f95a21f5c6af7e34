import Foundation
import Testing
@testable import TablejohnKit

@Suite("Vitest bench JSON")
struct VitestBenchFormatTests {
    static func benchmark(_ name: String, mean: String = "0.0201", samples: String = "[]") -> String {
        """
        {"id": "1223115_0_0", "name": "\(name)", "rank": 1, "rme": 0.53, "samples": \(samples), "totalTime": 500.04,
         "min": 0.0188, "max": 0.2431, "hz": 49751.2, "period": 0.0201, "mean": \(mean), "variance": 0.0000213, "sd": 0.0046,
         "sem": 0.0000291, "df": 24875, "critical": 1.96, "moe": 0.000057, "p75": 0.0199, "p99": 0.0342, "p995": 0.0401,
         "p999": 0.0823, "sampleCount": 24876, "median": 0.0196}
        """
    }

    @Test("two groups in two files: the mean in ms with min and max, and hz")
    func groups() throws {
        let output = """
            {"files": [
              {"filepath": "/home/ci/app/bench/sort.bench.ts", "groups": [
                {"fullName": "bench/sort.bench.ts > sorting", "benchmarks": [\(Self.benchmark("Array.sort")), \(Self.benchmark("quicksort", mean: "0.0305"))]}]},
              {"filepath": "/home/ci/app/bench/parse.bench.ts", "groups": [
                {"fullName": "bench/parse.bench.ts", "benchmarks": [\(Self.benchmark("JSON.parse", samples: "[0.02, 0.021, 0.0193]"))]}]}]}
            """
        #expect(try readResults(output, expecting: .vitest) == [
            try Measurement(metric: "bench/sort.bench.ts > sorting > Array.sort/time", value: 0.0201, unit: "ms", lower: 0.0188, upper: 0.2431),
            try Measurement(metric: "bench/sort.bench.ts > sorting > Array.sort/hz", value: 49751.2, unit: "ops/s"),
            try Measurement(metric: "bench/sort.bench.ts > sorting > quicksort/time", value: 0.0305, unit: "ms", lower: 0.0188, upper: 0.2431),
            try Measurement(metric: "bench/sort.bench.ts > sorting > quicksort/hz", value: 49751.2, unit: "ops/s"),
            try Measurement(metric: "bench/parse.bench.ts > JSON.parse/time", value: 0.0201, unit: "ms",
                            samples: [0.02, 0.021, 0.0193], lower: 0.0188, upper: 0.2431),
            try Measurement(metric: "bench/parse.bench.ts > JSON.parse/hz", value: 49751.2, unit: "ops/s"),
        ])
    }

    @Test("a cut file and a mean that is not a number are errors naming the benchmark")
    func broken() {
        let output = #"{"files": [{"filepath": "/a.bench.ts", "groups": [{"fullName": "a.bench.ts", "benchmarks": [\#(Self.benchmark("x", mean: "null"))]}]}]}"#
        #expect(resultError(output, as: nil) == "Vitest bench JSON: a.bench.ts > x: mean must be a number")
        #expect(resultError(String(output.prefix(120)), as: .vitest)?.hasPrefix("Vitest bench JSON: not JSON: ") == true)
    }
}
