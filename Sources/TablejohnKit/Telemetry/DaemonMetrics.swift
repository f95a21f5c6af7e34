// The daemon's own Prometheus metrics (`GET /metrics`): one registry per daemon instance.
import CoreMetrics
import Foundation
import Prometheus
import Synchronization

/// What one daemon counts and times, and its Prometheus text.
///
/// Recorded through swift-metrics' types (`Counter`, `Timer`, `Gauge`) with this
/// instance's `PrometheusMetricsFactory` passed explicitly, never through
/// `MetricsSystem.bootstrap`: the bootstrap is process-wide and allowed once, while the
/// library must stay embeddable (tests start many daemons in one process, each with its
/// own numbers). A library dependency that records through the global system records
/// nowhere (swift-metrics' default is a no-op), so nothing mixes into our registry.
///
/// Label values come from closed sets only (route patterns, a fixed list of methods,
/// status codes, states): no raw path, name or user text becomes a label, so the number
/// of series stays bounded whatever clients send.
public final class DaemonMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let requestTimers = Mutex<[RequestKey: CoreMetrics.Timer]>([:])

    /// Metric names, as Prometheus shows them.
    enum Name {
        static let httpDuration = "tablejohn_http_request_duration_seconds"
        static let submissions = "tablejohn_submissions_total"
        static let submissionDuration = "tablejohn_submission_duration_seconds"
        static let syncRounds = "tablejohn_sync_rounds_total"
        static let syncDuration = "tablejohn_sync_duration_seconds"
        static let syncLastSuccess = "tablejohn_sync_last_success_timestamp_seconds"
        static let detectionRounds = "tablejohn_detection_rounds_total"
        static let detectionDuration = "tablejohn_detection_round_duration_seconds"
        static let queueLength = "tablejohn_queue_length"
        static let runners = "tablejohn_runners"
        static let runsStored = "tablejohn_runs_stored"
        static let deliveriesPending = "tablejohn_webhook_deliveries_pending"
    }

    /// Where a submitted run came from.
    enum SubmissionSource: String, Sendable, CaseIterable {
        /// A runner's `submit_run` in a status call.
        case runner
        /// `POST /api/runs`.
        case api
        /// `tjctl submit` (`runs.submit`).
        case control
    }

    /// What became of a submitted run.
    enum SubmissionOutcome: String, Sendable, CaseIterable {
        /// Stored now.
        case stored
        /// Already stored: acknowledged again, nothing written.
        case duplicate
        /// Refused (bad content, someone else's run) or failed (the database): not stored.
        case refused
    }

    /// The methods counted by name; any other is `other`, so invented methods add no series.
    static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        let slow: [Duration] = [.milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1),
                                .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300), .seconds(900)]
        // Pages answer in a few milliseconds and status calls in well under one (SPEC §13):
        // the library's default buckets start at 5 ms, which would put nearly all of them in one.
        let fast: [Duration] = [.microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
                                .milliseconds(10), .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                .milliseconds(500), .seconds(1), .seconds(5), .seconds(30)]
        factory.durationHistogramBuckets = [Name.syncDuration: slow, Name.detectionDuration: slow,
                                            Name.httpDuration: fast, Name.submissionDuration: fast]
        self.factory = factory
        // Series that exist from the first scrape, at zero, so rates and alerts need no special case.
        for source in SubmissionSource.allCases {
            for outcome in SubmissionOutcome.allCases {
                _ = Counter(label: Name.submissions, dimensions: [("source", source.rawValue), ("outcome", outcome.rawValue)], factory: factory)
            }
        }
        for result in ["ok", "failed"] {
            _ = Counter(label: Name.syncRounds, dimensions: [("result", result)], factory: factory)
            _ = Counter(label: Name.detectionRounds, dimensions: [("result", result)], factory: factory)
        }
    }

    /// One answered HTTP request: `route` is the matched route's pattern (or `unmatched`).
    func request(route: String, method: String, status: Int, nanoseconds: UInt64) {
        let key = RequestKey(route: route, method: Self.methods.contains(method) ? method : "other", status: status)
        // Looked up here rather than in the registry, which validates names and labels on
        // every call: this runs for each runner status call.
        let timer = requestTimers.withLock { timers in
            if let timer = timers[key] { return timer }
            let timer = Timer(label: Name.httpDuration, dimensions: [("route", key.route), ("method", key.method), ("status", String(key.status))],
                              factory: factory)
            timers[key] = timer
            return timer
        }
        timer.recordNanoseconds(Int64(clamping: nanoseconds))
    }

    private struct RequestKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    /// One submitted run, and how long storing it took (batching included); nil for a
    /// run refused for its content before the database was asked.
    func submission(_ source: SubmissionSource, _ outcome: SubmissionOutcome, duration: Duration?) {
        Counter(label: Name.submissions, dimensions: [("source", source.rawValue), ("outcome", outcome.rawValue)], factory: factory).increment()
        guard let duration else { return }
        Timer(label: Name.submissionDuration, dimensions: [("source", source.rawValue)], factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    /// One sync round (fetch and import), and when it succeeded.
    func syncRound(duration: Duration, succeeded: Bool, at time: Date) {
        Counter(label: Name.syncRounds, dimensions: [("result", succeeded ? "ok" : "failed")], factory: factory).increment()
        Timer(label: Name.syncDuration, dimensions: [], factory: factory).recordNanoseconds(duration.nanoseconds)
        if succeeded {
            Gauge(label: Name.syncLastSuccess, dimensions: [], factory: factory).record(time.timeIntervalSince1970)
        }
    }

    /// One change-detection round.
    func detectionRound(duration: Duration, succeeded: Bool) {
        Counter(label: Name.detectionRounds, dimensions: [("result", succeeded ? "ok" : "failed")], factory: factory).increment()
        Timer(label: Name.detectionDuration, dimensions: [], factory: factory).recordNanoseconds(duration.nanoseconds)
    }

    /// The values read from the database and the runner registry at each scrape.
    struct Snapshot {
        var queueLength: Int
        var runsStored: Int
        var deliveriesPending: Int
        /// Runners per state; every state is listed, 0 included.
        var runners: [String: Int]
    }

    /// The Prometheus text format (version 0.0.4), with the gauges set from `snapshot`.
    func exposition(_ snapshot: Snapshot) -> [UInt8] {
        Gauge(label: Name.queueLength, dimensions: [], factory: factory).record(snapshot.queueLength)
        Gauge(label: Name.runsStored, dimensions: [], factory: factory).record(snapshot.runsStored)
        Gauge(label: Name.deliveriesPending, dimensions: [], factory: factory).record(snapshot.deliveriesPending)
        for (state, count) in snapshot.runners {
            Gauge(label: Name.runners, dimensions: [("state", state)], factory: factory).record(count)
        }
        return registry.emitToBuffer()
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        return whole.addingReportingOverflow(attoseconds / 1_000_000_000).overflow ? .max : whole + attoseconds / 1_000_000_000
    }
}
