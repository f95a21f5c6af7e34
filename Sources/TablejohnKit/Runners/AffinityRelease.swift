// When a queue entry that waits for one machine is given to any runner instead.

/// Releases an entry pinned to a machine once no runner of that machine has been seen for
/// `timeout` (`[detect] affinity-timeout`): its change is then marked unconfirmable on that
/// machine and the commit goes to whoever asks. Pure: times are Unix milliseconds given in.
struct AffinityRelease: Sendable, Equatable {
    /// Milliseconds without a matching runner before the entry is released.
    var timeout: Int64

    init(timeout: Int64) {
        self.timeout = timeout
    }

    /// Whether the entry pinned at `pinnedSince` is released at `now`, given when a matching
    /// runner was last seen (nil: not since `watchingSince`, when this server began
    /// watching runners, so a restart does not release entries at once).
    func isReleased(pinnedSince: Int64?, lastSeenMatching: Int64?, watchingSince: Int64, now: Int64) -> Bool {
        let reference = max(pinnedSince ?? watchingSince, lastSeenMatching ?? watchingSince, watchingSince)
        return now - reference > timeout
    }
}
