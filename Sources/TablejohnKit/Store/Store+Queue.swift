// The queue of commits waiting to be benchmarked.
import GRDB

/// One queued commit.
public struct QueueEntry: Sendable, Equatable {
    public var hash: String
    public var priority: Int
    public var summary: String
    /// Unix milliseconds.
    public var added: Int64
}

extension Store {
    /// Queues every commit with an id above `afterID` that is reachable from a
    /// tracked ref (the commits one import just added). Returns how many were queued.
    static func queueNewTrackedCommits(_ db: Database, afterID: Int64, now: Int64) throws -> Int {
        try db.execute(sql: """
            INSERT OR IGNORE INTO queue (commit_id, priority, added)
            SELECT id, 0, ? FROM commits WHERE id > ? AND reachable = 2
            """, arguments: [now, afterID])
        return db.changesCount
    }

    /// The queue in the order runners take it: highest priority first, then newest commit first.
    public func queue(limit: Int = 1000) throws -> [QueueEntry] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.hash, q.priority, c.message, q.added FROM queue q JOIN commits c ON c.id = q.commit_id
                ORDER BY q.priority DESC, c.committer_time DESC, c.id ASC LIMIT ?
                """, arguments: [limit]).map { row in
                QueueEntry(hash: row[0], priority: row[1], summary: CommitText.summary(of: row[2]), added: row[3])
            }
        }
    }

    /// How many commits are queued.
    public func queueLength() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM queue") ?? 0 }
    }
}
