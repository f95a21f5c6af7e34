// Reading a bench script's results file: tablejohn's JSON or Bencher Metric Format.

/// A results file that could not be read; the message names the format and the key.
public struct ResultsFileError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var description: String { message }
}

/// The results a bench script writes to `TABLEJOHN_RESULTS`.
///
/// - tablejohn JSON: `{"metric": {"value": 1.5, "unit": "s", "samples": [...], "lower": 1.4, "upper": 1.6}}`;
/// - Bencher Metric Format: `{"benchmark": {"measure": {"value": 1.5, "lower_value": 1.4, "upper_value": 1.6}}}`,
///   stored as metric `benchmark/measure`.
public enum ResultsFile {
    public static func parse(_ bytes: [UInt8]) throws(ResultsFileError) -> [Measurement] {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw ResultsFileError(message: "results file: not JSON (\(error))")
        }
        guard case .object(let top) = value else { throw ResultsFileError(message: "results file: expected a JSON object of metrics") }
        var measurements: [Measurement] = []
        for (name, entry) in top.entries {
            guard case .object(let fields) = entry else {
                throw ResultsFileError(message: "results file: \(name.debugDescription) must be an object")
            }
            if fields["value"] != nil {
                measurements.append(try measurement(name, fields, lower: "lower", upper: "upper", format: "tablejohn JSON"))
            } else {
                for (measure, inner) in fields.entries {
                    guard case .object(let innerFields) = inner else {
                        throw ResultsFileError(message: "results file (Bencher Metric Format): \(name)/\(measure) must be an object with \"value\"")
                    }
                    measurements.append(try measurement("\(name)/\(measure)", innerFields, lower: "lower_value", upper: "upper_value",
                                                        format: "Bencher Metric Format"))
                }
            }
        }
        return measurements
    }

    private static func measurement(_ metric: String, _ fields: JSONObject, lower: String, upper: String,
                                    format: String) throws(ResultsFileError) -> Measurement {
        func number(_ key: String) throws(ResultsFileError) -> Double? {
            guard let value = fields[key], value != .null else { return nil }
            guard let number = value.doubleValue, number.isFinite else {
                throw ResultsFileError(message: "results file (\(format)): \(metric).\(key) must be a finite number")
            }
            return number
        }
        guard !metric.isEmpty, let value = try number("value") else {
            throw ResultsFileError(message: "results file (\(format)): \(metric.debugDescription) needs a number \"value\"")
        }
        var samples: [Double]?
        if let given = fields["samples"], given != .null {
            guard let array = given.arrayValue, array.allSatisfy({ $0.doubleValue?.isFinite == true }) else {
                throw ResultsFileError(message: "results file (\(format)): \(metric).samples must be an array of numbers")
            }
            samples = array.compactMap(\.doubleValue)
        }
        let unit = fields["unit"]?.stringValue
        return Measurement(metric: metric, value: value, unit: unit, samples: samples, lower: try number(lower), upper: try number(upper))
    }
}
