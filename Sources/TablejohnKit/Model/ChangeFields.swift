// The fields of a change the tracker writes.

/// What to write for a change.
struct ChangeFields: Sendable, Equatable {
    var lowCommit: Int64
    var highCommit: Int64
    var before: Double
    var after: Double
    var magnitude: Double
    var kind: ChangeKind
    var confidence: Double
    var state: ChangeState
    var requeues: Int
    /// What the re-runs of a regression's parent and commit say (nil before confirmation).
    var evidence: ConfirmationEvidence? = nil
}
