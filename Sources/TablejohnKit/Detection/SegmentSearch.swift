// Binary segmentation of one stretch of a series with the rank test, then pruning.
import Foundation

/// Finds the change points inside one range of a series.
///
/// A split is a change when the rank test says the two sides differ (`significance`)
/// and the step between the medians of the values just around it is material
/// (`minimumEffect` times the robust noise and `minimumRelativeChange` of the level).
/// Significant but immaterial splits, as slow drift gives, are not kept, but both
/// sides are still searched so that a real step inside a drifting stretch is found.
/// Every kept change is then tested again between its neighbours until all pass.
struct SegmentSearch {
    let values: [Double]
    let configuration: ChangePointConfiguration

    /// The changes in `range`, as absolute indices, oldest first.
    func changes(in range: Range<Int>) -> [Int] {
        var found: [Int] = []
        split(range, into: &found)
        found.sort()
        return refine(prune(found, in: range), in: range)
    }

    /// Stretches shorter than this are too short for the rank test alone: even values split
    /// perfectly in two rank no more extreme than noise does often enough (20 values split
    /// 10/10 give p ≈ 0.003), so a location test on medians may stand in for it.
    var shortStretch: Int { 2 * configuration.effectWindow }
    /// In a short stretch, the largest rank-test p-value a split may have for the location
    /// test to decide it: the ranks must still lean the same way, which no single outlier does.
    static let shortStretchRankLevel = 0.05

    /// The test of a split at `index` between the neighbouring changes `range`.
    func test(_ index: Int, in range: Range<Int>) -> (pValue: Double, material: Bool) {
        let scan = RankScan(values[range])
        return (pValue(scan.z(at: index - range.lowerBound), at: index, in: range), isMaterial(index, in: range))
    }

    /// The p-value of a split at `index` of `range` whose rank statistic is `z`: the rank
    /// test's, or in a short stretch where the ranks lean the same way, the location test's
    /// if it is smaller.
    private func pValue(_ z: Double, at index: Int, in range: Range<Int>) -> Double {
        let rank = RankScan.pValue(z: z, count: range.count, minimumSegment: configuration.minimumSegment)
        guard range.count < shortStretch, rank <= Self.shortStretchRankLevel, rank > configuration.significance else { return rank }
        return min(rank, locationPValue(index, in: range))
    }

    /// The p-value of the medians on each side of `index` differing as much as they do, for
    /// normal noise of the stretch's robust standard deviation (the larger of the spread
    /// around each side's median and of successive differences, which one step barely
    /// moves), over all splits of the stretch as the rank test counts them.
    func locationPValue(_ index: Int, in range: Range<Int>) -> Double {
        let before = values[range.lowerBound..<index], after = values[index..<range.upperBound]
        guard before.count >= 2, after.count >= 2 else { return 1 }
        let levelBefore = RobustStatistics.median(before), levelAfter = RobustStatistics.median(after)
        let residuals = before.map { $0 - levelBefore } + after.map { $0 - levelAfter }
        let noise = max(RobustStatistics.mad(residuals, about: 0), RobustStatistics.differenceNoise(values[range]))
        guard noise > 0 else { return levelBefore == levelAfter ? 1 : 0 }
        // The variance of a median of m normal values is π/2 · σ² / m.
        let error = noise * (Double.pi / 2 * (1 / Double(before.count) + 1 / Double(after.count))).squareRoot()
        return RankScan.pValue(z: (levelAfter - levelBefore) / error, count: range.count,
                               minimumSegment: configuration.minimumSegment)
    }

    private func split(_ range: Range<Int>, into found: inout [Int]) {
        let scan = RankScan(values[range])
        guard let best = scan.best(minimumSegment: configuration.minimumSegment) else { return }
        let p = pValue(best.z, at: range.lowerBound + best.split, in: range)
        guard p <= configuration.significance else { return }
        let index = range.lowerBound + best.split
        if isMaterial(index, in: range) { found.append(index) }
        split(range.lowerBound..<index, into: &found)
        split(index..<range.upperBound, into: &found)
    }

    /// Removes, one at a time, the change that fails its test between its neighbours
    /// worst, until every change passes.
    private func prune(_ changes: [Int], in range: Range<Int>) -> [Int] {
        var kept = changes
        while true {
            var worst: (position: Int, pValue: Double)?
            for position in kept.indices {
                let lower = position == 0 ? range.lowerBound : kept[position - 1]
                let upper = position == kept.count - 1 ? range.upperBound : kept[position + 1]
                let result = test(kept[position], in: lower..<upper)
                let passes = result.material && result.pValue <= configuration.significance
                if !passes && (worst == nil || result.pValue > worst!.pValue) { worst = (position, result.pValue) }
            }
            guard let worst else { return kept }
            kept.remove(at: worst.position)
        }
    }

