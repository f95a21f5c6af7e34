// Keeps each metric's series in memory until the database changes, so zooming and panning cost a slice, not a join.
import Foundation
import Synchronization

/// Series by metric name, read from the store on first use and again after any write.
///
/// Reading a metric over 100k commits joins 100k measurements to their runs and commits
/// (a few hundred milliseconds); slicing and downsampling the cached columns takes well
/// under a millisecond. The cache checks SQLite's data version on every request, so a new
/// run shows on the next request. Concurrent requests for a metric that is not cached
/// share one read. Least recently used metrics are dropped past `budgetBytes`.
final class SeriesCache: Sendable {
    private struct Entry {
        var version: Int64
        var series: MetricSeries
        var lastUse: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Reads under way, by metric, with the data version they read at.
        var loading: [String: (version: Int64, task: Task<MetricSeries?, any Error>)] = [:]
        var clock: UInt64 = 0
        /// Reads of the store started, for tests of single-flight.
        var reads = 0
    }

    private let store: Store
    /// A read connection of its own, opened on first use: the data version is per connection.
    private let versionReader = Mutex<Store?>(nil)
    let budgetBytes: Int
    private let state = Mutex(State())

    /// 256 MiB holds about 5 million points over both views (all commits and tracked
    /// ones), some 25 metrics of 200k values; a few large metrics must not take the
    /// daemon's memory with them.
    init(store: Store, budgetBytes: Int = 256 << 20) {
        self.store = store
        self.budgetBytes = budgetBytes
    }

    /// The metric's series, nil for a metric no run measured.
    func series(_ metric: String) async throws -> MetricSeries? {
        let store = store
        let version = try versionReader.withLock { reader in
            if reader == nil { reader = try store.withDedicatedReader() }
            return try reader!.dataVersion()
        }
        let task = state.withLock { state -> Task<MetricSeries?, any Error>? in
            state.clock += 1
            if let entry = state.entries[metric], entry.version == version {
                state.entries[metric]?.lastUse = state.clock
                return nil
            }
            if let loading = state.loading[metric], loading.version == version { return loading.task }
            // Read after taking the version: a write in between makes the next request read again.
            let task = Task<MetricSeries?, any Error> {
                guard let header = try store.metricHeader(metric) else { return nil }
                return MetricSeries(header: header, points: try store.seriesPoints(metric: metric))
            }
            state.loading[metric] = (version, task)
            state.reads += 1
            return task
        }
        guard let task else { return state.withLock { $0.entries[metric]?.series } }
        let result: Result<MetricSeries?, any Error> = await task.result
        state.withLock { state in
            guard let loading = state.loading[metric], loading.version == version else { return }
            state.loading[metric] = nil
            guard case .success(let series?) = result else { return }
            state.clock += 1
            state.entries[metric] = Entry(version: version, series: series, lastUse: state.clock)
            var total = state.entries.values.reduce(0) { $0 + $1.series.estimatedBytes }
            while total > budgetBytes, state.entries.count > 1,
                  let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                total -= oldest.value.series.estimatedBytes
                state.entries[oldest.key] = nil
            }
        }
        return try result.get()
    }

    /// Metrics held now, and how many reads of the store the cache has started.
    var statistics: (cached: Set<String>, reads: Int) { state.withLock { (Set($0.entries.keys), $0.reads) } }
}
