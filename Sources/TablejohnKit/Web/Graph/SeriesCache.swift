// Keeps each metric's series in memory until the database changes, so zooming and panning cost a slice, not a join.
import Foundation
import Synchronization

/// Series by metric name, read from the store on first use and again after any write.
///
/// Reading a metric over 100k commits joins 100k measurements to their runs and commits
/// (a few hundred milliseconds); slicing and downsampling the cached columns takes well
/// under a millisecond. The cache checks SQLite's data version on every request, so a new
/// run shows on the next request. Least recently used metrics are dropped past `budget` points.
final class SeriesCache: Sendable {
    private struct Entry {
        var version: Int64
        var series: MetricSeries
        var lastUse: UInt64
    }

    private let store: Store
    /// A read connection of its own, opened on first use: the data version is per connection.
    private let versionReader = Mutex<Store?>(nil)
    private let budget: Int
    private let entries = Mutex<(entries: [String: Entry], clock: UInt64)>(([:], 0))

    init(store: Store, budget: Int = 20_000_000) {
        self.store = store
        self.budget = budget
    }

    /// The metric's series, nil for a metric no run measured.
    func series(_ metric: String) throws -> MetricSeries? {
        let version = try versionReader.withLock { reader in
            if reader == nil { reader = try store.withDedicatedReader() }
            return try reader!.dataVersion()
        }
        let cached = entries.withLock { state -> MetricSeries? in
            state.clock += 1
            guard let entry = state.entries[metric], entry.version == version else { return nil }
            state.entries[metric]?.lastUse = state.clock
            return entry.series
        }
        if let cached { return cached }
        guard let header = try store.metricHeader(metric) else { return nil }
        // Read after taking the version: a write in between makes the next request read again.
        let series = MetricSeries(header: header, points: try store.seriesPoints(metric: metric))
        entries.withLock { state in
            state.clock += 1
            state.entries[metric] = Entry(version: version, series: series, lastUse: state.clock)
            var total = state.entries.values.reduce(0) { $0 + $1.series.pointCount }
            while total > budget, state.entries.count > 1,
                  let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                total -= oldest.value.series.pointCount
                state.entries[oldest.key] = nil
            }
        }
        return series
    }
}
