import Foundation
import Testing
@testable import TablejohnKit

@Suite("Branch comparison verdicts")
struct ComparisonVerdictRuleTests {
    let rule = ComparisonVerdictRule(thresholdPercent: 2)

    @Test("the rank test's p-values match the exact Mann-Whitney distribution")
    func rankTest() {
        // Given samples completely apart, When tested, Then p is 2 / C(m+n, m)
        #expect(abs(RankSumTest.pValue([1, 2, 3], [4, 5, 6]) - 0.1) < 1e-12)
        #expect(abs(RankSumTest.pValue([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]) - 2.0 / 252) < 1e-12)
        #expect(RankSumTest.smallestPValue(3, 3) == 0.1)
        #expect(RankSumTest.distribution(3, 3) == [1, 1, 2, 3, 3, 3, 3, 2, 1, 1])
        // Interleaved samples are no evidence at all
        #expect(RankSumTest.pValue([1, 3, 5, 7], [2, 4, 6, 8]) > 0.5)
        // Ties and large samples go through the normal approximation and stay in range
        let tied = RankSumTest.pValue([1, 1, 1, 2, 2], [2, 2, 3, 3, 3])
        #expect(tied > 0 && tied < 0.1)
        let large = RankSumTest.pValue((0..<40).map(Double.init), (30..<70).map(Double.init))
        #expect(large < 1e-6)
        #expect(RankSumTest.pValue([], [1]) == 1)
    }

    @Test("5 samples 20 % slower on a lower-is-better metric are a regression by the rank test")
    func regressionByRankTest() throws {
        let base = [100, 101, 99, 100.5, 99.5]
        let head = base.map { $0 * 1.2 }
        let verdict = try #require(rule.judge(base: base, head: head, noise: nil, direction: .lower))
        #expect(verdict.verdict == .regression)
        #expect(abs((verdict.percent ?? 0) - 20) < 1e-9)
        guard case .rankTest(let p) = verdict.basis else { Issue.record("not a rank test: \(verdict.basis)"); return }
        #expect(p < 0.01)
        // The same move on a higher-is-better metric is an improvement, on a neutral one a change
        #expect(rule.judge(base: base, head: head, noise: nil, direction: .higher)?.verdict == .improvement)
        #expect(rule.judge(base: base, head: head, noise: nil, direction: .neutral)?.verdict == .changed)
    }

    @Test("overlapping samples, or a significant change below the threshold, are no significant change")
    func unchanged() {
        let base = [100, 103, 97, 101, 99.0]
        #expect(rule.judge(base: base, head: [101, 98, 102, 100, 99.5], noise: nil, direction: .lower)?.verdict == .unchanged)
        let close = [100, 100.05, 100.1, 100.15, 100.2]
        let tiny = rule.judge(base: close, head: close.map { $0 + 1 }, noise: nil, direction: .lower)
        #expect(tiny?.verdict == .unchanged, "1 % is below the 2 % threshold")
        #expect(ComparisonVerdictRule(thresholdPercent: 0.5).judge(base: close, head: close.map { $0 + 1 }, noise: nil, direction: .lower)?.verdict
            == .regression)
    }

    @Test("with fewer than 3 samples the change is measured against the base's noise")
    func noise() {
        // Given single values 10 % apart, When the history's noise is 1 %, Then it is a regression (about 7 σ)
        let judged = rule.judge(base: [100], head: [110], noise: 1, direction: .lower)
        #expect(judged?.verdict == .regression)
        if case .noise(let sigmas, _)? = judged?.basis { #expect(sigmas > 7 && sigmas < 7.1) } else { Issue.record("not by noise") }
        // When the noise is 5 %, a 10 % move is within it
        #expect(rule.judge(base: [100], head: [110], noise: 5, direction: .lower)?.verdict == .unchanged)
        // Without a noise estimate there is no verdict beyond "no significant change"
        let blind = rule.judge(base: [100], head: [200], noise: nil, direction: .lower)
        #expect(blind?.verdict == .unchanged)
        #expect(blind?.basis == .tooFewSamples)
        // 3 against 3 samples cannot reach p ≤ 0.01, so the noise decides there too
        #expect(rule.judge(base: [100, 100, 100], head: [120, 120, 120], noise: 1, direction: .lower)?.basis == .noise(sigmas: 20 / 2.0.squareRoot(), noise: 1))
        // A side without samples has no verdict
        #expect(rule.judge(base: [], head: [1], noise: 1, direction: .lower) == nil)
    }

    @Test("the summary counts verdicts and gives the geometric mean of the changes")
    func summary() throws {
        func row(_ metric: String, _ base: Double, _ head: Double, _ verdict: ComparisonVerdict?) -> BranchComparison.Row {
            BranchComparison.Row(metric: metric, unit: "ms", direction: .lower, baseline: base, value: head, baselineSamples: 5, valueSamples: 5,
                                 verdict: verdict.map { MetricVerdict(baseline: base, value: head, percent: (head - base) / base * 100, verdict: $0,
                                                                      basis: .rankTest(pValue: 0.001)) })
        }
        let comparison = BranchComparison(baseName: "main", headName: "feature", baseCommit: String(repeating: "a", count: 40),
                                          headCommit: String(repeating: "b", count: 40), mergeBase: String(repeating: "c", count: 40),
                                          machine: Machine(runner: "ci", fingerprint: nil), thresholdPercent: 2, waiting: nil, queued: false,
                                          rows: [row("parse", 100, 125, .regression), row("render", 100, 80, .unchanged), row("only", 1, 1, nil)])
        let summary = comparison.summary
        #expect(summary.regressions == 1 && summary.unchanged == 1 && summary.missing == 1 && summary.improvements == 0)
        // √(1.25 × 0.8) = 1: the two changes cancel out
        #expect(abs(try #require(summary.geometricMeanPercent)) < 1e-9)
        #expect(comparison.summaryLine == "1 regression, 0 improvements, 1 without significant change, 1 on one side only; geometric mean of changes ±0 %")
        // The JSON reads back to the same comparison, and the Markdown table puts the regression first, in bold
        #expect(try BranchComparison(json: comparison.json) == comparison)
        let markdown = comparison.markdown()
        #expect(markdown.contains("| `parse` | 100 | 125 | +25.0 % | ms | **regression** |"))
        let lines = markdown.split(separator: "\n")
        #expect(try #require(lines.firstIndex { $0.contains("`parse`") }) < (try #require(lines.firstIndex { $0.contains("`render`") })))
    }
}
