// One import round: brings the database's commits and refs up to date with the repository.
import Foundation
import GRDB
import Logging

/// What one import changed.
public struct ImportReport: Sendable, Equatable {
    /// Commits added to the database.
    public var newCommits = 0
    /// Refs added, moved or removed.
    public var refsChanged = 0
    /// Commits whose reachability changed.
    public var reachabilityChanged = 0
    /// Commits put in the queue.
    public var queued = 0
    /// True when the repository's refs matched the database and nothing was written.
    public var unchanged = false
    /// True for the first import into an empty database.
    public var initial = false

    public init(unchanged: Bool = false) { self.unchanged = unchanged }
}

/// Raised when an import stops because the daemon is shutting down.
public struct ImportCancelled: Error {}

/// Imports new commits and ref changes from a repository into the store.
///
/// The import is incremental: the walk starts at ref tips the database does not know
/// and stops at known commits. Everything happens in one transaction, so a crash
/// leaves the database as it was before the round.
public struct Importer {
    public var repository: GitRepository
    public var store: Store
    public var logger: Logger
    /// Polled during long walks; returning true abandons the import.
    public var shouldStop: @Sendable () -> Bool = { false }
    /// Called with the number of commits walked so far during long imports.
    public var progress: @Sendable (Int) -> Void = { _ in }

    public init(repository: GitRepository, store: Store, logger: Logger) {
        self.repository = repository
        self.store = store
        self.logger = logger
    }

    /// Runs one import. Cheap when nothing changed: only the refs are compared.
    public func run(now: Date = Date()) throws -> ImportReport {
        let current = try repository.references()
        let stored = try store.refs()
        if Self.sameRefs(current, stored) { return ImportReport(unchanged: true) }

        let headBranch = repository.headBranch()
        return try store.writer.write { db in
            try importChanges(db, current: current, stored: Store.refs(db), headBranch: headBranch,
                              now: Int64(now.timeIntervalSince1970 * 1000))
        }
    }

    private static func sameRefs(_ current: [GitReference], _ stored: [String: StoredRef]) -> Bool {
        current.count == stored.count && current.allSatisfy { stored[$0.name]?.hash == $0.target.hex }
    }

    private func importChanges(_ db: Database, current: [GitReference], stored: [String: StoredRef],
                               headBranch: String?, now: Int64) throws -> ImportReport {
        var report = ImportReport()
        let maxIDBefore = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM commits") ?? 0
        report.initial = maxIDBefore == 0
        let defaultTracked = try defaultTrackedRef(db, headBranch: headBranch, current: current)
        func isTracked(_ name: String) -> Bool { stored[name]?.tracked ?? (name == defaultTracked) }

        // 1. Walk from the tips of refs that appeared or moved, tracked refs first,
        //    inserting commits the database does not know. Walking tracked tips first
        //    gives each new commit its exact reachability as it is inserted: a path from
        //    a tip to a new commit runs only through new commits, because known commits'
        //    ancestors are all known. Unchanged refs need no walk.
        let changed = current.filter { stored[$0.name]?.hash != $0.target.hex }
        let tips = changed.map { (oid: $0.target, level: isTracked($0.name) ? Reachability.fromTrackedRef : .fromRef) }
            .sorted { $0.level > $1.level }
        let walked = try walk(from: tips, writer: try CommitWriter(db), firstID: maxIDBefore + 1,
                              databaseEmpty: report.initial, report: &report)

        // 2. Refs: add, move, remove. The HEAD branch is tracked by default, once.
        var shrinking = false
        let currentNames = Set(current.map(\.name))
        for name in stored.keys where !currentNames.contains(name) {
            try db.execute(sql: "DELETE FROM refs WHERE name = ?", arguments: [name])
            report.refsChanged += 1
            shrinking = true
            logger.info("ref removed", metadata: ["ref": "\(name)"])
        }
        for ref in changed {
            guard let commitID = walked.ids[ref.target] else { continue }
            let old = stored[ref.name]
            try db.execute(sql: """
                INSERT INTO refs (name, commit_id, tracked) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET commit_id = excluded.commit_id
                """, arguments: [ref.name, commitID, isTracked(ref.name)])
            report.refsChanged += 1
            if let old, let oldTip = GitOID(hex: old.hash), !repository.isDescendant(ref.target, of: oldTip) {
                shrinking = true
                logger.info("ref rewritten", metadata: ["ref": "\(ref.name)", "from": "\(old.hash)", "to": "\(ref.target.hex)"])
            }
        }
        if defaultTracked != nil {
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('default_tracked', ?)", arguments: [defaultTracked])
        }

        // 3. Reachability of known commits: raise it below the walk's boundary, or
        //    recompute everything when a ref went backwards or away.
        if shrinking {
            report.reachabilityChanged = try Store.recomputeReachability(db)
        } else {
            report.reachabilityChanged = try Store.raiseReachability(db, from: walked.boundary)
        }

        // 4. Queue new commits on tracked refs. The history found by the first
        //    import existed before anything was tracked, so it is not queued.
        if !report.initial {
            report.queued = try Store.queueNewTrackedCommits(db, afterID: maxIDBefore, now: now)
        }
        return report
    }

