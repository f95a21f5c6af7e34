// The rule for a step in the last few values of a series: too few yet for the rank scan, enough to suspect.
import Foundation

/// Looks for a step in the last `shortest`…`longest` values of a series that the segment
/// search cannot find yet (it needs `minimumSegment` values on each side and a significant
/// scan over the whole stretch).
///
/// For each tail length k it counts how many of the `reference` values just before the tail
/// lie beyond the nearest tail value (r). With no change every order of the values is
/// equally likely, so the chance that all k tail values are among the k + r most extreme is
/// C(k + r, k) / C(N, k) for N = k + reference values, doubled for both directions and
/// multiplied by the number of tail lengths tried. This holds for any noise (outliers, two
/// modes). The tail must also be a material step: its median differs from the median of the
/// `effectWindow` values before it by `minimumEffect` robust standard deviations of the
/// reference and by `minimumRelativeChange` of the level. The tail length with the smallest
/// chance wins.
struct TailSearch {
    let values: [Double]
    let configuration: ChangePointConfiguration

    /// The fewest values a suspected step may have after it.
    static let shortest = 3
    /// The most reference values a tail is compared with: enough for the test to have
    /// power, few enough that slow drift does not make the tail look extreme.
    var referenceLimit: Int { 3 * configuration.effectWindow }
    /// The longest tail examined: past it the segment search has enough values.
    var longest: Int { 2 * configuration.minimumSegment }

    /// The suspected change in the values after `lower` (the last change found, or 0),
    /// as its index and evidence, or nil.
    func suspected(after lower: Int) -> (index: Int, evidence: TailEvidence)? {
        let count = values.count
        let lengths = Self.shortest...max(Self.shortest, longest)
        var best: (index: Int, evidence: TailEvidence)?
        for k in lengths {
            let start = count - k
            guard start - lower >= 2 * configuration.minimumSegment else { continue }
            let referenceRange = max(lower, start - referenceLimit)..<start
            guard referenceRange.count >= 2 * configuration.minimumSegment else { continue }
            guard let evidence = evidence(tail: start..<count, reference: referenceRange, tries: lengths.count) else { continue }
            if evidence.pValue <= configuration.significance && (best == nil || evidence.pValue < best!.evidence.pValue) {
                best = (start, evidence)
            }
        }
        return best
    }

    /// The evidence for a step at `tail.lowerBound`, or nil when the tail is not a material step.
    func evidence(tail: Range<Int>, reference: Range<Int>, tries: Int) -> TailEvidence? {
        let tailValues = values[tail], referenceValues = values[reference]
        let level = RobustStatistics.median(referenceValues.suffix(configuration.effectWindow))
        let newLevel = RobustStatistics.median(tailValues)
        let step = newLevel - level
        let spread = RobustStatistics.mad(referenceValues, about: RobustStatistics.median(referenceValues))
        let noise = max(spread, RobustStatistics.differenceNoise(referenceValues))
        guard step != 0, abs(step) >= configuration.minimumEffect * noise,
              abs(step) >= configuration.minimumRelativeChange * abs(level) else { return nil }
        // Reference values beyond the tail value nearest them, on the side the tail moved to.
        let nearest = step > 0 ? tailValues.min()! : tailValues.max()!
        let beyond = referenceValues.count(where: { step > 0 ? $0 >= nearest : $0 <= nearest })
        let k = tail.count, n = reference.count + k
        let logChance = Self.logChoose(k + beyond, k) - Self.logChoose(n, k)
        let pValue = min(1, 2 * Double(tries) * exp(logChance))
        return TailEvidence(valuesAfter: k, reference: reference.count, referenceBeyond: beyond, pValue: pValue)
    }

    /// log C(n, k).
    static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }
}
