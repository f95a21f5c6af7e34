// The one wire shape of a branch comparison: the `compare` RPC's result, read back by tjctl.

/// A comparison reply that could not be read.
public struct BranchComparisonDecodingError: Error, CustomStringConvertible {
    public var description: String
}

extension BranchComparison {
    /// `{"base", "head", "base_commit", "head_commit", "merge_base", "machine": {"runner", "fingerprint"} | null,
    /// "threshold_percent", "waiting": null | "head" | "merge base", "queued", "metrics": [{"metric", "unit",
    /// "direction", "base", "head", "base_samples", "head_samples", "change_percent", "verdict", "basis",
    /// "p_value", "sigmas", "noise"}], "summary": {"regressions", "improvements", "changed", "unchanged",
    /// "missing", "geometric_mean_percent"}}`. `verdict` is regression, improvement, changed, unchanged or
    /// missing; `basis` is "rank test", "noise", "too few samples" or null (missing).
    var json: JSONValue {
        let summary = self.summary
        return [
            "base": .string(baseName),
            "head": .string(headName),
            "base_commit": .string(baseCommit),
            "head_commit": .string(headCommit),
            "merge_base": .string(mergeBase),
            "machine": machine.map { ["runner": JSONValue($0.runner), "fingerprint": $0.fingerprint ?? .null] } ?? .null,
            "threshold_percent": .real(thresholdPercent),
            "waiting": JSONValue(waiting?.rawValue),
            "queued": .bool(queued),
            "metrics": .array(rows.map(Self.json)),
            "summary": [
                "regressions": JSONValue(summary.regressions),
                "improvements": JSONValue(summary.improvements),
                "changed": JSONValue(summary.changed),
                "unchanged": JSONValue(summary.unchanged),
                "missing": JSONValue(summary.missing),
                "geometric_mean_percent": JSONValue(summary.geometricMeanPercent),
            ],
        ]
    }

    private static func json(_ row: Row) -> JSONValue {
        var basis: JSONValue = .null
        var pValue: Double?
        var sigmas: Double?
        var noise: Double?
        switch row.verdict?.basis {
        case .rankTest(let p)?:
            basis = "rank test"
            pValue = p
        case .noise(let s, let n)?:
            basis = "noise"
            sigmas = s.isFinite ? s : nil
            noise = n
        case .tooFewSamples?:
            basis = "too few samples"
        case nil:
            break
        }
        return [
            "metric": .string(row.metric),
            "unit": JSONValue(row.unit),
            "direction": .string(row.direction.rawValue),
            "base": JSONValue(row.baseline),
            "head": JSONValue(row.value),
            "base_samples": JSONValue(row.baselineSamples),
            "head_samples": JSONValue(row.valueSamples),
            "change_percent": JSONValue(row.verdict?.percent),
            "verdict": .string(row.verdictName),
            "basis": basis,
            "p_value": JSONValue(pValue),
            "sigmas": JSONValue(sigmas),
            "noise": JSONValue(noise),
        ]
    }

    /// Reads what `json` wrote.
    public init(json: JSONValue) throws(BranchComparisonDecodingError) {
        func fail(_ what: String) -> BranchComparisonDecodingError { BranchComparisonDecodingError(description: "the comparison has no valid \(what)") }
        func string(_ value: JSONValue?, _ key: String) throws(BranchComparisonDecodingError) -> String {
            guard let text = value?[key]?.stringValue else { throw fail(key) }
            return text
        }
        var machine: Machine?
        if let given = json["machine"], given != .null {
            // Not `nil` in a closure: JSONValue is ExpressibleByNilLiteral, so it would read as .null.
            var fingerprint = given["fingerprint"]
            if fingerprint == .null { fingerprint = Optional.none }
            machine = Machine(runner: given["runner"]?.stringValue, fingerprint: fingerprint)
        }
        var waiting: Waiting?
        if let given = json["waiting"], given != .null {
            guard let known = given.stringValue.flatMap(Waiting.init(rawValue:)) else { throw fail("waiting") }
            waiting = known
        }
        guard let metrics = json["metrics"]?.arrayValue else { throw fail("metrics") }
        var rows: [Row] = []
        for entry in metrics {
            guard let direction = entry["direction"]?.stringValue.flatMap(MetricDirection.init(rawValue:)) else { throw fail("direction") }
            var row = Row(metric: try string(entry, "metric"), unit: entry["unit"]?.stringValue, direction: direction,
                          baseline: entry["base"]?.doubleValue, value: entry["head"]?.doubleValue,
                          baselineSamples: Int(clamping: entry["base_samples"]?.intValue ?? 0),
                          valueSamples: Int(clamping: entry["head_samples"]?.intValue ?? 0))
            let name = try string(entry, "verdict")
            if name != "missing" {
                guard let verdict = ComparisonVerdict(rawValue: name), let baseline = row.baseline, let value = row.value else { throw fail("verdict") }
                let basis: ComparisonBasis = switch entry["basis"]?.stringValue {
                case "rank test": .rankTest(pValue: entry["p_value"]?.doubleValue ?? 1)
                case "noise": .noise(sigmas: entry["sigmas"]?.doubleValue ?? .infinity, noise: entry["noise"]?.doubleValue ?? 0)
                default: .tooFewSamples
                }
                row.verdict = MetricVerdict(baseline: baseline, value: value, percent: entry["change_percent"]?.doubleValue,
                                            verdict: verdict, basis: basis)
            }
            rows.append(row)
        }
        guard let threshold = json["threshold_percent"]?.doubleValue else { throw fail("threshold_percent") }
        self.init(baseName: try string(json, "base"), headName: try string(json, "head"), baseCommit: try string(json, "base_commit"),
                  headCommit: try string(json, "head_commit"), mergeBase: try string(json, "merge_base"), machine: machine,
                  thresholdPercent: threshold, waiting: waiting, queued: json["queued"]?.boolValue ?? false, rows: rows)
    }
}
