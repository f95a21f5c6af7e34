// What a branch comparison concludes about one metric: both medians, the change, the verdict and how it was reached.

/// What a comparison says about one metric.
enum ComparisonVerdict: String, Sendable, Equatable, CaseIterable {
    /// Significantly worse, by more than the threshold.
    case regression
    /// Significantly better, by more than the threshold.
    case improvement
    /// Significantly different by more than the threshold, for a metric without a better direction.
    case changed
    /// No significant change, or one within the threshold, or too little data to say.
    case unchanged
}

/// How a verdict was reached.
enum ComparisonBasis: Sendable, Equatable {
    /// A Mann–Whitney U test between the two sides' samples, with its two-sided p-value.
    case rankTest(pValue: Double)
    /// The change measured in standard deviations of the metric's noise along the base's history.
    case noise(sigmas: Double, noise: Double)
    /// Neither enough samples nor a noise estimate: no verdict is possible.
    case tooFewSamples
}

/// One metric's values on both sides and what they mean.
struct MetricVerdict: Sendable, Equatable {
    /// The median of each side's samples.
    var baseline: Double
    var value: Double
    /// Relative to the baseline, in percent; nil when the baseline is 0 and the value is not.
    var percent: Double?
    var verdict: ComparisonVerdict
    var basis: ComparisonBasis
}
