// Which live runs an archive move takes: before a date, on a ref's line, keeping the newest.

/// Which live runs an archive move takes.
struct ArchiveSelection: Sendable, Equatable {
    /// Runs started before this time (Unix milliseconds).
    var before: Int64
    /// Only runs of commits on this commit's first-parent line (a ref's tip).
    var refCommitID: Int64?
    /// The newest this many runs of the selection stay live, however old.
    var keepLast: Int

    init(before: Int64, refCommitID: Int64? = nil, keepLast: Int = 0) {
        self.before = before
        self.refCommitID = refCommitID
        self.keepLast = keepLast
    }
}
