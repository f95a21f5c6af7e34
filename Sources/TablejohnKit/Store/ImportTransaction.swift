// The writes of one import round, as named steps of one transaction: the importer's SQL, kept in Store.
import GRDB

/// One import round's transaction (`Store.importing`). The importer decides what to
/// write; each write is a step here, so no SQL lives outside `Store/`. Everything the
/// round writes commits together or not at all.
struct ImportTransaction {
    fileprivate let db: Database

    /// The largest commit id so far (0 for an empty database).
    func maximumCommitID() throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM commits") ?? 0
    }

    /// The refs as stored, by name.
    func refs() throws -> [String: StoredRef] {
        try Store.refs(db)
    }

    /// Whether a branch has ever been tracked by default (once in a database's life).
    func defaultTrackingDone() throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM meta WHERE key = 'default_tracked'") ?? false
    }

    /// Remembers that `name` was tracked by default.
    func recordDefaultTracked(_ name: String) throws {
        try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('default_tracked', ?)", arguments: [name])
    }

    func removeRef(_ name: String) throws {
        try db.execute(sql: "DELETE FROM refs WHERE name = ?", arguments: [name])
    }

    /// Adds the ref at `commitID`, or moves it there (keeping whether it is tracked).
    func setRef(_ name: String, commitID: Int64, tracked: Bool) throws {
        try db.execute(sql: """
            INSERT INTO refs (name, commit_id, tracked) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET commit_id = excluded.commit_id
            """, arguments: [name, commitID, tracked])
    }

    /// Writes commits and parent edges (prepared statements for the whole round).
    func commitWriter() throws -> CommitWriter {
        try CommitWriter(db)
    }

    /// Recomputes every commit's reachability (a ref went backwards or away).
    func recomputeReachability() throws -> Int {
        try Store.recomputeReachability(db)
    }

    /// Raises the reachability of known commits below the walk's boundary.
    func raiseReachability(from tips: [(commit: Int64, level: Reachability)]) throws -> Int {
        try Store.raiseReachability(db, from: tips)
    }

    /// Queues the new commits (ids after `afterID`) on tracked refs.
    func queueNewTrackedCommits(afterID: Int64, now: Int64) throws -> Int {
        try Store.queueNewTrackedCommits(db, afterID: afterID, now: now)
    }
}

extension Store {
    /// Runs one import round's writes in one transaction.
    func importing<T>(_ body: (ImportTransaction) throws -> T) throws -> T {
        try writer.write { db in try body(ImportTransaction(db: db)) }
    }
}
