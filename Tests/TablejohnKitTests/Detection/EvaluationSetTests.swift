// The detector over the committed labelled series: its accuracy may not fall below the recorded figures.
import Foundation
import Testing
@testable import TablejohnKit

@Suite("Change-point detector on the labelled evaluation set")
struct EvaluationSetTests {
    /// The figures contrib/detection/evaluate.sh printed for tablejohn when they were recorded (DETECTION.md).
    static let recordedF1 = 0.9356  // 109 of 110 detections right, 109 of 123 changes found
    static let recordedFalseAlarmsPerThousand = 0.0227  // 1 false alarm in 44,186 values

    static let setPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("contrib/detection/series.json").path

    /// Scores `detector` on every series of the set.
    static func score(_ detector: ChangePointDetector) throws -> EvaluationScore {
        let bytes = try #require(FileManager.default.contents(atPath: setPath), "cannot read \(setPath)")
        let document = try JSONValue.parse(Array(bytes))
        let tolerance = Int(try #require(document["tolerance"]?.intValue))
        var score = EvaluationScore()
        for series in try #require(document["series"]?.arrayValue) {
            let values = try #require(series["values"]?.arrayValue).compactMap(\.doubleValue)
            let truth = try #require(series["changes"]?.arrayValue).compactMap(\.intValue).map { Int($0) }
            let detected = try detector.detect(values).indices
            score.add(detected: detected, truth: truth, points: values.count, tolerance: tolerance)
        }
        return score
    }

    @Test("F1 and false alarms are at least as good as recorded")
    func noWorseThanRecorded() throws {
        let score = try Self.score(ChangePointDetector())

        #expect(score.f1 >= Self.recordedF1 - 1e-9, "F1 \(score.f1), recorded \(Self.recordedF1)")
        #expect(score.falseAlarmsPerThousand <= Self.recordedFalseAlarmsPerThousand + 1e-9,
                "false alarms \(score.falseAlarmsPerThousand) per 1,000 points, recorded \(Self.recordedFalseAlarmsPerThousand)")
    }

    @Test("the check can fail: the detector with its thresholds removed scores below the record")
    func checkCanFail() throws {
        let careless = ChangePointDetector(configuration: ChangePointConfiguration(significance: 0.999_999, minimumEffect: 0,
                                                                                  minimumRelativeChange: 0))
        let score = try Self.score(careless)

        #expect(score.f1 < Self.recordedF1 || score.falseAlarmsPerThousand > Self.recordedFalseAlarmsPerThousand)
    }
}
