// hyperfine's `--export-json` output.

/// Each entry of `results` becomes `COMMAND/time` in seconds: the mean, with every
/// run's time as samples and min/max as bounds.
enum HyperfineFormat: ResultAdapter {
    static let format = ResultFormat.hyperfine

    static func recognizes(_ input: ResultInput) -> Bool {
        input.json?["results"]?.arrayValue?.first?["command"] != nil
    }

    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        guard let results = try input.requireJSON(format)["results"]?.arrayValue else { throw ResultFormatError(format, "expected an array \"results\"") }
        var measurements: [Measurement] = []
        for (index, result) in results.enumerated() {
            func number(_ key: String) throws(ResultFormatError) -> Double {
                guard let value = result[key]?.doubleValue, value.isFinite else {
                    throw ResultFormatError(format, "results[\(index)].\(key) must be a number")
                }
                return value
            }
            guard case .string(let command)? = result["command"], !command.isEmpty else {
                throw ResultFormatError(format, "results[\(index)].command must be a string")
            }
            var samples: [Double]?
            if let times = result["times"], times != .null {
                guard let array = times.arrayValue, array.allSatisfy({ $0.doubleValue?.isFinite == true }) else {
                    throw ResultFormatError(format, "results[\(index)].times must be an array of numbers")
                }
                samples = array.compactMap(\.doubleValue)
            }
            measurements.append(try measurement(metric: "\(command)/time", value: try number("mean"), unit: "s", samples: samples,
                                            lower: try number("min"), upper: try number("max")))
        }
        return measurements
    }
}
