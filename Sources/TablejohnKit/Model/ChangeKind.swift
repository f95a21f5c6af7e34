// Whether a change made a metric better, worse, or only different, by its direction.

/// Whether a change is good or bad news, given the metric's direction.
public enum ChangeKind: String, Sendable, Equatable, CaseIterable {
    /// The metric moved the wrong way (slower, bigger, fewer per second).
    case regression
    /// The metric moved the right way.
    case improvement
    /// The metric has no preferred direction, or the level did not move.
    case neutral

    /// The kind of a move from `before` to `after` for a metric whose better side is `direction`.
    init(before: Double, after: Double, direction: MetricDirection) {
        guard after != before else { self = .neutral; return }
        switch direction {
        case .neutral: self = .neutral
        case .higher: self = after > before ? .improvement : .regression
        case .lower: self = after < before ? .improvement : .regression
        }
    }
}
