// Which archived runs a restore brings back: by start time.

/// Which archived runs a restore brings back; nil bounds do not filter.
struct RestoreSelection: Sendable, Equatable {
    /// Runs started before this time.
    var before: Int64?
    /// Runs started at or after this time.
    var after: Int64?

    init(before: Int64? = nil, after: Int64? = nil) {
        self.before = before
        self.after = after
    }
}
