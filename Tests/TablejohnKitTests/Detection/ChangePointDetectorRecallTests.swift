// The detector where it used to give up recall: short series, the newest values, subtle steps, drift, odd values.
import Testing
@testable import TablejohnKit

@Suite("Change-point detector: short series, the tail, subtle steps and drift")
struct ChangePointDetectorRecallTests {
    let detector = ChangePointDetector()

    @Test("a step in a series of 20 values is found within a value of where it is", arguments: [6, 10, 14])
    func shortSeriesStep(at index: Int) throws {
        // Given 20 values with a step of 6 noise standard deviations
        var noise = SeededNoise(seed: 40 + UInt64(index))
        let values = noise.series(length: 20, levels: [(0, 100), (index, 106)], sd: 1)

        // When detecting
        let result = try detector.detect(values)

        // Then the step is reported at its first value or the next, as detected (not merely suspected)
        #expect(result.indices.count == 1)
        #expect(abs((result.indices.first ?? -100) - index) <= 1, "\(result.indices)")
        #expect(result.changes.first?.isSuspected == false)
    }

    @Test("a short series without a step gives no change", arguments: 1...20)
    func shortSeriesNoise(seed: UInt64) throws {
        var noise = SeededNoise(seed: 300 + seed)
        let values = noise.series(length: 12 + Int(seed), levels: [(0, 100)], sd: 1)

        #expect(try detector.detect(values).changes.isEmpty)
    }

    @Test("a step in the last four values is reported as suspected, with its evidence, and settled by later values")
    func tailStepSuspected() throws {
        // Given 100 values at 100 and then four at 108 (noise 1)
        var noise = SeededNoise(seed: 12)
        let all = noise.series(length: 130, levels: [(0, 100), (96, 108)], sd: 1)
        let recent = Array(all.prefix(100))

        // When detecting on the first 100 values
        let result = try detector.detect(recent)

        // Then the step at 96 is suspected, resting on four values beyond the ones before
        let suspected = try #require(result.suspected)
        #expect(result.indices == [96])
        #expect(suspected.index == 96)
        let evidence = try #require(suspected.evidence)
        #expect(evidence.valuesAfter == 4)
        #expect(evidence.reference >= 50)
        #expect(evidence.pValue < 0.001)
        #expect(suspected.confidence == 1 - evidence.pValue)
        #expect(abs(suspected.levelAfter - 108) < 2)

        // And when thirty more values at the new level arrive, the change is detected there
        let later = try detector.update(result, with: all)
        #expect(later.indices == [96])
        #expect(later.suspected == nil)
        #expect(later == (try detector.detect(all)))
    }

    @Test("the newest values of plain noise, outliers or a two-mode machine raise no suspicion", arguments: 1...15)
    func tailNoise(seed: UInt64) throws {
        var noise = SeededNoise(seed: 500 + seed)
        var values = noise.series(length: 120, levels: [(0, 100)], sd: 1)
        // one spike among the newest values, and a sometimes-slow machine
        values[117] = 150
        for index in values.indices where noise.uniform() < 0.2 { values[index] += 6 }

        let result = try detector.detect(values)

        #expect(result.changes.isEmpty, "\(result.changes) in \(values.suffix(12))")
    }

    /// The rank test's power for 1.5 sd with 30 values a side at p = 0.001 is about 80 %,
    /// and the step measured over 30-value medians must also reach 1.2 sd.
    @Test("a step of 1.5 noise standard deviations in 60 values is found in at least 7 series of 10, and nothing else is")
    func subtleStep() throws {
        var found = 0, wrong = 0
        for seed in UInt64(1)...10 {
            // Given 60 values with a step of 1.5 sd at 30
            var noise = SeededNoise(seed: 60 + seed)
            let values = noise.series(length: 60, levels: [(0, 100), (30, 101.5)], sd: 1)

            // When detecting
            let indices = try detector.detect(values).indices

            // Then one change is reported within three values of the step, and nothing else
            if indices.count == 1 && abs(indices[0] - 30) <= 3 { found += 1 } else if !indices.isEmpty { wrong += 1 }
        }

        #expect(found >= 7, "found in \(found) of 10")
        #expect(wrong == 0)
    }

