// One import round: brings the database's commits and refs up to date with the repository.
import Foundation
import Logging

/// What one import changed.
public struct ImportReport: Sendable, Equatable {
    /// Commits added to the database.
    public var newCommits = 0
    /// Refs added, moved or removed.
    var refsChanged = 0
    /// Commits whose reachability changed.
    var reachabilityChanged = 0
    /// Commits put in the queue.
    public var queued = 0
    /// True when the repository's refs matched the database and nothing was written.
    public var unchanged = false
    /// True for the first import into an empty database.
    var initial = false

    public init(unchanged: Bool = false) { self.unchanged = unchanged }
}

/// Raised when an import stops because the daemon is shutting down.
struct ImportCancelled: Error {}

/// Imports new commits and ref changes from a repository into the store.
///
/// The import is incremental: the walk starts at ref tips the database does not know
/// and stops at known commits. Everything happens in one transaction, so a crash
/// leaves the database as it was before the round.
public struct Importer {
    var repository: GitRepository
    var store: Store
    var logger: Logger
    /// Polled during long walks; returning true abandons the import.
    var shouldStop: @Sendable () -> Bool = { false }
    /// Called with the number of commits walked so far during long imports.
    var progress: @Sendable (Int) -> Void = { _ in }

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
        return try store.importing { transaction in
            try importChanges(transaction, current: current, stored: transaction.refs(), headBranch: headBranch,
                              now: Int64(now.timeIntervalSince1970 * 1000))
        }
    }

    private static func sameRefs(_ current: [GitReference], _ stored: [String: StoredRef]) -> Bool {
        current.count == stored.count && current.allSatisfy { stored[$0.name]?.hash == $0.target.hex }
    }

    private func importChanges(_ db: ImportTransaction, current: [GitReference], stored: [String: StoredRef],
                               headBranch: String?, now: Int64) throws -> ImportReport {
        var report = ImportReport()
        let maxIDBefore = try db.maximumCommitID()
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
        let walked = try walk(from: tips, writer: try db.commitWriter(), firstID: maxIDBefore + 1,
                              databaseEmpty: report.initial, report: &report)

        // 2. Refs: add, move, remove. The HEAD branch is tracked by default, once.
        var shrinking = false
        let currentNames = Set(current.map(\.name))
        for name in stored.keys where !currentNames.contains(name) {
            try db.removeRef(name)
            report.refsChanged += 1
            shrinking = true
            logger.info("ref removed", metadata: ["ref": "\(name)"])
        }
        for ref in changed {
            guard let commitID = walked.tipIDs[ref.target] else { continue }
            let old = stored[ref.name]
            try db.setRef(ref.name, commitID: commitID, tracked: isTracked(ref.name))
            report.refsChanged += 1
            if let old, let oldTip = GitOID(hex: old.hash), !repository.isDescendant(ref.target, of: oldTip) {
                shrinking = true
                logger.info("ref rewritten", metadata: ["ref": "\(ref.name)", "from": "\(old.hash)", "to": "\(ref.target.hex)"])
            }
        }
        if let defaultTracked {
            try db.recordDefaultTracked(defaultTracked)
        }

        // 3. Reachability of known commits: raise it below the walk's boundary, or
        //    recompute everything when a ref went backwards or away.
        if shrinking {
            report.reachabilityChanged = try db.recomputeReachability()
        } else {
            report.reachabilityChanged = try db.raiseReachability(from: walked.boundary)
        }

        // 4. Queue new commits on tracked refs. The history found by the first
        //    import existed before anything was tracked, so it is not queued.
        if !report.initial {
            report.queued = try db.queueNewTrackedCommits(afterID: maxIDBefore, now: now)
        }
        return report
    }

    /// Walks new commits from `tips` (`CommitWalk`) and writes them, then their parent
    /// edges. A first import walks on a thread of its own while this one writes, so
    /// reading commits and storing them take two cores; later imports are short and walk
    /// here, asking the database where to stop.
    private func walk(from tips: [(oid: GitOID, level: Reachability)], writer: CommitWriter, firstID: Int64,
                      databaseEmpty: Bool, report: inout ImportReport) throws -> WalkSummary {
        let started = Date()
        let summary: WalkSummary
        if databaseEmpty {
            try writer.fitCache(toCommits: 0)
            defer { try? writer.restoreCache() }
            let pipe = ImportPipe.walking({ [repository] in
                CommitWalk(repository: repository, tips: tips, firstID: firstID, known: nil)
            }, capacity: 4)
            defer { pipe.closeAndWait() }
            try write(from: pipe.receive, writer: writer, started: started, report: &report)
            summary = pipe.summary ?? WalkSummary()
        } else {
            var walk = CommitWalk(repository: repository, tips: tips, firstID: firstID,
                                  known: { oid in try writer.id(of: oid.hex) })
            try write(from: { try walk.next() }, writer: writer, started: started, report: &report)
            summary = walk.summary
        }
        if report.newCommits >= 10_000 {
            let seconds = Date().timeIntervalSince(started)
            logger.info("imported commits", metadata: [
                "commits": "\(report.newCommits)", "seconds": "\(String(format: "%.1f", seconds))",
            ])
        }
        return summary
    }

    /// Writes every batch `next` hands out. Between batches it may stop (`shouldStop`),
    /// report progress and log the rate.
    private func write(from next: () throws -> ImportBatch?, writer: CommitWriter, started: Date,
                       report: inout ImportReport) throws {
        var lastLog = started
        while let batch = try next() {
            switch batch {
            case .commits(let rows, let firstID):
                try writer.insert(rows, firstID: firstID)
                let before = report.newCommits
                report.newCommits += rows.count
                guard before / 10_000 != report.newCommits / 10_000 else { continue }
                if shouldStop() { throw ImportCancelled() }
                if report.initial { try writer.fitCache(toCommits: report.newCommits) }
                progress(report.newCommits)
                let now = Date()
                if now.timeIntervalSince(lastLog) >= 5 {
                    lastLog = now
                    let rate = Double(report.newCommits) / now.timeIntervalSince(started)
                    logger.info("importing commits", metadata: [
                        "commits": "\(report.newCommits)", "per_second": "\(Int(rate))",
                    ])
                }
            case .edges(let edges):
                try writer.insertEdges(edges)
            }
        }
    }

    /// The HEAD branch, if it exists and no ref has been tracked by default before.
    private func defaultTrackedRef(_ db: ImportTransaction, headBranch: String?, current: [GitReference]) throws -> String? {
        guard let headBranch, current.contains(where: { $0.name == headBranch }) else { return nil }
        return try db.defaultTrackingDone() ? nil : headBranch
    }
}
