import Testing
@testable import TablejohnKit

@Suite("Confirmation by re-runs: when it stops and what it says")
struct ConfirmationRuleTests {
    /// 0.99 confidence, at most 10 runs each side, as `[detect]` defaults.
    let rule = ConfirmationRule()

    @Test("one run each: the parent is re-run first, then both alternate")
    func alternates() {
        // Given a 10 % step found with one run of each side
        // When the rule judges them
        // Then both sides are asked for (the queue runs the pair back to back)
        #expect(rule.judge(parent: [100], commit: [110], step: 10).verdict == .rerun(parent: true, commit: true))
        // And a side that is ahead waits for the other
        #expect(rule.judge(parent: [100, 101], commit: [110], step: 10).verdict == .rerun(parent: false, commit: true))
        #expect(rule.judge(parent: [100], commit: [110, 109], step: 10).verdict == .rerun(parent: true, commit: false))
    }

    @Test("re-runs completely apart in the detected direction confirm as soon as the rank test can tell: 5 runs each at 0.99")
    func confirmsEarly() {
        // Given 4 runs each, completely apart (the smallest p with 4 + 4 is 2/70 ≈ 0.029)
        let four = rule.judge(parent: [100, 100.4, 99.8, 100.1], commit: [110, 109.7, 110.2, 109.9], step: 10)
        // Then the test cannot decide yet
        #expect(four.verdict == .rerun(parent: true, commit: true))
        // When a fifth pair lands (2/252 ≈ 0.0079 ≤ 0.01)
        let five = rule.judge(parent: [100, 100.4, 99.8, 100.1, 100.2], commit: [110, 109.7, 110.2, 109.9, 110.1], step: 10)
        // Then it is confirmed, with the evidence users see
        #expect(five.verdict == .different)
        #expect(five.evidence.parentRuns == 5 && five.evidence.commitRuns == 5)
        #expect(abs(five.evidence.pValue - 2.0 / 252) < 1e-12)
        #expect(abs((five.evidence.change ?? 0) - 0.099) < 0.001)
        #expect(five.evidence.summary == "5 runs each, p = 0.00794, +9.9 %")
    }

    @Test("re-runs that move the other way, or far less than the step, are not a confirmation")
    func wrongWay() {
        // Given re-runs where the commit is clearly faster than its parent, against a detected slowdown
        let other = rule.judge(parent: [110, 110.4, 109.8, 110.1, 110.2], commit: [100, 99.7, 100.2, 99.9, 100.1], step: 10)
        // Then the re-runs say the step is not there: unconfirmed
        #expect(other.verdict == .same)
        // And a significant but small shift (1 of a detected 10) is not it either
        let small = rule.judge(parent: [100, 100.1, 100.2, 100.3, 100.4], commit: [101, 101.1, 101.2, 101.3, 101.4], step: 10)
        #expect(small.verdict == .same)
    }

    @Test("mixed re-runs stop as alike once the budget could no longer reach significance")
    func futility() {
        // Given 9 runs each that overlap completely, and one more run allowed each
        let parent = [100.0, 102, 104, 106, 108, 101, 103, 105, 107]
        let commit = [100.5, 102.5, 104.5, 106.5, 108.5, 101.5, 103.5, 105.5, 107.5]
        // Then the rule says alike (even a last pair completely apart could not get p to 0.01)
        let judged = rule.judge(parent: parent, commit: commit, step: 10)
        #expect(judged.verdict == .same)
        #expect(judged.evidence.pValue > 0.5)
        // And with a larger budget the same runs are still worth another pair
        #expect(ConfirmationRule(significance: 0.01, maximumRuns: 30).judge(parent: parent, commit: commit, step: 10).verdict
            == .rerun(parent: true, commit: true))
    }

    @Test("at the budget the verdict is final whatever the runs say")
    func budget() {
        // Given a budget of 3 runs each and 3 runs each apart (the smallest p with 3 + 3 is 0.1)
        let small = ConfirmationRule(significance: 0.01, maximumRuns: 3)
        // Then confirmation stops without confirming: the test could never decide
        #expect(small.judge(parent: [100, 100.1, 100.2], commit: [110, 110.1, 110.2], step: 10).verdict == .same)
        // And a looser confidence (0.9) decides the same runs as different
        let loose = ConfirmationRule(significance: 0.1, maximumRuns: 3)
        #expect(loose.judge(parent: [100, 100.1, 100.2], commit: [110, 110.1, 110.2], step: 10).verdict == .different)
    }

    @Test("a step down (a higher-is-better metric falling) is confirmed by re-runs falling")
    func downward() {
        let judged = rule.judge(parent: [50, 50.2, 49.9, 50.1, 50.3], commit: [45, 45.1, 44.9, 45.2, 45.3], step: -5)
        #expect(judged.verdict == .different)
        #expect(judged.evidence.summary.hasSuffix("−10.0 %"))
    }
}