    @Test("drift of 30 % over 1,000 values, up or down, gives no change", arguments: [-1.0, 1.0])
    func drift(sign: Double) throws {
        var noise = SeededNoise(seed: sign > 0 ? 71 : 72)
        let values = (0..<1000).map { 100 + sign * 30 * Double($0) / 1000 + noise.gaussian() }

        #expect(try detector.detect(values).changes.isEmpty)
    }

    @Test("drift with a step of 5 sd in it gives that step only")
    func driftWithStep() throws {
        var noise = SeededNoise(seed: 73)
        let values = (0..<700).map { 100 + 20 * Double($0) / 700 + ($0 >= 400 ? 5 : 0) + noise.gaussian() }

        let indices = try detector.detect(values).indices

        #expect(indices.count == 1)
        #expect(abs((indices.first ?? -100) - 400) <= 2, "\(indices)")
    }

    /// Series with no noise, few distinct values, values near the largest a Double holds, and subnormals.
    static let oddSeriesCases: [(String, [Double])] = {
        var cases: [(String, [Double])] = []
        cases.append(("constant", Array(repeating: 7.0, count: 50)))
        cases.append(("two values", (0..<80).map { (index: Int) -> Double in Double(index * 7919 % 2) }))
        cases.append(("ties then a step", (0..<60).map { (index: Int) -> Double in index < 40 ? 1.0 : 2.0 }))
        cases.append(("huge", (0..<80).map { (index: Int) -> Double in Double(index % 3) * 1e307 - 1.5e308 * Double(index % 2) }))
        let largest = Double.greatestFiniteMagnitude
        cases.append(("extremes", (0..<40).map { (index: Int) -> Double in index % 2 == 0 ? largest : -largest }))
        cases.append(("tiny", (0..<60).map { (index: Int) -> Double in Double(index % 5) * Double.leastNonzeroMagnitude }))
        cases.append(("a constant tail", (0..<60).map { (index: Int) -> Double in index < 50 ? Double(index % 7) : 3 }))
        return cases
    }()

    @Test("constant, tied, huge and tiny series give an answer without failing", arguments: oddSeriesCases)
    func oddSeries(name: String, values: [Double]) throws {
        let result = try detector.detect(values)

        for change in result.changes {
            #expect(change.index > 0 && change.index < values.count, "\(name)")
            #expect(!change.confidence.isNaN && change.confidence >= 0 && change.confidence <= 1, "\(name)")
        }
        #expect(try detector.update(result, with: values) == result, "\(name)")
    }

    @Test("a constant series gives no change; a step between two constant levels is found")
    func constantLevels() throws {
        #expect(try detector.detect((0..<50).map { _ in 7.0 }).changes.isEmpty)
        #expect(try detector.detect((0..<60).map { $0 < 40 ? 1.0 : 2.0 }).indices == [40])
    }

    @Test("values appended one by one give what the whole series gives, tail suspicions included")
    func incrementalWithTail() throws {
        var noise = SeededNoise(seed: 77)
        let values = noise.series(length: 260, levels: [(0, 100), (60, 108), (150, 101), (230, 93)], sd: 1)
        var result = try detector.detect(Array(values.prefix(20)))
        var suspicions = 0

        for count in 21...values.count {
            let prefix = Array(values.prefix(count))
            result = try detector.update(result, with: prefix)
            #expect(result == (try detector.detect(prefix)), "after \(count) values")
            if result.suspected != nil { suspicions += 1 }
        }

        #expect(result.indices == [60, 150, 230])
        #expect(suspicions > 0)
    }
}
