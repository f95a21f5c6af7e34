// A stored change as the tracker sees it.

/// A change as stored.
struct TrackedChange: Sendable, Equatable {
    var id: Int64
    var fields: ChangeFields
    var lowCommit: Int64 { fields.lowCommit }
    var highCommit: Int64 { fields.highCommit }
    var state: ChangeState { fields.state }
    var requeues: Int { fields.requeues }
    /// When its machine's queue entries were released to other runners (Unix milliseconds):
    /// the change cannot be confirmed there and the tracker leaves it as it is.
    var unconfirmable: Int64? = nil
}
