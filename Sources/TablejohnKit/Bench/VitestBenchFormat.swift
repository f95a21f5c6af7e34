// Vitest's benchmark results (`vitest bench --outputJson FILE`).

/// Each benchmark becomes `GROUP > NAME/time` in ms, GROUP being its group's `fullName`
/// (`bench/sort.bench.ts > sorting > Array.sort/time`): the mean, min and max as bounds,
/// the samples when kept (`includeSamples`); and `GROUP > NAME/hz` in ops/s.
enum VitestBenchFormat: ResultAdapter {
    static let format = ResultFormat.vitest

    static func recognizes(_ input: ResultInput) -> Bool {
        input.json?["files"]?.arrayValue?.first?["groups"]?.arrayValue != nil
    }

    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        guard let files = try input.requireJSON(format)["files"]?.arrayValue else { throw ResultFormatError(format, "expected an array \"files\"") }
        var measurements: [Measurement] = []
        for (fileIndex, file) in files.enumerated() {
            guard let groups = file["groups"]?.arrayValue else { throw ResultFormatError(format, "files[\(fileIndex)].groups must be an array") }
            for (groupIndex, group) in groups.enumerated() {
                let path = "files[\(fileIndex)].groups[\(groupIndex)]"
                guard case .string(let groupName)? = group["fullName"] else { throw ResultFormatError(format, "\(path).fullName must be a string") }
                guard let benchmarks = group["benchmarks"]?.arrayValue else { throw ResultFormatError(format, "\(path).benchmarks must be an array") }
                for (index, benchmark) in benchmarks.enumerated() {
                    guard case .string(let name)? = benchmark["name"], !name.isEmpty else {
                        throw ResultFormatError(format, "\(path).benchmarks[\(index)].name must be a string")
                    }
                    let metric = groupName.isEmpty ? name : "\(groupName) > \(name)"
                    func number(_ key: String) throws(ResultFormatError) -> Double {
                        guard let value = benchmark[key]?.doubleValue else { throw ResultFormatError(format, "\(metric): \(key) must be a number") }
                        return value
                    }
                    var samples: [Double] = []
                    for sample in benchmark["samples"]?.arrayValue ?? [] {
                        guard let value = sample.doubleValue else { throw ResultFormatError(format, "\(metric): samples must be numbers") }
                        samples.append(value)
                    }
                    measurements.append(try measurement(metric: "\(metric)/time", value: try number("mean"), unit: "ms",
                                                        samples: samples.count > 1 ? samples : nil, lower: try number("min"), upper: try number("max")))
                    measurements.append(try measurement(metric: "\(metric)/hz", value: try number("hz"), unit: "ops/s"))
                }
            }
        }
        return measurements
    }
}
