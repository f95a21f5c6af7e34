// The queue: listing it, adding commits or a range, removing, re-prioritising, and back-filling a ref's history.

/// What `enqueue` did: the commits the revision named, and which of them were new to the queue.
struct QueueAddition: Sendable, Equatable {
    var commits: [String]
    var added: [String]
    var priority: Int
}

/// What `backfill` did: the ref, the commits without runs it queued, and which were new.
struct Backfill: Sendable, Equatable {
    var ref: String
    var commits: [String]
    var added: [String]
    var priority: Int
}

extension AdminCommands {
    func queue(limit: Int) throws -> [QueueEntry] {
        try store.queue(limit: limit)
    }

    /// Queues the commit or `A..B` range `revision` names at `priority`; commits already
    /// queued take the new priority. At most `maximumQueuedAtOnce` commits.
    func enqueue(_ revision: String, priority: Int) throws -> QueueAddition {
        try Self.checkPriority(priority)
        let hashes = try resolver.commits(revision, limit: Self.maximumQueuedAtOnce + 1)
        guard hashes.count <= Self.maximumQueuedAtOnce else {
            throw AdminError.tooManyCommits(revision: revision, limit: Self.maximumQueuedAtOnce)
        }
        let added = try store.enqueue(hashes, priority: priority, now: Self.now())
        return QueueAddition(commits: hashes, added: added, priority: priority)
    }

    /// Removes the commit `revision` names from the queue; returns its hash.
    @discardableResult
    func dequeue(_ revision: String) throws -> String {
        let hash = try resolver.commit(revision)
        guard try store.dequeue(hash) else { throw AdminError.notQueued(revision: revision, hash: hash) }
        return hash
    }

    /// Gives the queued commit `revision` names a new priority; returns its hash.
    @discardableResult
    func prioritize(_ revision: String, priority: Int) throws -> String {
        try Self.checkPriority(priority)
        let hash = try resolver.commit(revision)
        guard try store.prioritize(hash, priority: priority) else { throw AdminError.notQueued(revision: revision, hash: hash) }
        return hash
    }

    /// Queues the newest `last` commits of `ref`'s first-parent line that have no runs.
    func backfill(ref name: String, last: Int, priority: Int) throws -> Backfill {
        try Self.checkPriority(priority)
        let ref = try resolver.ref(name)
        let hashes = try store.firstParentCommitsWithoutRuns(from: ref.hash, count: last)
        let added = try store.enqueue(hashes, priority: priority, now: Self.now())
        return Backfill(ref: ref.name, commits: hashes, added: added, priority: priority)
    }

    /// A priority outside `Store.queuePriorities` is refused before anything is resolved.
    static func checkPriority(_ priority: Int) throws(AdminError) {
        guard Store.queuePriorities.contains(Int64(priority)) else { throw priorityError }
    }

    /// Why a priority is refused, for callers that read it from text.
    static var priorityError: AdminError {
        let range = Store.queuePriorities
        return .invalid(parameter: "priority", reason: "the priority must be a whole number from \(range.lowerBound) to \(range.upperBound)")
    }
}
