// Precision, recall, F1 and false alarms of detections against labelled change points.

/// How detections compare with the true changes of a labelled set, matched as
/// contrib/detection/evaluate.py matches them: a detection within `tolerance` values
/// of a true change counts, each true change and each detection at most once,
/// closest pairs first.
struct EvaluationScore: Equatable {
    var truePositives = 0
    var detections = 0
    var truths = 0
    var points = 0

    var precision: Double { detections == 0 ? 1 : Double(truePositives) / Double(detections) }
    var recall: Double { truths == 0 ? 1 : Double(truePositives) / Double(truths) }
    var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
    /// Detections that match no true change, per 1,000 values.
    var falseAlarmsPerThousand: Double { Double(detections - truePositives) * 1000 / Double(max(points, 1)) }

    /// Adds one series.
    mutating func add(detected: [Int], truth: [Int], points: Int, tolerance: Int) {
        var pairs: [(distance: Int, detected: Int, truth: Int)] = []
        for d in detected {
            for t in truth where abs(d - t) <= tolerance { pairs.append((abs(d - t), d, t)) }
        }
        pairs.sort { ($0.distance, $0.truth, $0.detected) < ($1.distance, $1.truth, $1.detected) }
        var usedDetections = Set<Int>(), usedTruths = Set<Int>()
        for pair in pairs where !usedDetections.contains(pair.detected) && !usedTruths.contains(pair.truth) {
            usedDetections.insert(pair.detected)
            usedTruths.insert(pair.truth)
        }
        truePositives += usedTruths.count
        detections += detected.count
        truths += truth.count
        self.points += points
    }
}
