// The two-sample Mann–Whitney U test: exact for small samples without ties, normal approximation otherwise.
import Foundation

/// Whether two samples come from the same distribution, judged by ranks only, so an
/// outlier or a two-mode machine weighs no more than any other value.
///
/// Small samples without ties get the exact null distribution of U (the coefficients of
/// a Gaussian binomial, built in O(m·n·min(m, n)) additions); larger or tied samples the
/// normal approximation with the tie correction and a continuity correction.
enum RankSumTest {
    /// Up to this many values in both samples together the p-value is exact.
    static let exactLimit = 50

    /// The two-sided p-value of "`first` and `second` come from the same distribution";
    /// 1 when either is empty.
    static func pValue(_ first: [Double], _ second: [Double]) -> Double {
        let m = first.count, n = second.count
        guard m > 0, n > 0 else { return 1 }
        let pooled = (first.map { ($0, true) } + second.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var rankSum = 0.0
        var tieTerm = 0.0
        var start = 0
        while start < pooled.count {
            var end = start + 1
            while end < pooled.count && pooled[end].0 == pooled[start].0 { end += 1 }
            let midrank = Double(start + end + 1) / 2
            for index in start..<end where pooled[index].1 { rankSum += midrank }
            let size = Double(end - start)
            tieTerm += size * size * size - size
            start = end
        }
        let u = rankSum - Double(m * (m + 1)) / 2
        if tieTerm == 0, m + n <= exactLimit {
            let counts = distribution(m, n)
            let total = counts.reduce(0, +)
            let index = Int(u.rounded())
            let lower = counts[0...index].reduce(0, +) / total
            let upper = counts[index...].reduce(0, +) / total
            return min(1, 2 * min(lower, upper))
        }
        let mean = Double(m * n) / 2
        let total = Double(m + n)
        let variance = Double(m * n) / 12 * ((total + 1) - tieTerm / (total * (total - 1)))
        guard variance > 0 else { return 1 }
        let z = max(0, abs(u - mean) - 0.5) / variance.squareRoot()
        return min(1, 2 * RobustStatistics.normalTail(z))
    }

    /// The smallest two-sided p-value samples of `m` and `n` values can reach (both
    /// completely apart): below the significance level, or the test cannot decide.
    static func smallestPValue(_ m: Int, _ n: Int) -> Double {
        guard m > 0, n > 0 else { return 1 }
        if m + n <= exactLimit {
            let counts = distribution(m, n)
            return min(1, 2 * counts[0] / counts.reduce(0, +))
        }
        let a = [Double](repeating: 0, count: m)
        return pValue(a, (0..<n).map { _ in 1 })
    }

    /// How many arrangements of `m` and `n` values give U = 0, 1, …, m·n: the coefficients
    /// of the Gaussian binomial [m+n choose m] = ∏ (1 − q^(n+i)) / (1 − q^i), i = 1…m.
    static func distribution(_ m: Int, _ n: Int) -> [Double] {
        var counts = [Double](repeating: 0, count: m * n + 1)
        counts[0] = 1
        for i in 1...max(1, m) where m > 0 {
            let up = n + i
            // × (1 − q^up), highest powers first so each coefficient reads the old ones.
            if up <= m * n {
                for k in stride(from: m * n, through: up, by: -1) { counts[k] -= counts[k - up] }
            }
            // ÷ (1 − q^i): a running sum with step i.
            if i <= m * n {
                for k in i...(m * n) { counts[k] += counts[k - i] }
            }
        }
        return counts
    }
}
