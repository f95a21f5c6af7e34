// The detector on series a user would recognise: steps, noise, outliers, two modes, drift.
import Testing
@testable import TablejohnKit

@Suite("Change-point detector")
struct ChangePointDetectorTests {
    let detector = ChangePointDetector()

    @Test("a clear step is found at the first value of the new level, with both levels")
    func clearStep() throws {
        var noise = SeededNoise(seed: 1)
        let values = noise.series(length: 200, levels: [(0, 100), (120, 120)], sd: 2)

        let result = try detector.detect(values)

        #expect(result.indices == [120])
        let change = try #require(result.changes.first)
        #expect(abs(change.levelBefore - 100) < 1)
        #expect(abs(change.levelAfter - 120) < 1)
        #expect(abs(change.relativeMagnitude - 0.2) < 0.02)
        #expect(change.confidence > 0.999)
        #expect(change.kind == .neutral)
    }

    @Test("pure noise gives no change", arguments: 1...10)
    func pureNoise(seed: UInt64) throws {
        var noise = SeededNoise(seed: seed)
        let values = noise.series(length: 500, levels: [(0, 100)], sd: 3)

        #expect(try detector.detect(values).changes.isEmpty)
    }

    @Test("a single outlier does not make a change, wherever it falls", arguments: [3, 150, 297])
    func singleOutlier(at position: Int) throws {
        var noise = SeededNoise(seed: 7)
        var values = noise.series(length: 300, levels: [(0, 100)], sd: 1)
        values[position] = 1000

        #expect(try detector.detect(values).changes.isEmpty)
    }

    @Test("noise from two modes (a sometimes-slow machine) is not a change", arguments: [0.2, 0.5])
    func bimodalNoise(slowShare: Double) throws {
        var noise = SeededNoise(seed: 11)
        let values = (0..<400).map { _ in (noise.uniform() < slowShare ? 108.0 : 100.0) + 0.5 * noise.gaussian() }

        #expect(try detector.detect(values).changes.isEmpty)
    }

    @Test("slow linear drift is not cut into many small changes")
    func slowDrift() throws {
        var noise = SeededNoise(seed: 5)
        let values = (0..<1000).map { 100 + 10 * Double($0) / 1000 + noise.gaussian() }

        #expect(try detector.detect(values).changes.count <= 1)
    }

    @Test("two changes in one series are both found, each with its own levels")
    func twoChanges() throws {
        var noise = SeededNoise(seed: 3)
        let values = noise.series(length: 400, levels: [(0, 100), (100, 130), (250, 90)], sd: 2)

        let result = try detector.detect(values)

        #expect(result.indices == [100, 250])
        #expect(result.changes.map { ($0.levelAfter / 10).rounded() } == [13, 9])
    }

    @Test("the same values always give the same answer")
    func deterministic() throws {
        var noise = SeededNoise(seed: 9)
        let values = noise.series(length: 2000, levels: [(0, 50), (700, 55), (1500, 52)], sd: 1.5)

        #expect(try detector.detect(values) == detector.detect(values))
    }

    @Test("values appended one by one give what the whole series gives, examining only the tail")
    func incrementalEqualsFull() throws {
        var noise = SeededNoise(seed: 21)
        let values = noise.series(length: 600, levels: [(0, 100), (150, 110), (330, 95), (480, 105)], sd: 2)
        var result = try detector.detect(Array(values.prefix(40)))

        for count in 41...values.count {
            let prefix = Array(values.prefix(count))
            result = try detector.update(result, with: prefix)
            if count % 50 == 0 || count == values.count {
                #expect(result == (try detector.detect(prefix)), "after \(count) values")
            }
        }

        #expect(result.indices == [150, 330, 480])
        #expect(result.anchor >= 330)
    }

    @Test("series shorter than two minimum segments give nothing and do not fail", arguments: [0, 1, 2, 5, 9])
    func shortSeries(length: Int) throws {
        let values = (0..<length).map { Double($0 < length / 2 ? 1 : 100) }

        #expect(try detector.detect(values).changes.isEmpty)
    }

    @Test("a rise is an improvement when higher is better, a regression when lower is")
    func directionByMetric() throws {
        var noise = SeededNoise(seed: 2)
        let values = noise.series(length: 100, levels: [(0, 10), (50, 12)], sd: 0.1)

        #expect(try ChangePointDetector(direction: .higher).detect(values).changes.map(\.kind) == [.improvement])
        #expect(try ChangePointDetector(direction: .lower).detect(values).changes.map(\.kind) == [.regression])
        #expect(try ChangePointDetector(direction: .neutral).detect(values).changes.map(\.kind) == [.neutral])
    }

    @Test("a value that is not a finite number is refused, naming its position")
    func nonFinite() {
        #expect(throws: DetectionError(index: 2, message: "value 2 is nan, not a finite number")) {
            try detector.detect([1, 2, .nan, 4])
        }
    }
}
