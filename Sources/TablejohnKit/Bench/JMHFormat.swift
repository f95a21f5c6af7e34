// JMH's `-rf json` output.

/// Each benchmark becomes `BENCHMARK(params)/MODE` (`org.example.Sort.quick(size=1000)/avgt`)
/// in its `scoreUnit`: the score, the confidence interval as bounds, every iteration of
/// every fork as samples. Secondary metrics (`-prof gc`) become `BENCHMARK(params)/NAME`.
enum JMHFormat: ResultAdapter {
    static let format = ResultFormat.jmh

    static func recognizes(_ input: ResultInput) -> Bool {
        input.json?.arrayValue?.first?["primaryMetric"] != nil
    }

    static func parse(_ input: ResultInput) throws(ResultFormatError) -> [Measurement] {
        guard let runs = try input.requireJSON(format).arrayValue else { throw ResultFormatError(format, "expected an array of benchmark runs") }
        var measurements: [Measurement] = []
        for (index, run) in runs.enumerated() {
            guard case .string(let benchmark)? = run["benchmark"], case .string(let mode)? = run["mode"] else {
                throw ResultFormatError(format, "[\(index)] needs \"benchmark\" and \"mode\" strings")
            }
            let params = run["params"]?.objectValue?.entries.map { "\($0.key)=\($0.value.stringValue ?? "\($0.value)")" } ?? []
            let name = params.isEmpty ? benchmark : "\(benchmark)(\(params.joined(separator: ",")))"
            guard case .object(let primary)? = run["primaryMetric"] else {
                throw ResultFormatError(format, "[\(index)].primaryMetric must be an object")
            }
            measurements.append(try metric("\(name)/\(mode)", primary, path: "[\(index)].primaryMetric"))
            for (key, value) in run["secondaryMetrics"]?.objectValue?.entries ?? [] {
                guard case .object(let secondary) = value else { continue }
                measurements.append(try metric("\(name)/\(key)", secondary, path: "[\(index)].secondaryMetrics.\(key)"))
            }
        }
        return measurements
    }

    private static func metric(_ name: String, _ fields: JSONObject, path: String) throws(ResultFormatError) -> Measurement {
        guard let score = fields["score"]?.doubleValue, score.isFinite else { throw ResultFormatError(format, "\(path).score must be a number") }
        guard case .string(let unit)? = fields["scoreUnit"] else { throw ResultFormatError(format, "\(path).scoreUnit must be a string") }
        let interval = fields["scoreConfidence"]?.arrayValue?.compactMap(\.doubleValue).filter(\.isFinite) ?? []
        let samples = (fields["rawData"]?.arrayValue ?? []).flatMap { $0.arrayValue ?? [] }.compactMap(\.doubleValue)
        return try measurement(metric: name, value: score, unit: unit, samples: samples.count > 1 ? samples : nil,
                           lower: interval.count == 2 ? interval[0] : nil, upper: interval.count == 2 ? interval[1] : nil)
    }
}
