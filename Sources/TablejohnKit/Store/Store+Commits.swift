// Commits and parent edges: the rows the importer writes and the counts pages show.
import GRDB

/// Writes commits and their parent edges with prepared statements, inside the
/// caller's transaction. The importer assigns ids itself so that edges can name
/// parents before they are inserted.
struct CommitWriter {
    private let insertCommit: Statement
    private let insertEdge: Statement
    private let findCommit: Statement

    init(_ db: Database) throws {
        insertCommit = try db.makeStatement(sql: """
            INSERT INTO commits (id, hash, author_name, author_email, author_time, author_offset,
                committer_name, committer_email, committer_time, committer_offset, message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertEdge = try db.makeStatement(sql: "INSERT INTO commit_parents (child, position, parent) VALUES (?, ?, ?)")
        findCommit = try db.makeStatement(sql: "SELECT id FROM commits WHERE hash = ?")
    }

    func id(of hash: String) throws -> Int64? {
        try Int64.fetchOne(findCommit, arguments: [hash])
    }

    func insert(_ commit: GitCommit, id: Int64) throws {
        try insertCommit.execute(arguments: [
            id, commit.id.hex,
            commit.author.name, commit.author.email, commit.author.time, Int(commit.author.offsetMinutes),
            commit.committer.name, commit.committer.email, commit.committer.time, Int(commit.committer.offsetMinutes),
            commit.message,
        ])
    }

    func insertEdge(child: Int64, position: Int, parent: Int64) throws {
        try insertEdge.execute(arguments: [child, position, parent])
    }
}

extension Store {
    /// The number of stored commits, and how many are reachable from any ref.
    public func commitCounts() throws -> (total: Int, reachable: Int) {
        try writer.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT count(*), coalesce(sum(reachable > 0), 0) FROM commits")!
            return (row[0], row[1])
        }
    }

    /// The reachability of the commit `hash`, or nil if it is not stored.
    public func reachability(of hash: String) throws -> Reachability? {
        try writer.read { db in
            try Int.fetchOne(db, sql: "SELECT reachable FROM commits WHERE hash = ?", arguments: [hash])
                .flatMap(Reachability.init(rawValue:))
        }
    }
}

/// Helpers for commit messages shown in listings.
enum CommitText {
    /// The first line of a message, at most 200 characters.
    static func summary(of message: String) -> String {
        let line = message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: true).first ?? ""
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 200 ? String(trimmed.prefix(199)) + "…" : trimmed
    }
}

import Foundation
