// Which series a detection round reads: all, or those written since a watermark.

/// The series a round scans. Results stream in every few seconds and runners' status calls
/// write in between, so a round that rescans every series on every write spends the machine
/// on nothing: a round scans what new results touched, and everything only when something
/// else may have moved a series.
enum DetectionScope: Equatable, Sendable {
    case nothing
    case all
    case touched(Set<SeriesKey>)

    /// - Parameters:
    ///   - previous: what the last round saw; nil before the first.
    ///   - current: what the database shows now.
    ///   - touched: the series of successful runs inserted since `previous`; nil when that is
    ///     unknown (the journal no longer reaches back) or a run failed (a bisection or
    ///     confirmation may need its commit queued again).
    ///   - sinceFull: time since the last round over everything.
    ///   - fullInterval: the longest a series may go without a scan: queue entries removed by
    ///     hand or changes acknowledged leave no trace the journal shows.
    init(previous: DetectionWatermark?, current: DetectionWatermark, touched: Set<SeriesKey>?,
         sinceFull: Duration, fullInterval: Duration) {
        guard let previous, previous.mark.epoch == current.mark.epoch, previous.tips == current.tips,
              let touched, sinceFull < fullInterval else {
            self = .all
            return
        }
        self = touched.isEmpty ? .nothing : .touched(touched)
    }

    /// Whether a round in this scope scans `key`.
    func includes(_ key: SeriesKey) -> Bool {
        switch self {
        case .nothing: false
        case .all: true
        case .touched(let keys): keys.contains(key)
        }
    }
}
