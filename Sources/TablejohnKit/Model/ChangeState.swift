// Where a detected change stands: detected, bisecting, confirming, confirmed, unconfirmed.

/// Where a change stands.
enum ChangeState: String, Sendable, Equatable, CaseIterable {
    /// Unbenchmarked commits lie between its ends; their midpoint is queued.
    case bisecting
    /// A regression pinned to one commit, waiting for re-runs of the commit and its parent.
    case confirming
    /// A regression the re-runs agreed with: reported and sent to webhooks.
    case confirmed
    /// A suspected regression the re-runs did not reproduce: kept, never reported.
    case unconfirmed
    /// An improvement or a neutral change pinned to one commit: reported without re-runs.
    case detected

    /// Whether later rounds may still change or drop it.
    var isActive: Bool { self == .bisecting || self == .confirming }
}
