// When confirming a regression by re-runs stops, and what it concluded: a rank test on the re-runs, without I/O.
import Foundation

/// What confirmation does next.
enum ConfirmationVerdict: Sendable, Equatable {
    /// Undecided: queue another run of the parent, the commit, or both (the side behind
    /// first, so runs alternate parent, commit, parent, commit, …).
    case rerun(parent: Bool, commit: Bool)
    /// The re-runs differ the way the detected step does: the regression is confirmed.
    case different
    /// The re-runs do not show the step: alike, moved another way, or no longer able to
    /// differ within the re-run budget. The change stays unconfirmed.
    case same
}

/// Decides confirmation from the runs of the parent and the commit on the change's machine
/// (SPEC §9). A rank test (`RankSumTest`, the comparisons' Mann–Whitney U) on the two sides:
/// - p ≤ `significance` and the medians moved the detected way by at least `agreement` of
///   the detected step: *different* (confirmed); p ≤ `significance` another way: *same*;
/// - *same* as well once even runs completely apart in the detected direction, up to
///   `maximumRuns` each, could not bring p to `significance` (this is also where the
///   budget ends);
/// - otherwise one more run of the side with fewer runs (both when even).
struct ConfirmationRule: Sendable, Equatable {
    /// The largest p-value that counts as a difference (1 − `[detect] confidence`).
    var significance: Double
    /// The most runs of each side the test uses (`[detect] max-reruns` + the first run).
    var maximumRuns: Int
    /// Re-runs agree when they move the same way by at least this share of the detected step.
    var agreement = 0.5

    /// 0.99 confidence and 9 re-runs each: the defaults of `[detect] confidence` and `max-reruns`.
    init(significance: Double = 0.01, maximumRuns: Int = 10) {
        self.significance = significance
        self.maximumRuns = max(2, maximumRuns)
    }

    /// The verdict on `parent`'s and `commit`'s runs (oldest first) for a detected step of
    /// `step` (level after − level before), with the evidence it rests on.
    func judge(parent: [Double], commit: [Double], step: Double) -> (verdict: ConfirmationVerdict, evidence: ConfirmationEvidence) {
        let p = RankSumTest.pValue(parent, commit)
        var change: Double?
        var shift = 0.0
        if !parent.isEmpty, !commit.isEmpty {
            let before = RobustStatistics.median(parent), after = RobustStatistics.median(commit)
            shift = after - before
            change = before == 0 ? nil : shift / abs(before)
        }
        let evidence = ConfirmationEvidence(parentRuns: parent.count, commitRuns: commit.count, pValue: p, change: change)
        if !parent.isEmpty, !commit.isEmpty, p <= significance {
            let agrees = step != 0 && (shift > 0) == (step > 0) && abs(shift) >= agreement * abs(step)
            return (agrees ? .different : .same, evidence)
        }
        if bestReachable(parent: parent, commit: commit, step: step) > significance { return (.same, evidence) }
        let wantParent = parent.count < maximumRuns && parent.count <= commit.count
        let wantCommit = commit.count < maximumRuns && commit.count <= parent.count
        return (.rerun(parent: wantParent, commit: wantCommit), evidence)
    }

    /// The smallest p-value the test could reach if every run still allowed fell completely
    /// apart in the detected direction (the parent's below everything, the commit's above).
    func bestReachable(parent: [Double], commit: [Double], step: Double) -> Double {
        let missingParent = max(0, maximumRuns - parent.count), missingCommit = max(0, maximumRuns - commit.count)
        let all = parent + commit
        let low = (all.min() ?? 0) - 1, high = (all.max() ?? 0) + 1
        // Distinct values, so the exact distribution applies where it can.
        let below = (0..<missingParent).map { low - Double($0) }, above = (0..<missingCommit).map { high + Double($0) }
        return step >= 0 ? RankSumTest.pValue(parent + below, commit + above) : RankSumTest.pValue(parent + above, commit + below)
    }
}

extension TablejohnConfiguration.Detect {
    /// The confirmation rule these settings describe.
    var confirmation: ConfirmationRule {
        ConfirmationRule(significance: 1 - confidence, maximumRuns: maxReruns + 1)
    }
}
