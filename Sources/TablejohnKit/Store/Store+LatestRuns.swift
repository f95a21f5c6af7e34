// The newest results along a ref: the run on its tip, or on the nearest benchmarked first-parent ancestor.
import GRDB

/// The newest run of the nearest benchmarked commit on a first-parent line.
public struct LatestRun: Sendable, Equatable {
    public var run: RunSummary
    /// How many first-parent steps below the tip its commit is; 0 for the tip itself.
    public var depth: Int
}

extension Store {
    /// How far below a tip the front page looks for a benchmarked commit.
    static let latestRunSearchDepth = 1000

    /// The newest run of the first commit with runs on the first-parent line from the
    /// commit with id `tip`, looking at most `latestRunSearchDepth` commits deep.
    ///
    /// The walk stops at the first commit with a run: each step is one parent-edge
    /// lookup and one probe of the runs' commit index, so a benchmarked tip costs two.
    public func latestRun(fromTip tip: Int64) throws -> LatestRun? {
        let found = try read { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                WITH RECURSIVE line(id, depth, benchmarked) AS (
                    SELECT ?1, 0, EXISTS (SELECT 1 FROM runs WHERE commit_id = ?1)
                    UNION ALL
                    SELECT p.parent, line.depth + 1, EXISTS (SELECT 1 FROM runs r WHERE r.commit_id = p.parent)
                    FROM line JOIN commit_parents p ON p.child = line.id AND p.position = 0
                    WHERE line.benchmarked = 0 AND line.depth < ?2)
                SELECT id, depth FROM line WHERE benchmarked LIMIT 1
                """), arguments: [tip, Self.latestRunSearchDepth])
        }
        guard let found, let run = try runs(RunFilter(commitID: found[0]), limit: 1).first else { return nil }
        return LatestRun(run: run, depth: found[1])
    }
}
