// One change point found in a series: where, from which level to which, and how sure.

/// A change point: the series settles at a new level from `index` on.
public struct DetectedChange: Sendable, Equatable {
    /// The position of the first value at the new level (0 is the oldest value).
    public var index: Int
    /// The median of the values since the previous change (or the start) up to `index`.
    public var levelBefore: Double
    /// The median of the values from `index` up to the next change (or the end).
    public var levelAfter: Double
    /// `(levelAfter - levelBefore) / |levelBefore|`; relative to `|levelAfter|` when the
    /// level before is 0, and 0 when both are.
    public var relativeMagnitude: Double
    /// Regression, improvement or neutral, by the metric's direction.
    public var kind: ChangeKind
    /// How sure the detector is that the level moved here, from 0 to 1
    /// (1 minus the p-value of the rank test between the neighbouring changes).
    public var confidence: Double
    /// For a suspected change (a step in the last few values, too few yet to detect it),
    /// what it rests on; nil for a detected change.
    public var evidence: TailEvidence?

    /// Whether the change is only suspected: found in the last few values, to be settled by more.
    var isSuspected: Bool { evidence != nil }

    init(index: Int, levelBefore: Double, levelAfter: Double, relativeMagnitude: Double, kind: ChangeKind, confidence: Double,
                evidence: TailEvidence? = nil) {
        self.evidence = evidence
        self.index = index
        self.levelBefore = levelBefore
        self.levelAfter = levelAfter
        self.relativeMagnitude = relativeMagnitude
        self.kind = kind
        self.confidence = confidence
    }

    /// The relative magnitude of a move from `before` to `after`.
    static func relativeMagnitude(before: Double, after: Double) -> Double {
        if before != 0 { return (after - before) / abs(before) }
        if after != 0 { return (after - before) / abs(after) }
        return 0
    }
}
