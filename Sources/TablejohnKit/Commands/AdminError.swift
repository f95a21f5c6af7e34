// Refusals of the admin actions that no other domain names; each edge words them for its caller.

/// Why an admin action refused or failed. `ControlMethods.translate` turns these into
/// JSON-RPC errors and `HTTPErrorAnswer` into HTTP answers; nothing else maps them.
enum AdminError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The commit `revision` names (`hash`) is not in the queue.
    case notQueued(revision: String, hash: String)
    /// `revision` names more commits than one action may queue.
    case tooManyCommits(revision: String, limit: Int)
    /// This instance runs no sync loop.
    case noSync
    /// The sync round failed, for `reason`.
    case syncFailed(reason: String)
    /// Run `id` is in the archive, and the caller did not ask for archived runs.
    case archivedRun(id: String)
    /// A value the action cannot take: which input, and why (one sentence, lower case).
    case invalid(parameter: String?, reason: String)

    var description: String {
        switch self {
        case .notQueued(let revision, _): "\(revision) is not in the queue"
        case .tooManyCommits(let revision, let limit): "\(revision) names more than \(limit) commits; narrow the range"
        case .noSync: "this server does not fetch"
        case .syncFailed(let reason): "sync failed: \(reason)"
        case .archivedRun(let id): "run \(id) is in the archive"
        case .invalid(_, let reason): reason
        }
    }
}
