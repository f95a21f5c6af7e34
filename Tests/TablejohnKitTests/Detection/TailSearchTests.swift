// The tail rule alone: how extreme the newest values are against the ones before, and when that is material.
import Foundation
import Testing
@testable import TablejohnKit

@Suite("Tail search")
struct TailSearchTests {
    /// 60 reference values 0, 1, …, 59 shuffled by a fixed stride, then `tail`.
    static func series(tail: [Double]) -> [Double] {
        (0..<60).map { Double($0 * 37 % 60) } + tail
    }

    @Test("three values above every reference value: the chance is 2 · tries / C(63, 3)")
    func extremeTail() throws {
        let search = TailSearch(values: Self.series(tail: [200, 201, 202]), configuration: .standard)

        let evidence = try #require(search.evidence(tail: 60..<63, reference: 0..<60, tries: 8))

        #expect(evidence.valuesAfter == 3)
        #expect(evidence.reference == 60)
        #expect(evidence.referenceBeyond == 0)
        #expect(abs(evidence.pValue - 2 * 8 / 39_711) < 1e-12)
    }

    @Test("reference values beyond the nearest tail value weaken the evidence: C(3 + r, 3) / C(63, 3)")
    func partlyOverlappingTail() throws {
        // 57, 58 and 59 lie at or above the nearest tail value, 57
        let search = TailSearch(values: Self.series(tail: [57, 200, 201]), configuration: ChangePointConfiguration(minimumEffect: 0))

        let evidence = try #require(search.evidence(tail: 60..<63, reference: 0..<60, tries: 1))

        #expect(evidence.referenceBeyond == 3)
        #expect(abs(evidence.pValue - 2 * 20 / 39_711) < 1e-12)
    }

    @Test("a tail that moved less than the minimum effect is no evidence, however extreme its ranks")
    func immaterialTail() {
        // the reference's noise is about 22 (its MAD), the tail moved by about 31 from the median of the last 30
        let search = TailSearch(values: Self.series(tail: [60, 60.5, 61]), configuration: ChangePointConfiguration(minimumEffect: 2))

        #expect(search.evidence(tail: 60..<63, reference: 0..<60, tries: 1) == nil)
    }

    @Test("a step down is as suspect as a step up")
    func stepDown() throws {
        let values = (0..<60).map { 100 + Double($0 % 3) } + [90, 89, 90.5, 89.5]
        let found = try #require(TailSearch(values: values, configuration: .standard).suspected(after: 0))

        #expect(found.index == 60)
        #expect(found.evidence.valuesAfter == 4)
        #expect(found.evidence.referenceBeyond == 0)
    }

    @Test("too few values since the last change: nothing is suspected")
    func tooFewReference() {
        let values = (0..<60).map { 100 + Double($0 % 3) } + [90, 89, 90.5, 89.5]

        #expect(TailSearch(values: values, configuration: .standard).suspected(after: 55) == nil)
    }
}
