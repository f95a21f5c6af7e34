import Testing
@testable import TablejohnKit

/// The daemon's metrics as Prometheus text, without a server.
@Suite("Daemon metrics")
struct DaemonMetricsTests {
    let snapshot = DaemonMetrics.Snapshot(queueLength: 3, runsStored: 7, deliveriesPending: 1, runners: ["idle": 2, "offline": 0])

    func text(_ metrics: DaemonMetrics) -> String {
        String(decoding: metrics.exposition(snapshot), as: UTF8.self)
    }

    @Test("the gauges read at a scrape show the snapshot's values")
    func gauges() {
        let text = text(DaemonMetrics())
        #expect(text.contains("tablejohn_queue_length 3.0\n"))
        #expect(text.contains("tablejohn_runs_stored 7.0\n"))
        #expect(text.contains("tablejohn_webhook_deliveries_pending 1.0\n"))
        #expect(text.contains("tablejohn_runners{state=\"idle\"} 2.0\n"))
        #expect(text.contains("tablejohn_runners{state=\"offline\"} 0.0\n"))
    }

    @Test("invented HTTP methods count as other, so they add no series")
    func methods() {
        let metrics = DaemonMetrics()
        for method in ["GET", "BREW", "PROPFIND", "X-\(Int.random(in: 0...1_000_000))"] {
            metrics.request(route: "/", method: method, status: 200, nanoseconds: 1_000_000)
        }
        let text = text(metrics)
        #expect(text.contains("tablejohn_http_request_duration_seconds_count{route=\"/\",method=\"GET\",status=\"200\"} 1\n"))
        #expect(text.contains("tablejohn_http_request_duration_seconds_count{route=\"/\",method=\"other\",status=\"200\"} 3\n"))
        #expect(!text.contains("BREW") && !text.contains("PROPFIND"))
        // A millisecond is counted in the 1 ms bucket, not lumped with everything under 5 ms.
        #expect(text.contains("tablejohn_http_request_duration_seconds_bucket{route=\"/\",method=\"GET\",status=\"200\",le=\"0.0005\"} 0\n"))
        #expect(text.contains("tablejohn_http_request_duration_seconds_bucket{route=\"/\",method=\"GET\",status=\"200\",le=\"0.001\"} 1\n"))
    }

    @Test("two daemons in one process count apart")
    func instances() {
        let first = DaemonMetrics()
        let second = DaemonMetrics()
        first.submission(.runner, .stored, duration: .milliseconds(3))
        #expect(text(first).contains("tablejohn_submissions_total{source=\"runner\",outcome=\"stored\"} 1\n"))
        #expect(text(second).contains("tablejohn_submissions_total{source=\"runner\",outcome=\"stored\"} 0\n"))
        #expect(text(first).contains("tablejohn_submission_duration_seconds_count{source=\"runner\"} 1\n"))
    }
}
