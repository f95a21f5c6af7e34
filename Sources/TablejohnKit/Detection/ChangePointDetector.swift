// The change-point detector: robust, deterministic and incremental E-divisive-style segmentation.

/// Finds the points where a benchmark series settles at a new level.
///
/// Like E-divisive means (Apache Otava, MongoDB) it splits a series in two where the
/// sides differ most and recurses, keeping splits that pass a significance test. It
/// differs in four ways:
/// - the statistic is the Wilcoxon rank sum, so outliers and two-mode noise do not
///   move it, and its significance is analytic (no random permutations): the same
///   values always give the same answer;
/// - a split must also be material: the step between the medians around it must be
///   `minimumEffect` robust standard deviations and `minimumRelativeChange` of the level,
///   so slow drift is not cut into many small steps;
/// - kept changes are re-tested between their neighbours and the weakest dropped;
/// - the series is read from the oldest value in growing windows (4, 8, 16, … times
///   `minimumSegment`) from the last confirmed change, so a change, once confirmed,
///   depends only on values already seen: appending values re-examines only the tail,
///   and `update(_:with:)` gives exactly what `detect(_:)` gives on the whole series;
/// - a step in the last few values, too few for the search, is reported as suspected
///   (`TailSearch`, `DetectedChange.evidence`) until more values settle it.
public struct ChangePointDetector: Sendable {
    /// The thresholds in force.
    var configuration: ChangePointConfiguration
    /// Which way the metric is better, for telling regressions from improvements.
    var direction: MetricDirection

    public init(configuration: ChangePointConfiguration = .standard, direction: MetricDirection = .neutral) {
        self.configuration = configuration
        self.direction = direction
    }

    /// The change points of `values`, oldest value first. Values must be finite.
    public func detect(_ values: [Double]) throws(DetectionError) -> ChangePointResult {
        try update(.empty(configuration), with: values)
    }

    /// The change points of `values`, which are the values `previous` was found in with
    /// new ones appended. Only the values from `previous.anchor` on are examined; the
    /// answer is the one `detect(_:)` gives. A series shorter than before is examined afresh.
    public func update(_ previous: ChangePointResult, with values: [Double]) throws(DetectionError) -> ChangePointResult {
        let resumable = values.count >= previous.valueCount
        let start = resumable ? previous : .empty(configuration)
        for index in start.valueCount..<values.count where !values[index].isFinite {
            throw DetectionError(index: index, message: "value \(index) is \(values[index]), not a finite number")
        }
        let search = SegmentSearch(values: values, configuration: configuration)
        let margin = Self.confirmationMargin(configuration)
        var confirmed = start.changes.prefix(start.confirmedCount).map(\.index)
        var anchor = start.anchor
        var window = start.nextWindow
        var tentative: [Int] = []
        while true {
            let end = anchor + window
            if end >= values.count {
                tentative = search.changes(in: anchor..<values.count)
                break
            }
            // Changes with too few values after them in this window wait for a larger one.
            let eligible = search.changes(in: anchor..<end).filter { $0 <= end - margin }
            if let last = eligible.last {
                confirmed += eligible
                anchor = last
                window = Self.firstWindow(configuration)
            } else {
                window *= 2
            }
        }
        var indices = confirmed + tentative
        // A step in the last few values, too few for the search, is reported as suspected.
        let suspected = TailSearch(values: values, configuration: configuration).suspected(after: indices.last ?? 0)
        if let suspected { indices.append(suspected.index) }
        // A change's levels and confidence depend on its neighbours; those of a confirmed
        // change followed by another confirmed change are final.
        let reusable = max(0, min(start.confirmedCount - 1, confirmed.count - 1))
        var changes = Array(start.changes.prefix(reusable))
        for position in reusable..<indices.count {
            changes.append(describe(position, of: indices, in: values, search: search))
        }
        if let suspected {
            changes[changes.count - 1].evidence = suspected.evidence
            changes[changes.count - 1].confidence = 1 - suspected.evidence.pValue
        }
        return ChangePointResult(changes: changes, valueCount: values.count, confirmedCount: confirmed.count,
                                 anchor: anchor, nextWindow: window)
    }

    /// How many values a change needs after it, inside a window, to be confirmed: enough
    /// for its step to be measured net of drift (`SegmentSearch.drift`), which a change judged
    /// on a short window near the start of a drifting series could not be.
    static func confirmationMargin(_ configuration: ChangePointConfiguration) -> Int {
        max(2 * configuration.minimumSegment, 2 * configuration.effectWindow)
    }

    /// The first window examined from an anchor.
    static func firstWindow(_ configuration: ChangePointConfiguration) -> Int { 4 * configuration.minimumSegment }

    private func describe(_ position: Int, of indices: [Int], in values: [Double], search: SegmentSearch) -> DetectedChange {
        let index = indices[position]
        let lower = position == 0 ? 0 : indices[position - 1]
        let upper = position == indices.count - 1 ? values.count : indices[position + 1]
        let before = RobustStatistics.median(values[lower..<index])
        let after = RobustStatistics.median(values[index..<upper])
        let pValue = search.test(index, in: lower..<upper).pValue
        return DetectedChange(index: index, levelBefore: before, levelAfter: after,
                              relativeMagnitude: DetectedChange.relativeMagnitude(before: before, after: after),
                              kind: ChangeKind(before: before, after: after, direction: direction),
                              confidence: max(0, min(1, 1 - pValue)))
    }
}