    /// Walks new commits depth-first from each tip in turn, inserting each with its
    /// tip's reachability, then inserts the parent edges. Returns the database id of
    /// every tip and walked commit, and the known commits where the walk stopped.
    private func walk(from tips: [(oid: GitOID, level: Reachability)], writer: CommitWriter, firstID: Int64,
                      databaseEmpty: Bool, report: inout ImportReport)
        throws -> (ids: [GitOID: Int64], boundary: [(commit: Int64, level: Reachability)]) {
        var ids: [GitOID: Int64] = [:]
        var boundary: [(commit: Int64, level: Reachability)] = []
        var edges: [(child: Int64, position: Int, parent: GitOID)] = []
        var missing: Set<GitOID> = []
        var nextID = firstID
        let started = Date()
        var lastLog = started
        for tip in tips {
            var stack = [tip.oid]
            while let oid = stack.popLast() {
                if let id = ids[oid] {
                    if id < firstID { boundary.append((id, tip.level)) }
                    continue
                }
                if missing.contains(oid) { continue }
                if !databaseEmpty, let known = try writer.id(of: oid.hex) {
                    ids[oid] = known
                    boundary.append((known, tip.level))
                    continue
                }
                let commit: GitCommit
                do {
                    commit = try repository.commit(oid)
                } catch let error as GitError where error.isNotFound {
                    // A shallow clone's boundary: the parent is not in the object database.
                    missing.insert(oid)
                    continue
                }
                try writer.insert(commit, id: nextID, reachability: tip.level)
                ids[oid] = nextID
                for (position, parent) in commit.parents.enumerated() {
                    edges.append((nextID, position, parent))
                    if ids[parent] == nil { stack.append(parent) }
                }
                nextID += 1
                report.newCommits += 1
                if report.newCommits % 10_000 == 0 {
                    if shouldStop() { throw ImportCancelled() }
                    progress(report.newCommits)
                    let now = Date()
                    if now.timeIntervalSince(lastLog) >= 5 {
                        lastLog = now
                        let rate = Double(report.newCommits) / now.timeIntervalSince(started)
                        logger.info("importing commits", metadata: [
                            "commits": "\(report.newCommits)", "per_second": "\(Int(rate))",
                        ])
                    }
                }
            }
        }
        for edge in edges {
            guard let parent = ids[edge.parent] else { continue }  // beyond a shallow boundary
            try writer.insertEdge(child: edge.child, position: edge.position, parent: parent)
        }
        if report.newCommits >= 10_000 {
            let seconds = Date().timeIntervalSince(started)
            logger.info("imported commits", metadata: [
                "commits": "\(report.newCommits)", "seconds": "\(String(format: "%.1f", seconds))",
            ])
        }
        return (ids, boundary)
    }

    /// The HEAD branch, if it exists and no ref has been tracked by default before.
    private func defaultTrackedRef(_ db: Database, headBranch: String?, current: [GitReference]) throws -> String? {
        guard let headBranch, current.contains(where: { $0.name == headBranch }) else { return nil }
        let done = try Bool.fetchOne(db, sql: "SELECT 1 FROM meta WHERE key = 'default_tracked'") ?? false
        return done ? nil : headBranch
    }
}
