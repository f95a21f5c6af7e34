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

    /// The test of a split at `index` between the neighbouring changes `range`.
    func test(_ index: Int, in range: Range<Int>) -> (pValue: Double, material: Bool) {
        let scan = RankScan(values[range])
        let p = RankScan.pValue(z: scan.z(at: index - range.lowerBound), count: range.count,
                                minimumSegment: configuration.minimumSegment)
        return (p, isMaterial(index, in: range))
    }

    private func split(_ range: Range<Int>, into found: inout [Int]) {
        let scan = RankScan(values[range])
        guard let best = scan.best(minimumSegment: configuration.minimumSegment) else { return }
        let p = RankScan.pValue(z: best.z, count: range.count, minimumSegment: configuration.minimumSegment)
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
    /// `effectWindow` values on each side (within `range`) differ by at least
    /// `minimumEffect` robust standard deviations and `minimumRelativeChange` of the level.
    /// Measured over a short window, slow drift adds little to a step, however long it runs.
    func isMaterial(_ index: Int, in range: Range<Int>) -> Bool {
        let width = min(configuration.effectWindow, index - range.lowerBound, range.upperBound - index)
        guard width > 0 else { return false }
        let before = values[(index - width)..<index]
        let after = values[index..<(index + width)]
        let levelBefore = RobustStatistics.median(before)
        let levelAfter = RobustStatistics.median(after)
        let step = abs(levelAfter - levelBefore)
        // The spread around each side's own median, so that two-mode noise raises the bar;
        // the spread of successive differences on each side, which drift barely touches.
        let spread = ((pow(RobustStatistics.mad(before, about: levelBefore), 2)
            + pow(RobustStatistics.mad(after, about: levelAfter), 2)) / 2).squareRoot()
        let differences = ((pow(RobustStatistics.differenceNoise(before), 2)
            + pow(RobustStatistics.differenceNoise(after), 2)) / 2).squareRoot()
        let noise = max(spread, differences)
        return step > 0
            && step >= configuration.minimumEffect * noise
            && step >= configuration.minimumRelativeChange * abs(levelBefore)
    }
}
