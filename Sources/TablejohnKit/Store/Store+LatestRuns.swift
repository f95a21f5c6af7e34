// The newest results along a ref: the run on its tip, or on the nearest benchmarked first-parent ancestor.
import GRDB

/// The newest run of the nearest benchmarked commit on a first-parent line.
struct LatestRun: Sendable, Equatable {
    var run: RunSummary
    /// How many first-parent steps below the tip its commit is; 0 for the tip itself.
    var depth: Int
}

extension Store {
    /// How far below a tip the front page looks for a benchmarked commit.
    static let latestRunSearchDepth = 1000

    /// The newest run of the first commit with runs on the first-parent line from the
    /// commit with id `tip`, looking at most `latestRunSearchDepth` commits deep.
    ///
    /// The walk stops at the first commit with a run: each step is one parent-edge
    /// lookup and one probe of the runs' commit index, so a benchmarked tip costs two.
    func latestRun(fromTip tip: Int64) throws -> LatestRun? {
        let found = try read { db in
            try Row.fetchOne(db.cachedStatement(sql: Self.benchmarkedAncestor), arguments: [tip, Self.latestRunSearchDepth + 1])
        }
        guard let found, let run = try runs(RunFilter(commitID: found[0]), limit: 1).first else { return nil }
        return LatestRun(run: run, depth: found[1])
    }

    /// The first commit with runs on the line from `?1`, within `?2` commits: the walk
    /// stops at it (one parent-edge lookup and one probe of the runs' commit index a step).
    private static let benchmarkedAncestor = FirstParentLine.sql(
        from: "?1", count: "?2", continueWhile: "NOT EXISTS (SELECT 1 FROM runs r WHERE r.commit_id = line.id)")
        + "SELECT id, depth FROM line WHERE EXISTS (SELECT 1 FROM runs r WHERE r.commit_id = line.id) LIMIT 1"
}
