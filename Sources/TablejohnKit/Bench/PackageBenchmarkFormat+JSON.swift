// Swift package-benchmark's JSON exports: `jmh`, `jsonSmallerIsBetter`/`jsonBiggerIsBetter`, `metricP90AbsoluteThresholds`.

import Foundation

/// - `jmh` (`Current_run.jmh.json`): each benchmark, `package.benchmark.TARGET.NAME` (spaces
///   in NAME written as `_`), becomes `TARGET:NAME/throughput` from its primary metric and
///   `TARGET:NAME/METRIC` from each secondary one (keyed by description, `Time (wall clock)`):
///   the p50 of `scorePercentiles` as the value, p0 and p100 as bounds, `rawData` as samples.
///   Times come in μs and are stored in ns like the text table's.
/// - `jsonSmallerIsBetter` / `jsonBiggerIsBetter` (`[{"name": "Quicksort - Time (wall clock)",
///   "unit": "μs", "value": 1281}]`): each entry becomes `NAME/METRIC/p99` (the export's value
///   is the p99), times in ns.
/// - `metricP90AbsoluteThresholds` (`TARGET.NAME.p90.json`, one file per benchmark, holding
///   `{"wallClock": 1250000, "mallocCountTotal": 12}`): each key becomes `TARGET:NAME/METRIC/p90`,
///   the benchmark named by the file's name (`METRIC/p90` when it has none); times in ns.
extension PackageBenchmarkFormat {
    static let jmhPrefix = "package.benchmark."

    static func recognizesJSON(_ json: JSONValue, name: String?) -> Bool {
        if let first = json.arrayValue?.first {
            if first["value"] != nil, let label = first["name"]?.stringValue, let dash = label.range(of: " - ", options: .backwards) {
                return byDescription[String(label[dash.upperBound...])] != nil
            }
            return first["primaryMetric"] != nil && first["benchmark"]?.stringValue?.hasPrefix(jmhPrefix) == true
        }
        guard case .object(let thresholds) = json, thresholds.count > 0 else { return false }
        return thresholds.entries.allSatisfy { $0.value.doubleValue != nil } && thresholds.keys.contains { byName[$0] != nil }
    }

    static func parseJSON(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        switch try input.requireJSON(format) {
        case .array(let runs) where runs.first?["primaryMetric"] == nil: try smallerOrBiggerIsBetter(runs)
        case .array(let runs): try jmh(runs)
        case .object(let thresholds): try p90(thresholds, name: input.name)
        default: throw ResultFormatError(format, "expected a JMH export (an array) or p90 thresholds (an object)")
        }
    }

    private static func jmh(_ runs: [JSONValue]) throws(ResultFormatError) -> [Measurement] {
        var measurements: [Measurement] = []
        for (index, run) in runs.enumerated() {
            guard case .string(let benchmark)? = run["benchmark"], benchmark.hasPrefix(jmhPrefix) else {
                throw ResultFormatError(format, "[\(index)].benchmark must be a string starting with \(jmhPrefix.debugDescription)")
            }
            let qualified = benchmark.dropFirst(jmhPrefix.count)
            let name = qualified.firstIndex(of: ".").map { "\(qualified[..<$0]):\(qualified[qualified.index(after: $0)...])" } ?? String(qualified)
            guard case .object(let primary)? = run["primaryMetric"] else {
                throw ResultFormatError(format, "[\(index)].primaryMetric must be an object")
            }
            measurements.append(try jmhMetric("\(name)/throughput", .throughput, primary, path: "[\(index)].primaryMetric"))
            for (description, value) in run["secondaryMetrics"]?.objectValue?.entries ?? [] {
                guard case .object(let secondary) = value else {
                    throw ResultFormatError(format, "[\(index)].secondaryMetrics.\(description) must be an object")
                }
                let (metric, kind) = byDescription[description] ?? (description, .count)
                measurements.append(try jmhMetric("\(name)/\(metric)", kind, secondary, path: "[\(index)].secondaryMetrics.\(description)"))
            }
        }
        return measurements
    }

