// Which archived runs a restore brings back: by start time.

/// Which archived runs a restore brings back; nil bounds do not filter.
public struct RestoreSelection: Sendable, Equatable {
    /// Runs started before this time.
    public var before: Int64?
    /// Runs started at or after this time.
    public var after: Int64?

    public init(before: Int64? = nil, after: Int64? = nil) {
        self.before = before
        self.after = after
    }
}
