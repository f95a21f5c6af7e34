// pyperf's JSON (`python -m pyperf timeit -o bench.json`, `Runner(...)` scripts with `-o`, pyperformance).

/// Each benchmark (its metadata `name`, or the file's when it holds one benchmark) becomes
/// `NAME/time` in seconds (`NAME/size` in bytes, `NAME/value` for integers, after the
/// metadata `unit`): every value of every run as a sample, their mean as the value, min
/// and max as bounds. Warmups and calibration runs (runs without values) are left out.
enum PyperfFormat: ResultAdapter {
    static let format = ResultFormat.pyperf

    static func recognizes(_ input: ResultInput) -> Bool {
        guard let json = input.json, json["version"]?.stringValue != nil else { return false }
        return json["benchmarks"]?.arrayValue?.first?["runs"] != nil
    }

    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        let json = try input.requireJSON(format)
        guard let benchmarks = json["benchmarks"]?.arrayValue else { throw ResultFormatError(format, "expected an array \"benchmarks\"") }
        let common = json["metadata"]
        var collector = SampleCollector()
        for (index, benchmark) in benchmarks.enumerated() {
            let path = "benchmarks[\(index)]"
            guard case .string(let name)? = benchmark["metadata"]?["name"] ?? common?["name"], !name.isEmpty else {
                throw ResultFormatError(format, "\(path) has no metadata \"name\"")
            }
            let unit = benchmark["metadata"]?["unit"]?.stringValue ?? common?["unit"]?.stringValue ?? "second"
            let (measure, storedUnit): (String, String?) = switch unit {
            case "second": ("time", "s")
            case "byte": ("size", "B")
            case "integer": ("value", nil)
            default: throw ResultFormatError(format, "\(name): unknown unit \(unit.debugDescription) (expected second, byte or integer)")
            }
            guard let runs = benchmark["runs"]?.arrayValue else { throw ResultFormatError(format, "\(path).runs must be an array") }
            for (number, run) in runs.enumerated() {
                guard let values = run["values"], values != .null else { continue }
                guard let array = values.arrayValue else { throw ResultFormatError(format, "\(path).runs[\(number)].values must be an array of numbers") }
                for value in array {
                    guard let sample = value.doubleValue else {
                        throw ResultFormatError(format, "\(path).runs[\(number)].values must be an array of numbers")
                    }
                    collector.add("\(name)/\(measure)", sample, unit: storedUnit)
                }
            }
        }
        return try collector.measurements(format)
    }
}
