// A series detection watches, with the changes stored for it.

/// One metric on one machine along one tracked ref, as the tracker sees it.
struct TrackedSeries: Sendable {
    var ref: String
    var metric: String
    /// The runs' fingerprint text, '' for none.
    var fingerprint: String
    /// The runner that measured the series: for a machine without a fingerprint its name,
    /// for one with a fingerprint the name its first run in the window gave.
    var runnerName: String?
    /// The ref's first-parent history, oldest first (the detection window).
    var chain: [Int64]
    /// Positions in `chain` of the commits with runs on this machine, ascending.
    var positions: [Int]
    /// Each benchmarked commit's values, oldest run first, parallel to `positions`.
    var runs: [[Double]]

    /// The series' machine (`MachineKey`).
    var machine: MachineKey { MachineKey(runner: runnerName, fingerprint: fingerprint) }

    /// One value per benchmarked commit: the median of its runs.
    var values: [Double] { runs.map { RobustStatistics.median($0) } }
}
