// The one place deltas are computed: values against a baseline, per metric, judged by each metric's direction.
import Foundation

/// How pages colour a change (the CSS class): the `ChangeKind` rule, in the pages' words.
enum ChangeVerdict: String, Sendable {
    case better
    case worse
    /// Unchanged, or a metric without a better direction.
    case neutral

    init(_ kind: ChangeKind) {
        switch kind {
        case .regression: self = .worse
        case .improvement: self = .better
        case .neutral: self = .neutral
        }
    }
}

/// The difference between a baseline and a value.
struct MetricChange: Equatable {
    var difference: Double
    /// Relative to the baseline, in percent; nil when the baseline is zero.
    var percent: Double?
    var verdict: ChangeVerdict

    init(from baseline: Double, to value: Double, direction: MetricDirection) {
        difference = value - baseline
        percent = baseline == 0 ? (value == 0 ? 0 : nil) : difference / abs(baseline) * 100
        verdict = ChangeVerdict(ChangeKind(before: baseline, after: value, direction: direction))
    }

    /// `+12.5 %`, `−3.1 %`, `±0 %`, or the signed difference when there is no percentage.
    var text: String {
        if let percent {
            if percent == 0 { return "±0 %" }
            return (percent > 0 ? "+" : "−") + String(format: "%.1f %%", abs(percent))
        }
        return (difference > 0 ? "+" : "−") + DisplayFormat.number(abs(difference))
    }
}

/// Values of one side against values of the other, metric by metric. Each side may
/// hold several runs of the same machine; a metric's value is their median.
struct MetricComparison {
    struct Row {
        var metric: String
        var unit: String?
        var direction: MetricDirection
        /// The median of this side's values, and how many runs it comes from.
        var value: Double?
        var valueCount: Int
        var baseline: Double?
        var baselineCount: Int
        /// Present when both sides have the metric.
        var change: MetricChange?
    }

    var rows: [Row]

    /// Every metric of either side, by name. `units` fills in units the metrics table lacks.
    init(values: [String: [Double]], baseline: [String: [Double]], readings: [String: MetricHeader], units: [String: String] = [:]) {
        let metrics = Set(values.keys).union(baseline.keys).sorted()
        rows = metrics.map { metric in
            let reading = readings[metric]
            let direction = reading?.direction ?? .neutral
            let value = values[metric].flatMap(Self.median)
            let base = baseline[metric].flatMap(Self.median)
            var change: MetricChange?
            if let value, let base { change = MetricChange(from: base, to: value, direction: direction) }
            return Row(metric: metric, unit: units[metric] ?? reading?.unit, direction: direction,
                       value: value, valueCount: values[metric]?.count ?? 0,
                       baseline: base, baselineCount: baseline[metric]?.count ?? 0, change: change)
        }
    }

    /// The values of `runs` by metric.
    static func values(of runs: [RunValues]) -> [String: [Double]] {
        var result: [String: [Double]] = [:]
        for run in runs {
            for (metric, value) in run.values { result[metric, default: []].append(value) }
        }
        return result
    }

    /// The units `runs` reported, by metric.
    static func units(of runs: [RunValues]) -> [String: String] { RunValues.units(of: runs) }

    /// One run's values by metric.
    static func values(of run: Run) -> [String: [Double]] {
        Dictionary(run.measurements.map { ($0.metric, [$0.value]) }) { first, _ in first }
    }

    /// The units one run reported, by metric.
    static func units(of run: Run) -> [String: String] {
        Dictionary(run.measurements.compactMap { measurement in measurement.unit.map { (measurement.metric, $0) } }) { first, _ in first }
    }

    /// The middle value, or the mean of the two middle values; nil for no values.
    static func median(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : RobustStatistics.median(values)
    }

    /// `runs` grouped by machine, machines in the order their first run appears.
    static func byMachine(_ runs: [RunValues]) -> [(machine: Machine, runs: [RunValues])] { RunValues.byMachine(runs) }
}
