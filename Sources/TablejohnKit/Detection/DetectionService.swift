// The recurring detection round: scan every tracked ref's series, then record, bisect and confirm.
import Foundation
import Logging
import ServiceLifecycle

/// Looks for changes whenever the database changed since the last round (checked every
/// `interval`). A failing round logs a warning and the next one tries again.
public final class DetectionService: Service, Sendable {
    private let store: Store
    private let settings: TablejohnConfiguration.Detect
    private let hooks: [String]
    private let logger: Logger
    private let tracker = ChangeTracker()
    private let configuration: ChangePointConfiguration
    private let metrics: DaemonMetrics?

    public init(store: Store, settings: TablejohnConfiguration.Detect, hooks: [String], logger: Logger,
                configuration: ChangePointConfiguration = .standard, metrics: DaemonMetrics? = nil) {
        self.metrics = metrics
        self.store = store
        self.settings = settings
        self.hooks = hooks
        self.logger = logger
        self.configuration = configuration
    }

    /// What one round did.
    public struct RoundReport: Sendable, Equatable {
        public var series = 0
        public var queued = 0
        /// Changes that became confirmed or detected in this round.
        public var reported = 0
        /// Series that could not be analysed (logged; the round went on with the others).
        public var failed = 0
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

    /// One round over every tracked ref (blocking: SQLite and the detector).
    public func round(now: Int64) throws -> RoundReport {
        var report = RoundReport()
        let directions = Dictionary(try store.metricHeaders().map { ($0.name, $0.direction) }, uniquingKeysWith: { first, _ in first })
        var queued = try store.queuedCommitIDs()
        for (ref, tip) in try store.trackedTips() {
            for series in try store.detectionSeries(ref: ref, tip: tip, window: settings.window) {
                report.series += 1
                // One series that cannot be analysed (a value that is not finite, say) must not
                // stop the round: every metric and ref after it would never be looked at again.
                do {
                    let detector = ChangePointDetector(configuration: configuration, direction: directions[series.metric] ?? .neutral)
                    let found = try detector.detect(series.values).changes
                    let stored = try store.trackedChanges(ref: ref, metric: series.metric, fingerprint: series.fingerprint)
                    let actions = tracker.plan(series, detected: found, stored: stored, queued: queued)
                    guard !actions.isEmpty else { continue }
                    report.reported += try store.apply(actions, for: series, priority: settings.priority, hooks: hooks, now: now)
                    for case .enqueue(let commit) in actions {
                        queued.insert(commit)
                        report.queued += 1
                    }
                } catch {
                    report.failed += 1
                    logger.warning("change detection skipped a series", metadata: [
                        "ref": "\(ref)", "metric": "\(series.metric)", "error": "\(error)",
                    ])
                }
            }
        }
        return report
    }
}
