// The rank-sum (Mann–Whitney) statistic at every split of a segment, and its significance.
import Foundation

/// The standardised Wilcoxon rank-sum statistic for every split point of one segment.
///
/// Ranks replace values, so an outlier weighs no more than the largest ordinary value
/// and the test holds for any noise distribution (two-mode machines included). Ties
/// share their mean rank and shrink the variance as usual.
struct RankScan {
    /// How many values the segment has.
    let count: Int
    /// `rankSums[t]` is the sum of the ranks of the first `t` values.
    private let rankSums: [Double]
    /// The variance factor of a rank sum, with the tie correction: ((m+1) - Σ(t³-t)/(m(m-1))) / 12.
    private let rankVariance: Double

    init(_ values: ArraySlice<Double>) {
        let count = values.count
        self.count = count
        // A value's midrank is the mean of the first and last positions of its value in the
        // sorted copy (1-based), found by binary search: faster than sorting (value, position) pairs.
        let sorted = values.sorted()
        var ranks = [Double](repeating: 0, count: count)
        for (position, value) in values.enumerated() {
            let first = Self.firstIndex(notBelow: value, in: sorted)
            var last = first
            if last + 1 < count && sorted[last + 1] == value { last = Self.firstIndex(above: value, in: sorted) - 1 }
            ranks[position] = Double(first + last + 2) / 2
        }
        var ties = 0.0
        var start = 0
        while start < count {
            var end = start + 1
            while end < count && sorted[end] == sorted[start] { end += 1 }
            let size = Double(end - start)
            ties += size * size * size - size
            start = end
        }
        var sums = [Double](repeating: 0, count: count + 1)
        for index in 0..<count { sums[index + 1] = sums[index] + ranks[index] }
        rankSums = sums
        let m = Double(count)
        rankVariance = count > 1 ? ((m + 1) - ties / (m * (m - 1))) / 12 : 0
    }

    private static func firstIndex(notBelow value: Double, in sorted: [Double]) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func firstIndex(above value: Double, in sorted: [Double]) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The standardised rank sum of the first `split` values against the rest
    /// (positive when the values after the split rank lower).
    func z(at split: Int) -> Double {
        let m = Double(count), t = Double(split)
        let variance = t * (m - t) * rankVariance
        guard variance > 0 else { return 0 }
        return (rankSums[split] - t * (m + 1) / 2) / variance.squareRoot()
    }

    /// The split with the largest |z| leaving `minimumSegment` values on each side
    /// (the earliest on ties), or nil when the segment is too short.
    func best(minimumSegment: Int) -> (split: Int, z: Double)? {
        guard count >= 2 * minimumSegment else { return nil }
        var best: (split: Int, z: Double)?
        for split in minimumSegment...(count - minimumSegment) {
            let value = abs(z(at: split))
            if best == nil || value > best!.z { best = (split, value) }
        }
        return best
    }

    /// The p-value of a largest |z| of `z` over the splits of a segment of `count`
    /// values with `minimumSegment` on each side: the chance that noise alone gives a
    /// larger maximum. Under no change the scan is a standardised Brownian bridge; the
    /// tail of its maximum is 2·(1 − Φ(b)) + 2·b·φ(b)·log((m − L) / L) (Siegmund's
    /// approximation), which is analytic, deterministic and costs nothing to compute.
    static func pValue(z: Double, count: Int, minimumSegment: Int) -> Double {
        let b = abs(z)
        let span = Double(count - minimumSegment) / Double(minimumSegment)
        let crossings = span > 1 ? 2 * b * RobustStatistics.normalDensity(b) * log(span) : 0
        return min(1, 2 * RobustStatistics.normalTail(b) + crossings)
    }
}
