// A series detection watches, with the changes stored for it.

/// One metric on one machine along one tracked ref, as the tracker sees it.
struct TrackedSeries: Sendable {
    var ref: String
    var metric: String
    var fingerprint: String
    var runnerName: String?
    /// The ref's first-parent history, oldest first (the detection window).
    var chain: [Int64]
    /// Positions in `chain` of the commits with runs on this machine, ascending.
    var positions: [Int]
    /// Each benchmarked commit's values, oldest run first, parallel to `positions`.
    var runs: [[Double]]

    /// One value per benchmarked commit: the median of its runs.
    var values: [Double] { runs.map { RobustStatistics.median($0) } }
}
