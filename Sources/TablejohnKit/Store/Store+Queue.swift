// The queue of commits waiting to be benchmarked.
import GRDB

/// One queued commit.
struct QueueEntry: Sendable, Equatable {
    var hash: String
    var priority: Int
    var summary: String
    /// Unix milliseconds.
    var added: Int64
    var committerTime: Int64
    /// The machine it waits for (bisection and confirmation runs); nil: any runner.
    var affinity: MachineAffinity? = nil
}

extension Store {
    /// The priorities a user may give a queued commit (RPC and web forms alike).
    static let queuePriorities: ClosedRange<Int64> = -1_000_000...1_000_000

    /// Queues every commit with an id above `afterID` that is reachable from a
    /// tracked ref (the commits one import just added). Returns how many were queued.
    static func queueNewTrackedCommits(_ db: Database, afterID: Int64, now: Int64) throws -> Int {
        // One statement for the whole import (it holds the writer), with the queue's own conflict rule.
        try db.execute(sql: """
            INSERT INTO queue (commit_id, priority, added)
            SELECT id, 0, ? FROM commits WHERE id > ? AND reachable = 2 \(QueueConflict.keep.clause)
            """, arguments: [now, afterID])
        return db.changesCount
    }

    /// The queue in the order runners take it: highest priority first, then newest commit first.
    func queue(limit: Int = 1000) throws -> [QueueEntry] {
        try readStatement { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT c.hash, q.priority, substr(c.message, 1, 400), q.added, c.committer_time, q.affinity_fingerprint, q.affinity_runner
                FROM queue q CROSS JOIN commits c ON c.id = q.commit_id
                ORDER BY q.priority DESC, c.committer_time DESC, c.id ASC LIMIT ?
                """), arguments: [limit]).map { row in
                QueueEntry(hash: row[0], priority: row[1], summary: CommitText.summary(of: row[2]), added: row[3],
                           committerTime: row[4], affinity: Self.affinity(fingerprint: row[5], runner: row[6]))
            }
        }
    }

    /// The hashes of the first `limit` queued commits, in `queue`'s order.
    func queuedHashes(limit: Int) throws -> [String] {
        try queuedCommits(limit: limit).map(\.hash)
    }

    /// The first `limit` queued commits with the machines they wait for, in `queue`'s
    /// order: what a runner asking for work is handed from. On a store with a dedicated
    /// reader the list is kept while no other connection commits (`PRAGMA data_version`),
    /// so runners' status calls between two writes cost one pragma instead of sorting the
    /// whole queue each.
    func queuedCommits(limit: Int) throws -> [QueuedCommit] {
        try readStatementVersioned { db, version in
            if let version, let kept = queueHead.withLock({ $0 }), kept.version == version, kept.limit == limit {
                return kept.commits
            }
            let commits = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT c.hash, q.affinity_fingerprint, q.affinity_runner, q.affinity_since FROM queue q CROSS JOIN commits c ON c.id = q.commit_id
                ORDER BY q.priority DESC, c.committer_time DESC, c.id ASC LIMIT ?
                """), arguments: [limit]).map { row in
                QueuedCommit(hash: row[0], affinity: Self.affinity(fingerprint: row[1], runner: row[2]), pinnedSince: row[3])
            }
            if let version { queueHead.withLock { $0 = (version, limit, commits) } }
            return commits
        }
    }

    /// The affinity stored in a queue row's two columns; nil when neither is set.
    static func affinity(fingerprint: String?, runner: String?) -> MachineAffinity? {
        fingerprint == nil && runner == nil ? nil : MachineAffinity(fingerprint: fingerprint, runner: runner)
    }

    /// Lets any runner take the queued commits `hashes` that waited for a machine, and marks
    /// the unfinished changes (bisecting or confirming) of each such machine unconfirmable
    /// on it, in one transaction. Returns how many entries were released.
    @discardableResult
    func releaseAffinities(_ hashes: [String], now: Int64) throws -> Int {
        guard !hashes.isEmpty else { return 0 }
        return try writer.write { db in
            var released = 0
            for hash in hashes {
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT q.commit_id, q.affinity_fingerprint, q.affinity_runner FROM queue q CROSS JOIN commits c ON c.id = q.commit_id
                    WHERE c.hash = ? AND (q.affinity_fingerprint IS NOT NULL OR q.affinity_runner IS NOT NULL)
                    """, arguments: [hash]) else { continue }
                let commitID: Int64 = row[0], fingerprint: String? = row[1], runner: String? = row[2]
                try db.execute(sql: """
                    UPDATE queue SET affinity_fingerprint = NULL, affinity_runner = NULL, affinity_since = NULL WHERE commit_id = ?
                    """, arguments: [commitID])
                released += 1
                try db.execute(sql: """
                    UPDATE changes SET unconfirmable = ?, updated = ?
                    WHERE unconfirmable IS NULL AND state IN ('bisecting', 'confirming') AND \(Self.changeOnMachine)
                    """, arguments: [now, now] + Self.changeOnMachineArguments(MachineKey(runner: runner, fingerprint: fingerprint)))
            }
            return released
        }
    }

    /// Queues commits (by hash) at `priority`; commits already queued get the new
    /// priority. Returns the hashes that were not queued before.
    func enqueue(_ hashes: [String], priority: Int, now: Int64) throws -> [String] {
        try writer.write { db in
            let find = try db.makeStatement(sql: "SELECT id FROM commits WHERE hash = ?")
            let queued = try db.makeStatement(sql: "SELECT 1 FROM queue WHERE commit_id = ?")
            var added: [String] = []
            for hash in hashes {
                guard let id = try Int64.fetchOne(find, arguments: [hash]) else { throw RunError.unknownCommit(hash) }
                if try Bool.fetchOne(queued, arguments: [id]) != true { added.append(hash) }
                try Self.queueCommit(db, id, priority: priority, now: now, conflict: .setPriority)
            }
            return added
        }
    }

    /// Queues the commit `hash` at `priority` at least: a commit queued lower is raised,
    /// one queued higher keeps its place. Returns whether it was not queued before.
    @discardableResult
    func enqueue(_ hash: String, atLeast priority: Int, now: Int64) throws -> Bool {
        try writer.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM commits WHERE hash = ?", arguments: [hash]) else {
                throw RunError.unknownCommit(hash)
            }
            let queued = try Bool.fetchOne(db, sql: "SELECT 1 FROM queue WHERE commit_id = ?", arguments: [id]) == true
            try Self.queueCommit(db, id, priority: priority, now: now, conflict: .raisePriority)
            return !queued
        }
    }

    /// Removes a commit from the queue; false when it was not queued.
    func dequeue(_ hash: String) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM queue WHERE commit_id = (SELECT id FROM commits WHERE hash = ?)", arguments: [hash])
            return db.changesCount == 1
        }
    }

    /// Changes the priority of a queued commit; false when it is not queued.
    func prioritize(_ hash: String, priority: Int) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "UPDATE queue SET priority = ? WHERE commit_id = (SELECT id FROM commits WHERE hash = ?)",
                           arguments: [priority, hash])
            return db.changesCount == 1
        }
    }

    /// The last `count` commits of the first-parent history starting at `tip` (newest
    /// first) that have no runs yet.
    func firstParentCommitsWithoutRuns(from tip: String, count: Int) throws -> [String] {
        try read { db in try String.fetchAll(db, sql: Self.firstParentWithoutRuns, arguments: [tip, count]) }
    }

    /// Hashes of the first `?2` commits of the first-parent line from the commit hashed
    /// `?1`, newest first, that have no runs.
    private static let firstParentWithoutRuns = FirstParentLine.sql(from: "(SELECT id FROM commits WHERE hash = ?1)", count: "?2") + """
        SELECT c.hash FROM line CROSS JOIN commits c ON c.id = line.id
        WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.commit_id = line.id)
        ORDER BY line.depth
        """

    /// On a database without runs, queues the last `count` first-parent commits of the
    /// branch tracked by default, at `priority`, once in the database's life. Returns
    /// nil while nothing has been imported yet (ask again after the next import), else
    /// the hashes queued (none when it was done before or runs exist).
    func queueInitialBackfill(count: Int, priority: Int, now: Int64) throws -> [String]? {
        try writer.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM meta WHERE key = 'initial_backfill'") == true { return [] }
            guard let ref = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'default_tracked'") else { return nil }
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('initial_backfill', ?)", arguments: [String(count)])
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM runs LIMIT 1") != true,
                  let tip = try String.fetchOne(db, sql: """
                      SELECT c.hash FROM refs r CROSS JOIN commits c ON c.id = r.commit_id WHERE r.name = ?
                      """, arguments: [ref]) else { return [] }
            let hashes = try String.fetchAll(db, sql: Self.firstParentWithoutRuns, arguments: [tip, count])
            for hash in hashes {
                guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM commits WHERE hash = ?", arguments: [hash]) else { continue }
                try Self.queueCommit(db, id, priority: priority, now: now, conflict: .keep)
            }
            return hashes
        }
    }

    /// How many commits are queued.
    /// Whether the commit `hash` is queued.
    func isQueued(_ hash: String) throws -> Bool {
        try read { db in
            try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT 1 FROM queue q CROSS JOIN commits c ON c.id = q.commit_id WHERE c.hash = ?
                """), arguments: [hash]) == true
        }
    }

    func queueLength() throws -> Int {
        try read { db in try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM queue")) ?? 0 }
    }
}
