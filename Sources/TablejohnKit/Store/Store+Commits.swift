// Commits and parent edges: the rows the importer writes and the counts pages show.
import Foundation
import GRDB
import GRDBSQLite

/// Writes commits and their parent edges with prepared statements, inside the
/// caller's transaction. The importer assigns ids itself so that edges can name
/// parents before they are inserted.
struct CommitWriter {
    private let db: Database
    private let insertCommit: Statement
    private let insertEdge: Statement
    private let findCommit: Statement

    init(_ db: Database) throws {
        self.db = db
        insertCommit = try db.makeStatement(sql: """
            INSERT INTO commits (id, hash, author_name, author_email, author_time, author_offset,
                committer_name, committer_email, committer_time, committer_offset, message, reachable)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertEdge = try db.makeStatement(sql: "INSERT INTO commit_parents (child, position, parent) VALUES (?, ?, ?)")
        findCommit = try db.makeStatement(sql: "SELECT id FROM commits WHERE hash = ?")
    }

    func id(of hash: String) throws -> Int64? {
        try Int64.fetchOne(findCommit, arguments: [hash])
    }

    /// Inserts `rows` under consecutive ids from `firstID`, each with the reachability in
    /// its `mark`. Binds with SQLite's C API, the text straight from the batch's buffer
    /// (`SQLITE_STATIC`: SQLite neither copies it nor frees it): a first import inserts a
    /// million rows here, and boxing arguments, then copying text, each cost a tenth of it.
    func insert(_ rows: GitCommitRows, firstID: Int64) throws {
        let handle = insertCommit.sqliteStatement
        defer {
            // The buffer goes with the batch: leave no pointer into it bound.
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        try rows.text.withUnsafeBufferPointer { text in
            let base = UnsafeRawPointer(text.baseAddress!).assumingMemoryBound(to: CChar.self)
            func bind(_ column: Int32, _ field: Int, of index: Int) {
                let range = rows.field(field, of: index)
                sqlite3_bind_text(handle, column, base + range.lowerBound, Int32(range.count), nil)
            }
            for (index, entry) in rows.entries.enumerated() {
                sqlite3_reset(handle)
                sqlite3_bind_int64(handle, 1, firstID + Int64(index))
                bind(2, 0, of: index)
                bind(3, 1, of: index)
                bind(4, 2, of: index)
                sqlite3_bind_int64(handle, 5, entry.authorTime)
                sqlite3_bind_int64(handle, 6, entry.authorOffset)
                bind(7, 3, of: index)
                bind(8, 4, of: index)
                sqlite3_bind_int64(handle, 9, entry.committerTime)
                sqlite3_bind_int64(handle, 10, entry.committerOffset)
                bind(11, 5, of: index)
                sqlite3_bind_int64(handle, 12, entry.mark)
                try step(handle)
            }
        }
    }

    func insertEdges(_ edges: [CommitEdge]) throws {
        let handle = insertEdge.sqliteStatement
        for edge in edges {
            sqlite3_reset(handle)
            sqlite3_bind_int64(handle, 1, edge.child)
            sqlite3_bind_int64(handle, 2, edge.position)
            sqlite3_bind_int64(handle, 3, edge.parent)
            try step(handle)
        }
    }

    /// Sizes the page cache for a first import that has written `commits` commits: room
    /// for the hash index (about 55 bytes a commit, inserted in random order, so it must
    /// stay in cache) twice over, and little else, since rows and edges are appended and
    /// never read again. 154 MiB at 1M commits instead of the writer's 256 MiB.
    func fitCache(toCommits commits: Int) throws {
        let kib = min(Store.writerCacheKiB, (32 << 10) + commits / 8)
        try db.execute(sql: "PRAGMA cache_size = -\(kib)")
    }

    /// Gives the writer its usual page cache back.
    func restoreCache() throws {
        try db.execute(sql: "PRAGMA cache_size = -\(Store.writerCacheKiB)")
    }

    private func step(_ handle: SQLiteStatement) throws {
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw Store.sqliteError(handle, code) }
    }
}

extension Store {
    /// Who made commit `hash`, when, and the summary of its message as every list shows it; nil if unknown.
    func commitSummary(_ hash: String) throws -> CommitSummary? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT author_name, author_time, substr(message, 1, 400) FROM commits WHERE hash = ?", arguments: [hash]).map { row in
                CommitSummary(hash: hash, authorName: row[0], authorTime: row[1], summary: CommitText.summary(of: row[2]))
            }
        }
    }

    /// The number of stored commits, and how many are reachable from any ref (a scan: for
    /// `tjctl status`, not for pages, which use `commitTotal`).
    func commitCounts() throws -> (total: Int, reachable: Int) {
        try read { db in
            let row = try Row.fetchOne(db, sql: "SELECT count(*), coalesce(sum(reachable > 0), 0) FROM commits")!
            return (row[0], row[1])
        }
    }

    /// The database id of the commit `hash`.
    func commitID(of hash: String) throws -> Int64 {
        try read { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM commits WHERE hash = ?", arguments: [hash]) else {
                throw RunError.unknownCommit(hash)
            }
            return id
        }
    }

    /// How many runs are stored.
    func runCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM runs") ?? 0 }
    }

    /// Whether any run is stored (cheaper than counting them on a large database).
    func hasRuns() throws -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM runs)") ?? false }
    }

    /// The reachability of the commit `hash`, or nil if it is not stored.
    func reachability(of hash: String) throws -> Reachability? {
        try read { db in
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

/// A commit as pages mention it.
struct CommitSummary: Sendable, Equatable {
    var hash: String
    var authorName: String
    /// Unix seconds.
    var authorTime: Int64
    /// The message's first line.
    var summary: String
}
