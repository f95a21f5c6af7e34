// What queueing a commit that is queued already does: the one rule every queue write follows.
import GRDB

/// The three answers to "it is queued already", each for its callers.
enum QueueConflict {
    /// The new priority replaces the old: a person set it (`tjctl queue add`, the queue page).
    case setPriority
    /// The higher priority stays, so nothing queued is ever lowered: detection's bisection
    /// and confirmation runs, a comparison's merge base.
    case raisePriority
    /// The queued entry stays as it is: history backfills, new commits of an import.
    case keep

    var clause: String {
        switch self {
        case .setPriority: "ON CONFLICT (commit_id) DO UPDATE SET priority = excluded.priority"
        case .raisePriority: "ON CONFLICT (commit_id) DO UPDATE SET priority = max(priority, excluded.priority)"
        case .keep: "ON CONFLICT (commit_id) DO NOTHING"
        }
    }
}

extension Store {
    /// Queues the commit `commitID` at `priority`, pinned to `affinity`'s machine when given
    /// (a commit queued already keeps its pin); `conflict` decides for one queued already.
    /// The statement that writes queue rows one at a time (an import's new commits go in one
    /// `INSERT … SELECT` with `QueueConflict.keep`).
    static func queueCommit(_ db: Database, _ commitID: Int64, priority: Int, now: Int64, affinity: MachineAffinity? = nil,
                            conflict: QueueConflict) throws {
        try db.cachedStatement(sql: """
            INSERT INTO queue (commit_id, priority, added, affinity_fingerprint, affinity_runner, affinity_since)
            VALUES (?, ?, ?, ?, ?, ?) \(conflict.clause)
            """).execute(arguments: [commitID, priority, now, affinity?.fingerprint, affinity?.runner, affinity == nil ? nil : now])
    }
}
