// Keeps each metric's series in memory and up to date with what is written, so zooming, panning and a live server cost a slice, not a join.
import Foundation
import Synchronization

/// Series by metric name, read from the store on first use and then kept current.
///
/// Reading a metric over 100k commits joins 100k measurements to their runs and commits
/// (a few hundred milliseconds); slicing and downsampling the cached columns takes well
/// under a millisecond. A live server writes every few seconds (results, runners' last
/// seen times, the queue), so the cache does not start over on each write: when SQLite's
/// data version moves, it reads what the series journal (see the "v6 series journal"
/// migration) holds since its mark. Runs inserted since are added to the cached metrics
/// they measured, writes without measurements touch nothing, and any other change to what
/// a series shows (a deleted run, reachability, a metric's unit) moves the journal's epoch,
/// after which each metric is read again on its next request. Concurrent requests for a
/// metric that is not cached share one read, and concurrent requests after a write share
/// one catch-up. Least recently used metrics are dropped past `budgetBytes`.
final class SeriesCache: Sendable {
    private struct Entry {
        var series: MetricSeries
        var mark: SeriesMark
        var lastUse: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Reads under way, by metric, with the catch-ups applied when each started.
        var loading: [String: (task: Task<(MetricSeries, SeriesMark)?, any Error>, catchUps: Int)] = [:]
        /// The data version the entries were brought up to, and the catch-up under way.
        var currentVersion: Int64?
        var catchingUp: (version: Int64, task: Task<SeriesDelta?, any Error>)?
        var clock: UInt64 = 0
        /// Reads of whole metrics started, and catch-ups applied, for tests and the log.
        var reads = 0
        var catchUps = 0
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
        try await catchUp()
        let store = store
        let task = state.withLock { state -> Task<(MetricSeries, SeriesMark)?, any Error>? in
            state.clock += 1
            if state.entries[metric] != nil {
                state.entries[metric]?.lastUse = state.clock
                return nil
            }
            if let loading = state.loading[metric] { return loading.task }
            let task = Task<(MetricSeries, SeriesMark)?, any Error> {
                guard let header = try store.metricHeader(metric) else { return nil }
                let (points, mark) = try store.seriesPointsMarked(metric: metric)
                return (MetricSeries(header: header, points: points), mark)
            }
            state.loading[metric] = (task, state.catchUps)
            state.reads += 1
            return task
        }
        guard let task else { return state.withLock { $0.entries[metric]?.series } }
        let result = await task.result
        state.withLock { state in
            guard let loading = state.loading[metric], loading.task == task else { return }
            state.loading[metric] = nil
            guard case .success(let (series, mark)?) = result else { return }
            state.clock += 1
            state.entries[metric] = Entry(series: series, mark: mark, lastUse: state.clock)
            // A catch-up applied while this read ran may have passed its mark: catch up again.
            if state.catchUps != loading.catchUps { state.currentVersion = nil }
            var total = state.entries.values.reduce(0) { $0 + $1.series.estimatedBytes }
            while total > budgetBytes, state.entries.count > 1,
                  let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                total -= oldest.value.series.estimatedBytes
                state.entries[oldest.key] = nil
            }
        }
        return try result.get()?.0
    }

    /// Brings the cached series up to the database's current data version: one read of the
    /// journal since the oldest entry's mark, shared by concurrent requests.
    private func catchUp() async throws {
        let store = store
        let version = try versionReader.withLock { reader in
            if reader == nil { reader = try store.withDedicatedReader() }
            return try reader!.dataVersion()
        }
        let task = state.withLock { state -> Task<SeriesDelta?, any Error>? in
            if state.currentVersion == version { return nil }
            if let catching = state.catchingUp, catching.version == version { return catching.task }
            guard let since = state.entries.values.map(\.mark.journal).min() else {
                state.currentVersion = version
                return nil
            }
            let metrics = Set(state.entries.keys)
            // Read after taking the version: a write in between shows in the delta and moves the version again.
            let task = Task<SeriesDelta?, any Error> { try store.seriesDelta(after: since, metrics: metrics) }
            state.catchingUp = (version, task)
            return task
        }
        guard let task else { return }
        let delta = try await task.value
        state.withLock { state in
            guard let catching = state.catchingUp, catching.task == task else { return }
            state.catchingUp = nil
            state.catchUps += 1
            if state.currentVersion.map({ $0 < version }) ?? true { state.currentVersion = version }
            guard let delta else {
                state.entries.removeAll()  // too far behind: each metric is read again
                return
            }
            var added: [String: [SeriesDelta.Point]] = [:]
            for point in delta.points { added[point.metric, default: []].append(point) }
            for (metric, entry) in state.entries {
                if entry.mark.epoch < delta.mark.epoch {
                    state.entries[metric] = nil  // read at a mark the epoch has since passed
                    continue
                }
                // An entry read after the delta's snapshot already holds everything in it.
                guard entry.mark.epoch == delta.mark.epoch, entry.mark.journal < delta.mark.journal else { continue }
                let journal = entry.mark.journal
                state.entries[metric]!.series.add((added[metric] ?? []).filter { $0.journal > journal }.map(\.point))
                state.entries[metric]!.mark = delta.mark
            }
        }
    }

    /// Metrics held now, whole-metric reads started and catch-ups applied.
    var statistics: (cached: Set<String>, reads: Int, catchUps: Int) {
        state.withLock { (Set($0.entries.keys), $0.reads, $0.catchUps) }
    }
}
