// Google Benchmark's `--benchmark_format=json` output, with repetitions and aggregates.

/// Each benchmark (its `run_name`) becomes `RUN_NAME/real_time` and `RUN_NAME/cpu_time`
/// in its `time_unit`, plus one metric per counter (`bytes_per_second`, user counters).
/// Repetitions are samples; aggregate rows (mean, median, stddev…) are derived from them
/// and skipped, unless the output holds aggregates only, when the mean is used.
enum GoogleBenchmarkFormat: ResultAdapter {
    static let format = ResultFormat.googleBenchmark
    /// Fields of an entry that are not measurements.
    static let bookkeeping: Set<String> = [
        "name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions", "repetition_index",
        "threads", "iterations", "real_time", "cpu_time", "time_unit", "aggregate_name", "aggregate_unit", "error_occurred",
        "error_message", "label", "big_o", "rms",
    ]

    static func recognizes(_ input: ResultInput) -> Bool {
        input.json?["benchmarks"]?.arrayValue != nil && input.json?["context"] != nil
    }

    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        guard let benchmarks = try input.requireJSON(format)["benchmarks"]?.arrayValue else { throw ResultFormatError(format, "expected an array \"benchmarks\"") }
        var iterations = SampleCollector()
        var means = SampleCollector()
        var measured: Set<String> = []
        for (index, entry) in benchmarks.enumerated() {
            guard case .string(let name)? = entry["name"] else { throw ResultFormatError(format, "benchmarks[\(index)].name must be a string") }
            if entry["error_occurred"] == .bool(true) { continue }
            let runName = entry["run_name"]?.stringValue ?? name
            let aggregate = entry["run_type"]?.stringValue == "aggregate" ? entry["aggregate_name"]?.stringValue ?? "" : nil
            if let aggregate, aggregate != "mean" { continue }
            guard case .string(let unit)? = entry["time_unit"] ?? .string("ns") else {
                throw ResultFormatError(format, "benchmarks[\(index)].time_unit must be a string")
            }
            for key in ["real_time", "cpu_time"] {
                guard let value = entry[key]?.doubleValue, value.isFinite else {
                    throw ResultFormatError(format, "benchmarks[\(index)].\(key) must be a number")
                }
                if aggregate == nil { iterations.add("\(runName)/\(key)", value, unit: unit) } else { means.add("\(runName)/\(key)", value, unit: unit) }
            }
            for (key, value) in entry.objectValue?.entries ?? [] where !bookkeeping.contains(key) {
                guard let number = value.doubleValue, number.isFinite else { continue }
                let unit = key.hasSuffix("_per_second") ? String(key.dropLast(11)) + "/s" : nil
                if aggregate == nil { iterations.add("\(runName)/\(key)", number, unit: unit) } else { means.add("\(runName)/\(key)", number, unit: unit) }
            }
            if aggregate == nil { measured.insert(runName) }
        }
        let fromMeans = try means.measurements(format).filter { measurement in
            !measured.contains(String(measurement.metric[..<(measurement.metric.lastIndex(of: "/") ?? measurement.metric.endIndex)]))
        }
        return try iterations.measurements(format) + fromMeans
    }
}
