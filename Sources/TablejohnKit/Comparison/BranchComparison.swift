// A branch compared with the merge base of it and its base: per metric both values, the change and the verdict.
import Foundation

/// What `/compare/BASE...HEAD/` and `tjctl compare BASE HEAD` show: HEAD against the
/// merge base of BASE and HEAD, on the machine HEAD was measured on.
public struct BranchComparison: Sendable, Equatable {
    /// One metric of either side.
    struct Row: Sendable, Equatable {
        var metric: String
        var unit: String?
        var direction: MetricDirection
        /// The median of each side's samples; nil when that side lacks the metric.
        var baseline: Double?
        var value: Double?
        var baselineSamples: Int
        var valueSamples: Int
        /// Present when both sides have the metric.
        var verdict: MetricVerdict?

        /// The verdict's word, or `missing` when one side lacks the metric.
        var verdictName: String { verdict?.verdict.rawValue ?? "missing" }
    }

    /// What the comparison still waits for.
    public enum Waiting: String, Sendable, Equatable {
        /// HEAD has no successful runs yet.
        case head
        /// The merge base has no successful runs on HEAD's machine yet.
        case mergeBase = "merge base"
    }

    /// The names as given.
    var baseName: String
    var headName: String
    var baseCommit: String
    var headCommit: String
    var mergeBase: String
    /// The machine of HEAD's newest run; nil while HEAD has none.
    var machine: Machine?
    var thresholdPercent: Double
    /// Nil when both sides have runs on the machine.
    public var waiting: Waiting?
    /// Whether the commit waited for is queued (now or before).
    var queued: Bool
    var rows: [Row]

    init(baseName: String, headName: String, baseCommit: String, headCommit: String, mergeBase: String, machine: Machine?,
                thresholdPercent: Double, waiting: Waiting?, queued: Bool, rows: [Row]) {
        self.baseName = baseName
        self.headName = headName
        self.baseCommit = baseCommit
        self.headCommit = headCommit
        self.mergeBase = mergeBase
        self.machine = machine
        self.thresholdPercent = thresholdPercent
        self.waiting = waiting
        self.queued = queued
        self.rows = rows
    }

    /// Counts of each verdict, and the geometric mean of the changes.
    public struct Summary: Sendable, Equatable {
        public var regressions = 0
        var improvements = 0
        var changed = 0
        var unchanged = 0
        /// Metrics only one side has.
        var missing = 0
        /// The geometric mean of HEAD / base over metrics positive on both sides, in percent.
        var geometricMeanPercent: Double?
    }

    public var summary: Summary {
        var summary = Summary()
        for row in rows {
            switch row.verdict?.verdict {
            case .regression?: summary.regressions += 1
            case .improvement?: summary.improvements += 1
            case .changed?: summary.changed += 1
            case .unchanged?: summary.unchanged += 1
            case nil: summary.missing += 1
            }
        }
        summary.geometricMeanPercent = ComparisonVerdictRule.geometricMeanPercent(rows.compactMap(\.verdict))
        return summary
    }

    /// One line: `1 regression, 0 improvements, 3 unchanged; geometric mean +4.2 %`.
    public var summaryLine: String {
        if let waiting {
            let subject = waiting == .head ? "\(headName) (\(headCommit.prefix(10)))" : "the merge base \(mergeBase.prefix(10))"
            return "No verdict yet: \(subject) has no runs" + (waiting == .mergeBase && machine != nil ? " on HEAD's machine" : "")
                + (queued ? "; it is queued" : "")
        }
        let summary = self.summary
        func count(_ number: Int, _ one: String, _ many: String) -> String { "\(number) \(number == 1 ? one : many)" }
        var parts = [count(summary.regressions, "regression", "regressions"), count(summary.improvements, "improvement", "improvements")]
        if summary.changed > 0 { parts.append("\(summary.changed) changed") }
        parts.append("\(summary.unchanged) without significant change")
        if summary.missing > 0 { parts.append("\(summary.missing) on one side only") }
        var line = parts.joined(separator: ", ")
        if let mean = summary.geometricMeanPercent { line += "; geometric mean of changes " + Self.percentText(mean) }
        return line
    }

    /// `+12.5 %`, `−3.1 %`, `±0 %`.
    static func percentText(_ percent: Double) -> String {
        let rounded = (abs(percent) * 10).rounded() / 10
        if rounded == 0 { return "±0 %" }
        return (percent > 0 ? "+" : "−") + String(format: "%.1f %%", rounded)
    }
}
