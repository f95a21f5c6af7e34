// One change point found in a series: where, from which level to which, and how sure.

/// Whether a change is good or bad news, given the metric's direction.
public enum ChangeKind: String, Sendable, Equatable, CaseIterable {
    /// The metric moved the wrong way (slower, bigger, fewer per second).
    case regression
    /// The metric moved the right way.
    case improvement
    /// The metric has no preferred direction, or the level did not move.
    case neutral

    /// The kind of a move from `before` to `after` for a metric whose better side is `direction`.
    public init(before: Double, after: Double, direction: MetricDirection) {
        guard after != before else { self = .neutral; return }
        switch direction {
        case .neutral: self = .neutral
        case .higher: self = after > before ? .improvement : .regression
        case .lower: self = after < before ? .improvement : .regression
        }
    }
}

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
    public var isSuspected: Bool { evidence != nil }

    public init(index: Int, levelBefore: Double, levelAfter: Double, relativeMagnitude: Double, kind: ChangeKind, confidence: Double,
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
    public static func relativeMagnitude(before: Double, after: Double) -> Double {
        if before != 0 { return (after - before) / abs(before) }
        if after != 0 { return (after - before) / abs(after) }
        return 0
    }
}
