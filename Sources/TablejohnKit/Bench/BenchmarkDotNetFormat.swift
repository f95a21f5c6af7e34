// BenchmarkDotNet's full JSON report (`--exporters json`, `*-report-full.json`).

import Foundation

/// Each benchmark becomes `FullName/time` (`MyApp.Hashing.Sha256(N: 1000)/time`) in ns per
/// operation: the mean, the 99.9 % confidence interval as bounds, every workload iteration
/// (`OriginalValues`) as a sample. Each of its `Metrics` (the `[MemoryDiagnoser]` columns)
/// becomes `FullName/DISPLAYNAME` (`…/Allocated` in B, `…/Gen0` per 1000 operations); an
/// older report's `Memory` object gives `…/Allocated`. A benchmark run in several jobs
/// (runtimes) keeps the job in its name, `FullName [Job]`. Failed benchmarks (no
/// statistics) are skipped.
enum BenchmarkDotNetFormat: ResultAdapter {
    static let format = ResultFormat.benchmarkDotNet

    static func recognizes(_ input: ResultInput) -> Bool {
        input.json?["Benchmarks"]?.arrayValue != nil && input.json?["HostEnvironmentInfo"] != nil
    }

    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        guard let benchmarks = try input.requireJSON(format)["Benchmarks"]?.arrayValue else {
            throw ResultFormatError(format, "expected an array \"Benchmarks\"")
        }
        var names: [String] = []
        for (index, benchmark) in benchmarks.enumerated() {
            guard case .string(let name)? = benchmark["FullName"], !name.isEmpty else {
                throw ResultFormatError(format, "Benchmarks[\(index)].FullName must be a string")
            }
            names.append(name)
        }
        let repeated = Dictionary(grouping: names, by: { $0 }).filter { $0.value.count > 1 }
        var measurements: [Measurement] = []
        for (index, benchmark) in benchmarks.enumerated() {
            let path = "Benchmarks[\(index)]"
            guard let statistics = benchmark["Statistics"], statistics != .null else { continue }
            var name = names[index]
            if repeated[name] != nil, let display = benchmark["DisplayInfo"]?.stringValue, let colon = display.range(of: ": ") {
                name += " [\(display[colon.upperBound...].prefix { $0 != "[" }.trimmingCharacters(in: .whitespaces))]"
            }
            func number(_ value: JSONValue?, _ key: String) throws(ResultFormatError) -> Double {
                guard let number = value?.doubleValue else { throw ResultFormatError(format, "\(path).\(key) must be a number") }
                return number
            }
            let interval = statistics["ConfidenceInterval"]
            func bound(_ key: String) throws(ResultFormatError) -> Double? {
                guard let value = interval?[key], value != .null else { return nil }
                return try number(value, "Statistics.ConfidenceInterval.\(key)")
            }
            var samples: [Double] = []
            if let values = statistics["OriginalValues"], values != .null {
                guard let array = values.arrayValue else { throw ResultFormatError(format, "\(path).Statistics.OriginalValues must be an array of numbers") }
                for value in array { samples.append(try number(value, "Statistics.OriginalValues")) }
            }
            measurements.append(try measurement(
                metric: "\(name)/time", value: try number(statistics["Mean"], "Statistics.Mean"), unit: "ns",
                samples: samples.count > 1 ? samples : nil,
                lower: try bound("Lower"), upper: try bound("Upper")))
            if let metrics = benchmark["Metrics"]?.arrayValue {
                for (position, metric) in metrics.enumerated() {
                    let descriptor = metric["Descriptor"]
                    guard case .string(let display)? = descriptor?["DisplayName"] ?? descriptor?["Id"] else {
                        throw ResultFormatError(format, "\(path).Metrics[\(position)].Descriptor needs a DisplayName")
                    }
                    let unit = descriptor?["Unit"]?.stringValue.flatMap { $0 == "Count" || $0.isEmpty ? nil : $0 }
                    measurements.append(try measurement(metric: "\(name)/\(display)", value: try number(metric["Value"], "Metrics[\(position)].Value"),
                                                        unit: unit))
                }
            } else if let bytes = benchmark["Memory"]?["BytesAllocatedPerOperation"] {
                measurements.append(try measurement(metric: "\(name)/Allocated", value: try number(bytes, "Memory.BytesAllocatedPerOperation"), unit: "B"))
            }
        }
        return measurements
    }
}
