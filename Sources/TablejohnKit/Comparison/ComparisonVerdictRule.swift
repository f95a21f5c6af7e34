// The rule that judges one metric of a branch comparison: regression, improvement or no significant change.
import Foundation

/// Judges a metric from the samples of both sides. Pure: no I/O.
///
/// Significance comes from a rank test when both sides have at least `minimumSamples`
/// samples and enough of them for the test to reach `significance`; otherwise from the
/// metric's noise (a standard deviation of single values, measured along the base's
/// history): the change is significant beyond `noiseSigmas` standard deviations of a
/// difference of two values. A significant change smaller than `thresholdPercent` is
/// no change for the verdict; its direction comes from the metric's (`ChangeKind`).
public struct ComparisonVerdictRule: Sendable, Equatable {
    /// Changes smaller than this, in percent, are never regressions or improvements.
    var thresholdPercent: Double
    /// The largest p-value the rank test calls significant.
    var significance = 0.01
    /// How many noise standard deviations a change must exceed without a rank test.
    var noiseSigmas = 3.0
    var minimumSamples = 3

    /// The threshold tjctl and the page use unless told otherwise.
    public static let defaultThresholdPercent = 2.0
    /// The largest threshold accepted.
    static let maximumThresholdPercent = 10_000.0

    /// Whether `percent` can be a threshold: finite, from 0 to `maximumThresholdPercent`
    /// (the page, `compare` and `tjctl compare` all ask this).
    public static func isValidThreshold(_ percent: Double) -> Bool {
        percent.isFinite && (0...maximumThresholdPercent).contains(percent)
    }

    /// What a threshold may be, for messages.
    public static let thresholdRule = "a percentage from 0 to \(Int(maximumThresholdPercent))"

    init(thresholdPercent: Double = Self.defaultThresholdPercent) {
        self.thresholdPercent = thresholdPercent
    }

    /// The verdict on `head` against `base`; nil when either side has no samples.
    /// `noise` is the metric's noise along the base's history, nil when unknown.
    func judge(base: [Double], head: [Double], noise: Double?, direction: MetricDirection) -> MetricVerdict? {
        guard let baseline = Self.median(base), let value = Self.median(head) else { return nil }
        let difference = value - baseline
        let percent: Double? = baseline == 0 ? (value == 0 ? 0 : nil) : difference / abs(baseline) * 100
        let beyondThreshold = percent.map { abs($0) >= thresholdPercent && $0 != 0 } ?? (difference != 0)
        let basis: ComparisonBasis
        let significant: Bool
        if base.count >= minimumSamples, head.count >= minimumSamples,
           RankSumTest.smallestPValue(base.count, head.count) <= significance {
            let p = RankSumTest.pValue(base, head)
            basis = .rankTest(pValue: p)
            significant = p <= significance
        } else if let noise, noise.isFinite, noise >= 0 {
            // The spread of a difference of two single values is √2 times the noise.
            let spread = noise * 2.0.squareRoot()
            let sigmas = spread > 0 ? abs(difference) / spread : (difference == 0 ? 0 : Double.infinity)
            basis = .noise(sigmas: sigmas, noise: noise)
            significant = sigmas >= noiseSigmas
        } else {
            basis = .tooFewSamples
            significant = false
        }
        var verdict = ComparisonVerdict.unchanged
        if significant && beyondThreshold {
            verdict = switch ChangeKind(before: baseline, after: value, direction: direction) {
            case .regression: .regression
            case .improvement: .improvement
            case .neutral: .changed
            }
        }
        return MetricVerdict(baseline: baseline, value: value, percent: percent, verdict: verdict, basis: basis)
    }

    /// The median of a side's samples (the detector's median), nil for none.
    static func median(_ samples: [Double]) -> Double? {
        samples.isEmpty ? nil : RobustStatistics.median(samples)
    }

    /// The geometric mean of `value / baseline` over the verdicts where both are
    /// positive, as a change in percent; nil when there are none.
    static func geometricMeanPercent(_ verdicts: [MetricVerdict]) -> Double? {
        let logs = verdicts.filter { $0.baseline > 0 && $0.value > 0 }.map { log($0.value / $0.baseline) }
        guard !logs.isEmpty else { return nil }
        return (exp(logs.reduce(0, +) / Double(logs.count)) - 1) * 100
    }
}
