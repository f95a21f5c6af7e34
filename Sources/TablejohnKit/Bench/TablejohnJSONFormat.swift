// tablejohn's own results JSON, and Bencher Metric Format.

/// - tablejohn JSON: `{"metric": {"value": 1.5, "unit": "s", "samples": [...], "lower": 1.4, "upper": 1.6}}`;
/// - Bencher Metric Format: `{"benchmark": {"measure": {"value": 1.5, "lower_value": 1.4, "upper_value": 1.6}}}`,
///   stored as metric `benchmark/measure`.
enum TablejohnJSONFormat: ResultAdapter {
    static let format = ResultFormat.tablejohn

    static func recognizes(_ input: ResultInput) -> Bool {
        guard case .object(let top)? = input.json, let first = top.entries.first?.value.objectValue else { return false }
        return first["value"] != nil || first.entries.first?.value.objectValue?["value"] != nil
    }

    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        guard case .object(let top) = try input.requireJSON(format) else { throw ResultFormatError(format, "expected a JSON object of metrics") }
        var measurements: [Measurement] = []
        do {
            try Measurement.check(count: top.entries.count)
        } catch {
            throw ResultFormatError(format, error.description)
        }
        for (name, entry) in top.entries {
            guard case .object(let fields) = entry else { throw ResultFormatError(format, "\(name.debugDescription) must be an object") }
            if fields["value"] != nil {
                measurements.append(try measurement(name, fields, lower: "lower", upper: "upper"))
            } else {
                for (measure, inner) in fields.entries {
                    guard case .object(let innerFields) = inner else {
                        throw ResultFormatError(format, "\(name)/\(measure) must be an object with \"value\"")
                    }
                    measurements.append(try measurement("\(name)/\(measure)", innerFields, lower: "lower_value", upper: "upper_value"))
                }
            }
        }
        return measurements
    }

    /// One metric's fields checked strictly (the runner API's `submit_run` reads its
    /// measurements with this too): finite numbers, an array of them, a string unit.
    static func measurement(_ metric: String, _ fields: JSONObject, lower: String = "lower", upper: String = "upper") throws(ResultFormatError) -> Measurement {
        func number(_ key: String) throws(ResultFormatError) -> Double? {
            guard let value = fields[key], value != .null else { return nil }
            guard let number = value.doubleValue, number.isFinite else {
                throw ResultFormatError(format, "\(metric).\(key) must be a finite number")
            }
            return number
        }
        guard !metric.isEmpty, let value = try number("value") else {
            throw ResultFormatError(format, "\(metric.debugDescription) needs a number \"value\"")
        }
        var samples: [Double]?
        if let given = fields["samples"], given != .null {
            guard let array = given.arrayValue, array.allSatisfy({ $0.doubleValue?.isFinite == true }) else {
                throw ResultFormatError(format, "\(metric).samples must be an array of numbers")
            }
            samples = array.compactMap(\.doubleValue)
        }
        var unit: String?
        if let given = fields["unit"], given != .null {
            guard case .string(let text) = given else { throw ResultFormatError(format, "\(metric).unit must be a string") }
            unit = text
        }
        return try measurement(metric: metric, value: value, unit: unit, samples: samples,
                           lower: try number(lower), upper: try number(upper))
    }
}
