// A change suspected in the newest commits goes through the daemon's confirmation like a detected one.
import Testing
@testable import TablejohnKit

@Suite("Suspected changes in the change tracker")
struct SuspectedChangeTrackingTests {
    @Test("a regression suspected in the last four commits queues re-runs of the commit and its parent")
    func suspectedRegressionIsConfirmedByReruns() throws {
        // Given 100 benchmarked commits, one run each, the last four 8 % slower (lower is better)
        var noise = SeededNoise(seed: 12)
        let values = noise.series(length: 100, levels: [(0, 100), (96, 108)], sd: 1)
        let chain = Array(Int64(1000)..<1100)
        let series = TrackedSeries(ref: "refs/heads/main", metric: "parse", fingerprint: "{}", runnerName: "bench-1",
                                   chain: chain, positions: Array(0..<100), runs: values.map { [$0] })

        // When the detector suspects the step and the tracker plans
        let detected = try ChangePointDetector(direction: .lower).detect(series.values)
        let suspected = try #require(detected.suspected)
        let actions = ChangeTracker().plan(series, detected: detected.changes, stored: [], queued: [])

        // Then the parent (1095) and the commit (1096) are re-run, and the change waits for them as a regression
        #expect(suspected.index == 96 && suspected.kind == .regression)
        #expect(actions.prefix(2) == [.enqueue(commit: 1095), .enqueue(commit: 1096)])
        guard case .insert(let fields)? = actions.last else { Issue.record("expected an insert, got \(actions)"); return }
        #expect(fields.state == .confirming)
        #expect(fields.lowCommit == 1095 && fields.highCommit == 1096)
        #expect(fields.confidence == suspected.confidence)
    }
}
