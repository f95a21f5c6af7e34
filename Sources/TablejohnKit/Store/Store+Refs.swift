// Refs as stored: their tips, tracking, and the summaries shown on pages.
import GRDB

/// A ref as the database knows it.
struct StoredRef: Sendable, Equatable {
    var name: String
    var commitID: Int64
    var hash: String
    var tracked: Bool
}

/// A ref with its tip commit, for listings.
public struct RefSummary: Sendable, Equatable {
    var name: String
    var tracked: Bool
    public var hash: String
    var summary: String
    var authorName: String
    var committerTime: Int64
}

/// Errors about refs named by a user.
enum RefError: Error, CustomStringConvertible, Equatable {
    case unknown(String)

    var description: String {
        switch self {
        case .unknown(let name): "no ref named \(name)"
        }
    }
}

extension Store {
    /// Every stored ref, by name.
    func refs() throws -> [String: StoredRef] {
        try read { db in try Self.refs(db) }
    }

    static func refs(_ db: Database) throws -> [String: StoredRef] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT r.name, r.commit_id, c.hash, r.tracked FROM refs r CROSS JOIN commits c ON c.id = r.commit_id
            """)
        var result: [String: StoredRef] = [:]
        for row in rows {
            let ref = StoredRef(name: row[0], commitID: row[1], hash: row[2], tracked: row[3])
            result[ref.name] = ref
        }
        return result
    }

    /// Refs with their tips: tracked refs first, then branches, then everything else.
    public func refSummaries() throws -> [RefSummary] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.name, r.tracked, c.hash, substr(c.message, 1, 400), c.author_name, c.committer_time
                FROM refs r CROSS JOIN commits c ON c.id = r.commit_id
                ORDER BY r.tracked DESC, (r.name LIKE 'refs/heads/%') DESC, r.name
                """).map { row in
                RefSummary(name: row[0], tracked: row[1], hash: row[2],
                           summary: CommitText.summary(of: row[3]),
                           authorName: row[4], committerTime: row[5])
            }
        }
    }

    /// Starts or stops tracking `name` (a full ref name). Tracking raises the
    /// reachability of the ref's history; untracking recomputes it.
    func setTracked(_ name: String, _ tracked: Bool) throws {
        try writer.write { db in
            guard let ref = try Self.refs(db)[name] else { throw RefError.unknown(name) }
            guard ref.tracked != tracked else { return }
            try db.execute(sql: "UPDATE refs SET tracked = ? WHERE name = ?", arguments: [tracked, name])
            if tracked {
                _ = try Self.raiseReachability(db, from: [(ref.commitID, .fromTrackedRef)])
            } else {
                _ = try Self.recomputeReachability(db)
            }
        }
    }
}