    /// Moves each change, oldest first, to the split of the values around it (up to two
    /// effect windows each side, within its neighbours) that leaves the least absolute
    /// deviation from the two sides' medians. The rank scan's standardisation favours
    /// balanced splits and can land a value or two off near the end of a stretch; this
    /// puts a step where the levels actually part.
    private func refine(_ changes: [Int], in range: Range<Int>) -> [Int] {
        var refined = changes
        let reach = configuration.effectWindow, least = configuration.minimumSegment
        for position in refined.indices {
            let lower = position == 0 ? range.lowerBound : refined[position - 1]
            let upper = position == refined.count - 1 ? range.upperBound : refined[position + 1]
            let index = refined[position]
            let data = max(lower, index - 2 * reach)..<min(upper, index + 2 * reach)
            let candidates = max(lower + least, data.lowerBound + 1, index - reach)...min(upper - least, data.upperBound - 1, index + reach)
            guard candidates.count > 1 else { continue }
            var best = (index: index, cost: splitCost(index, in: data))
            for candidate in candidates where candidate != index {
                let cost = splitCost(candidate, in: data)
                let closer = abs(candidate - index) < abs(best.index - index)
                if cost < best.cost - 1e-12 * abs(best.cost) || (abs(cost - best.cost) <= 1e-12 * abs(best.cost) && closer) {
                    best = (candidate, cost)
                }
            }
            refined[position] = best.index
        }
        return refined
    }

    /// The sum of absolute deviations of `data` from its medians on each side of `index`.
    private func splitCost(_ index: Int, in data: Range<Int>) -> Double {
        let before = values[data.lowerBound..<index], after = values[index..<data.upperBound]
        let levelBefore = RobustStatistics.median(before), levelAfter = RobustStatistics.median(after)
        return before.reduce(0) { $0 + abs($1 - levelBefore) } + after.reduce(0) { $0 + abs($1 - levelAfter) }
    }

    /// Whether the step at `index` is large enough to matter: the medians of up to
    /// `effectWindow` values on each side (within `range`) differ, less what drift moves the
    /// level over one window, by at least `minimumEffect` robust standard deviations, and by
    /// `minimumRelativeChange` of the level.
    /// Measured over a short window, slow drift adds little to a step, however long it runs;
    /// what it adds is measured by the windows beyond these two (`drift(at:width:in:)`).
    func isMaterial(_ index: Int, in range: Range<Int>) -> Bool {
        let width = min(configuration.effectWindow, index - range.lowerBound, range.upperBound - index)
        guard width > 0 else { return false }
        let before = values[(index - width)..<index]
        let after = values[index..<(index + width)]
        let levelBefore = RobustStatistics.median(before)
        let levelAfter = RobustStatistics.median(after)
        let move = levelAfter - levelBefore
        let drift = self.drift(at: index, width: width, in: range)
        let step = abs(drift != 0 && (drift > 0) == (move > 0) ? move - drift : move)
        // The spread around each side's own median, so that two-mode noise raises the bar;
        // the spread of successive differences on each side, which drift barely touches.
        // Both over up to four effect windows a side: over one window alone, the larger of
        // two estimates that noisy is biased up by a fifth of the noise.
        let reach = 4 * configuration.effectWindow
        let beforeSide = values[max(range.lowerBound, index - reach)..<index]
        let afterSide = values[index..<min(range.upperBound, index + reach)]
        let spread = ((pow(RobustStatistics.mad(beforeSide, about: RobustStatistics.median(beforeSide)), 2)
            + pow(RobustStatistics.mad(afterSide, about: RobustStatistics.median(afterSide)), 2)) / 2).squareRoot()
        let differences = ((pow(RobustStatistics.differenceNoise(beforeSide), 2)
            + pow(RobustStatistics.differenceNoise(afterSide), 2)) / 2).squareRoot()
        let noise = max(spread, differences)
        return step > 0
            && step >= configuration.minimumEffect * noise
            && abs(move) >= configuration.minimumRelativeChange * abs(levelBefore)
    }

    /// How far slow drift moves the level over one window of `width` values around `index`:
    /// `width` times the slope of the level on each side (up to four effect windows of values
    /// within `range`), when both sides slope the same way, each weighed by its length.
    /// Near an end of the stretch, where one side is too short to tell, the other side's
    /// slope. 0 when the sides slope different ways.
    func drift(at index: Int, width: Int, in range: Range<Int>) -> Double {
        let reach = 4 * configuration.effectWindow
        let beforeSide = values[max(range.lowerBound, index - reach)..<index]
        let afterSide = values[index..<min(range.upperBound, index + reach)]
        let before = slope(beforeSide), after = slope(afterSide)
        guard let before, let after else { return Double(width) * (before ?? after ?? 0) }
        guard before != 0, after != 0, (before > 0) == (after > 0) else { return 0 }
        let weighted = (before * Double(beforeSide.count) + after * Double(afterSide.count)) / Double(beforeSide.count + afterSide.count)
        return Double(width) * weighted
    }

    /// The slope of `side` per value, robustly: the median of the slopes between each value
    /// of its first half and the value half its length later (nil when too short to tell).
    private func slope(_ side: ArraySlice<Double>) -> Double? {
        let half = side.count / 2
        guard half >= configuration.minimumSegment else { return nil }
        let first = side.startIndex
        var slopes = (0..<half).map { (side[first + $0 + half] - side[first + $0]) / Double(half) }
        return RobustStatistics.median(sorting: &slopes)
    }
}
