// What the re-runs of a confirmation showed: runs each side, p, change.
import Foundation

/// What the re-runs of a change's parent and commit say so far: how many runs each side
/// has, the rank test's p-value, and the change between their medians.
public struct ConfirmationEvidence: Sendable, Equatable {
    /// Runs of the parent (the last commit at the old level) on the change's machine.
    var parentRuns: Int
    /// Runs of the commit on the same machine.
    var commitRuns: Int
    /// The two-sided Mann–Whitney p-value of "the parent's and the commit's runs are alike".
    var pValue: Double
    /// (median of the commit's runs − median of the parent's) / |median of the parent's|;
    /// nil when the parent's median is 0.
    var change: Double?

    public init(parentRuns: Int, commitRuns: Int, pValue: Double, change: Double?) {
        self.parentRuns = parentRuns
        self.commitRuns = commitRuns
        self.pValue = pValue
        self.change = change
    }

    /// "6 runs each, p = 0.0011, +9.8 %" (or "6 + 5 runs, …" while one side is ahead).
    public var summary: String {
        let runs = parentRuns == commitRuns ? "\(parentRuns) run\(parentRuns == 1 ? "" : "s") each" : "\(parentRuns) + \(commitRuns) runs"
        let p = pValue < 0.001 ? String(format: "p = %.1e", pValue) : String(format: "p = %.3g", pValue)
        guard let change else { return "\(runs), \(p)" }
        let percent = change * 100
        let sign = percent > 0 ? "+" : (percent < 0 ? "−" : "±")
        return "\(runs), \(p), \(sign)\(String(format: "%.1f", abs(percent))) %"
    }
}
