// pytest-benchmark's `--benchmark-json` output.

/// Each benchmark becomes `NAME/time` in seconds: the mean of its rounds, min and max as
/// bounds, and the raw timings as samples when saved (`--benchmark-save-data`).
enum PytestBenchmarkFormat: ResultAdapter {
    static let format = ResultFormat.pytestBenchmark

    static func recognizes(_ input: ResultInput) -> Bool {
        input.json?["benchmarks"]?.arrayValue != nil && input.json?["machine_info"] != nil
    }

    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        guard let benchmarks = try input.requireJSON(format)["benchmarks"]?.arrayValue else { throw ResultFormatError(format, "expected an array \"benchmarks\"") }
        var measurements: [Measurement] = []
        for (index, benchmark) in benchmarks.enumerated() {
            guard case .string(let name)? = benchmark["name"], !name.isEmpty else {
                throw ResultFormatError(format, "benchmarks[\(index)].name must be a string")
            }
            guard case .object(let stats)? = benchmark["stats"] else {
                throw ResultFormatError(format, "benchmarks[\(index)].stats must be an object")
            }
            func number(_ key: String) throws(ResultFormatError) -> Double {
                guard let value = stats[key]?.doubleValue, value.isFinite else {
                    throw ResultFormatError(format, "benchmarks[\(index)].stats.\(key) must be a number")
                }
                return value
            }
            let samples = stats["data"]?.arrayValue?.compactMap(\.doubleValue)
            measurements.append(try measurement(metric: "\(name)/time", value: try number("mean"), unit: "s",
                                            samples: samples?.isEmpty == false ? samples : nil,
                                            lower: try number("min"), upper: try number("max")))
        }
        return measurements
    }
}
