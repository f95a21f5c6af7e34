// What a commit's page reads besides measurements: the commit, its neighbours, the refs at it, its queue entry.
import GRDB

/// A person and a time, as a commit records them.
struct CommitSignature: Sendable, Equatable {
    var name: String
    var email: String
    /// Unix seconds.
    var time: Int64
    /// Minutes east of UTC.
    var offsetMinutes: Int
}

/// A ref pointing at a commit.
struct RefMark: Sendable, Equatable {
    var name: String
    var tracked: Bool
}

/// One commit with everything its page shows apart from runs and measurements.
struct CommitDetails: Sendable, Equatable {
    var id: Int64
    var hash: String
    var author: CommitSignature
    var committer: CommitSignature
    var message: String
    var reachability: Reachability
    /// In parent order: the first is the first parent.
    var parents: [CommitSummary]
    /// Newest first, at most `Store.childLimit`.
    var children: [CommitSummary]
    var refs: [RefMark]
    /// The queue priority when the commit is queued.
    var queuePriority: Int?

    /// The first line of the message.
    var summary: String { CommitText.summary(of: message) }
}

extension Store {
    /// A merge base can have many children; a page lists this many.
    static let childLimit = 50

    /// The commit `hash` with its parents, children, refs and queue entry; nil if unknown.
    /// Every lookup goes through an index: the hash, the parent edges (both ways) and the
    /// queue's primary key; refs are a small table.
    func commitDetails(_ hash: String) throws -> CommitDetails? {
        try read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT id, author_name, author_email, author_time, author_offset,
                       committer_name, committer_email, committer_time, committer_offset, message, reachable
                FROM commits WHERE hash = ?
                """), arguments: [hash]) else { return nil }
            let id: Int64 = row[0]
            let parents = try Self.neighbours(db, sql: """
                SELECT c.hash, c.author_name, c.author_time, substr(c.message, 1, 400)
                FROM commit_parents p CROSS JOIN commits c ON c.id = p.parent WHERE p.child = ? ORDER BY p.position
                """, id)
            let children = try Self.neighbours(db, sql: """
                SELECT c.hash, c.author_name, c.author_time, substr(c.message, 1, 400)
                FROM commit_parents p CROSS JOIN commits c ON c.id = p.child WHERE p.parent = ?
                ORDER BY c.committer_time DESC, c.id DESC LIMIT \(Self.childLimit)
                """, id)
            let refs = try Row.fetchAll(db.cachedStatement(sql: "SELECT name, tracked FROM refs WHERE commit_id = ? ORDER BY name"),
                                        arguments: [id]).map { RefMark(name: $0[0], tracked: $0[1]) }
            let priority = try Int.fetchOne(db.cachedStatement(sql: "SELECT priority FROM queue WHERE commit_id = ?"), arguments: [id])
            return CommitDetails(
                id: id, hash: hash,
                author: CommitSignature(name: row[1], email: row[2], time: row[3], offsetMinutes: row[4]),
                committer: CommitSignature(name: row[5], email: row[6], time: row[7], offsetMinutes: row[8]),
                message: row[9], reachability: Reachability(rawValue: row[10]) ?? .unreachable,
                parents: parents, children: children, refs: refs, queuePriority: priority)
        }
    }

    private static func neighbours(_ db: Database, sql: String, _ id: Int64) throws -> [CommitSummary] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: [id]).map { row in
            CommitSummary(hash: row[0], authorName: row[1], authorTime: row[2], summary: CommitText.summary(of: row[3]))
        }
    }

    /// The first parent of the commit `hash`; nil for a root commit or an unknown one.
    func firstParent(of hash: String) throws -> CommitSummary? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT c.hash, c.author_name, c.author_time, substr(c.message, 1, 400)
                FROM commits child CROSS JOIN commit_parents p ON p.child = child.id AND p.position = 0
                CROSS JOIN commits c ON c.id = p.parent WHERE child.hash = ?
                """), arguments: [hash]).map { row in
                CommitSummary(hash: row[0], authorName: row[1], authorTime: row[2], summary: CommitText.summary(of: row[3]))
            }
        }
    }

    /// The number of stored commits without counting them: the importer numbers commits
    /// 1, 2, 3, … and never deletes one, so the highest id is the count, read from the
    /// end of the primary key instead of a scan of a million rows.
    func commitTotal() throws -> Int {
        try read { db in try Int.fetchOne(db.cachedStatement(sql: "SELECT coalesce(max(id), 0) FROM commits")) ?? 0 }
    }
}
