// The recurring detection round: scan the tracked refs' series that changed, then record, bisect and confirm.
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Looks for changes whenever the database changed since the last round (checked every
/// `interval`). A round scans the series that new results touched (`DetectionScope`); the
/// first round, one after anything but new results moved a series, and one every
/// `fullInterval` scan them all. A failing round logs a warning and the next one tries again.
public final class DetectionService: Service, Sendable {
    private let store: Store
    private let settings: TablejohnConfiguration.Detect
    private let hooks: [String]
    private let logger: Logger
    private let tracker: ChangeTracker
    private let configuration: ChangePointConfiguration
    private let fullInterval: Duration
    private let metrics: DaemonMetrics?
    /// Each series' last values and what the detector found in them, by ref, metric, machine
    /// and direction: a series that only grew at its end (a new result on the tip) resumes
    /// from its last confirmed change (`ChangePointDetector.update`) instead of starting over.
    private let lastResults = Mutex<[DetectedSeries: (values: [Double], result: ChangePointResult)]>([:])
    private struct DetectedSeries: Hashable {
        var ref: String
        var key: SeriesKey
        var direction: MetricDirection
    }

    /// What the last round saw, and when the last round over everything ran.
    private let seen = Mutex<(watermark: DetectionWatermark, full: ContinuousClock.Instant)?>(nil)

    /// Ten minutes: what the journal cannot show (a queue entry removed by hand) waits at most that long.
    public static let defaultFullInterval: Duration = .seconds(600)

    public init(store: Store, settings: TablejohnConfiguration.Detect, hooks: [String], logger: Logger,
                configuration: ChangePointConfiguration = .standard, fullInterval: Duration = defaultFullInterval,
                metrics: DaemonMetrics? = nil) {
        self.metrics = metrics
        self.store = store
        self.settings = settings
        self.tracker = ChangeTracker(confirmation: settings.confirmation)
        self.hooks = hooks
        self.logger = logger
        self.configuration = configuration
        self.fullInterval = fullInterval
    }

    /// What one round did.
    public struct RoundReport: Sendable, Equatable {
        /// Whether the round scanned every series (or only those new results touched).
        var full = false
        public var series = 0
        var queued = 0
        /// Changes that became confirmed or detected in this round.
        var reported = 0
        /// Series that could not be analysed (logged; the round went on with the others).
        var failed = 0
    }

    public func run() async throws {
        let versionReader = try store.withDedicatedReader()
        var lastVersion: Int64?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let version = try? versionReader.dataVersion()
            if version == nil || version != lastVersion {
                lastVersion = version
                await roundOffPool()
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.settings.interval) }
        }
    }

    private func roundOffPool() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Self.queue.async { [self] in
                let started = ContinuousClock.now
                do {
                    let report = try round(now: Timestamp.now())
                    metrics?.detectionRound(duration: ContinuousClock.now - started, succeeded: true)
                    if report.queued > 0 || report.reported > 0 || report.failed > 0 {
                        logger.info("change detection", metadata: [
                            "series": "\(report.series)", "queued": "\(report.queued)", "reported": "\(report.reported)",
                            "failed": "\(report.failed)",
                        ])
                    }
                } catch {
                    metrics?.detectionRound(duration: ContinuousClock.now - started, succeeded: false)
                    logger.warning("change detection failed; retrying next round", metadata: ["error": "\(error)"])
                }
                continuation.resume()
            }
        }
    }

    private static let queue = DispatchQueue(label: "tablejohn.detect")

    /// One round over the tracked refs' series in scope (blocking: SQLite and the detector).
    public func round(now: Int64) throws -> RoundReport {
        var report = RoundReport()
        let previous = seen.withLock { $0 }
        let tips = try store.trackedTips()
        let (mark, touched) = try previous.map { try store.touchedSeries(after: $0.watermark.mark.journal) } ?? (try store.seriesMark(), nil)
        let watermark = DetectionWatermark(mark: mark, tips: Dictionary(tips, uniquingKeysWith: { first, _ in first }))
        let started = ContinuousClock.now
        let scope = DetectionScope(previous: previous?.watermark, current: watermark, touched: touched,
                                   sinceFull: previous.map { started - $0.full } ?? .zero, fullInterval: fullInterval)
        report.full = scope == .all
        // Taken before scanning, so a result that lands during the round is in the next one's
        // journal; kept only once the round got through (a failed round is tried again whole).
        let done = { self.seen.withLock { $0 = (watermark, scope == .all ? started : previous?.full ?? started) } }
        guard scope != .nothing else {
            done()
            return report
        }
        let directions = Dictionary(try store.metricHeaders().map { ($0.name, $0.direction) }, uniquingKeysWith: { first, _ in first })
        // A round over everything forgets series it no longer sees (untracked refs, retired machines).
        var seenSeries: Set<DetectedSeries> = []
        defer { if scope == .all { lastResults.withLock { $0 = $0.filter { seenSeries.contains($0.key) } } } }
        var queued = try store.queuedCommitIDs()
        for (ref, tip) in tips {
            for series in try store.detectionSeries(ref: ref, tip: tip, window: settings.window, scope: scope) {
                report.series += 1
                // One series that cannot be analysed (a value that is not finite, say) must not
                // stop the round: every metric and ref after it would never be looked at again.
                do {
                    let direction = directions[series.metric] ?? .neutral
                    let detector = ChangePointDetector(configuration: configuration, direction: direction)
                    let values = series.values
                    let cacheKey = DetectedSeries(ref: ref, key: SeriesKey(metric: series.metric, machine: series.machine),
                                                  direction: direction)
                    let previous = lastResults.withLock { $0[cacheKey] }
                    let result = if let previous, values.count >= previous.values.count, values.starts(with: previous.values) {
                        try detector.update(previous.result, with: values)
                    } else {
                        try detector.detect(values)
                    }
                    lastResults.withLock { $0[cacheKey] = (values, result) }
                    seenSeries.insert(cacheKey)
                    let found = result.changes
                    let stored = try store.trackedChanges(ref: ref, metric: series.metric, machine: series.machine)
                    let actions = tracker.plan(series, detected: found, stored: stored, queued: queued)
                    guard !actions.isEmpty else { continue }
                    report.reported += try store.apply(actions, for: series, priority: settings.priority, hooks: hooks, now: now)
                    for action in actions {
                        switch action {
                        case .enqueue(let commit):
                            queued.insert(commit)
                            report.queued += 1
                        case .withdraw(let commit):
                            queued.remove(commit)
                        default:
                            break
                        }
                    }
                } catch {
                    report.failed += 1
                    logger.warning("change detection skipped a series", metadata: [
                        "ref": "\(ref)", "metric": "\(series.metric)", "error": "\(error)",
                    ])
                }
            }
        }
        done()
        return report
    }
}