    private static func jmhMetric(_ metric: String, _ kind: Kind, _ fields: JSONObject, path: String) throws(ResultFormatError) -> Measurement {
        guard case .string(let unit)? = fields["scoreUnit"] else { throw ResultFormatError(format, "\(path).scoreUnit must be a string") }
        // The export divides nanoseconds by 1000 and rounds to 3 decimals: whole nanoseconds again.
        let factor: Double = unit == "μs" || unit == "µs" ? 1000 : 1
        func scaled(_ value: Double) -> Double { factor == 1 ? value : (value * factor).rounded() }
        let percentiles = fields["scorePercentiles"]?.objectValue
        func number(_ value: JSONValue?, _ key: String) throws(ResultFormatError) -> Double {
            guard let number = value?.doubleValue else { throw ResultFormatError(format, "\(path).\(key) must be a number") }
            return scaled(number)
        }
        let median = try number(percentiles?["50.0"] ?? fields["score"], percentiles?["50.0"] == nil ? "score" : "scorePercentiles.50.0")
        var samples: [Double] = []
        for (fork, values) in (fields["rawData"]?.arrayValue ?? []).enumerated() {
            guard let values = values.arrayValue else { throw ResultFormatError(format, "\(path).rawData[\(fork)] must be an array of numbers") }
            for value in values {
                guard let sample = value.doubleValue else { throw ResultFormatError(format, "\(path).rawData[\(fork)] must be an array of numbers") }
                samples.append(scaled(sample))
            }
        }
        func bound(_ key: String) throws(ResultFormatError) -> Double? {
            guard let value = percentiles?[key] else { return nil }
            return try number(value, "scorePercentiles.\(key)")
        }
        // Throughput's p0 is its fastest: the bounds are the smaller and larger of p0 and p100.
        let bounds = [try bound("0.0"), try bound("100.0")].compactMap { $0 }
        return try measurement(metric: metric, value: median, unit: kind.unit, samples: samples.count > 1 ? samples : nil,
                               lower: bounds.min(), upper: bounds.max())
    }

    /// `jsonSmallerIsBetter` / `jsonBiggerIsBetter` (github-action-benchmark's custom format):
    /// `[{"name": "Quicksort - Time (wall clock)", "unit": "μs", "value": 1281}]`, each value a p99.
    private static func smallerOrBiggerIsBetter(_ entries: [JSONValue]) throws(ResultFormatError) -> [Measurement] {
        var measurements: [Measurement] = []
        for (index, entry) in entries.enumerated() {
            guard case .string(let label)? = entry["name"], let dash = label.range(of: " - ", options: .backwards) else {
                throw ResultFormatError(format, "[\(index)].name must be a string \"BENCHMARK - METRIC\"")
            }
            let description = String(label[dash.upperBound...])
            let (metric, kind) = byDescription[description] ?? (description, .count)
            let name = "\(label[..<dash.lowerBound])/\(metric)/p99"
            guard let value = entry["value"]?.doubleValue else { throw ResultFormatError(format, "\(name): value must be a number") }
            let unit = entry["unit"]?.stringValue ?? ""
            let factor = kind == .time ? timeScales[unit] : countScales[unit] ?? (unit.isEmpty ? 1 : nil)
            guard let factor else { throw ResultFormatError(format, "\(name): unknown unit \(unit.debugDescription)") }
            measurements.append(try measurement(metric: name, value: value * factor, unit: kind.unit))
        }
        return measurements
    }

    private static func p90(_ thresholds: JSONObject, name: String?) throws(ResultFormatError) -> [Measurement] {
        var benchmark = ""
        if let name, let file = name.split(separator: "/").last, file.hasSuffix(".p90.json") {
            let stem = file.dropLast(".p90.json".count)
            benchmark = (stem.firstIndex(of: ".").map { "\(stem[..<$0]):\(stem[stem.index(after: $0)...])" } ?? String(stem)) + "/"
        }
        var measurements: [Measurement] = []
        for (metric, value) in thresholds.entries {
            guard let number = value.doubleValue else { throw ResultFormatError(format, "\(metric) must be a number") }
            measurements.append(try measurement(metric: "\(benchmark)\(metric)/p90", value: number, unit: (byName[metric] ?? .count).unit))
        }
        return measurements
    }
}
