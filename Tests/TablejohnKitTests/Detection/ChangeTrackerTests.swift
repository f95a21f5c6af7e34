import Testing
@testable import TablejohnKit

@Suite("Change tracker: bisection, confirmation, reporting")
struct ChangeTrackerTests {
    let tracker = ChangeTracker()
    /// Commits 100…116 along the ref, oldest first.
    let chain: [Int64] = Array(100...116)

    private func series(_ runs: [Int: [Double]]) -> TrackedSeries {
        let positions = runs.keys.sorted()
        return TrackedSeries(ref: "refs/heads/main", metric: "parse", fingerprint: "{}", runnerName: "bench-1",
                             chain: chain, positions: positions, runs: positions.map { runs[$0]! })
    }

    /// A step up from 100 to 110 starting at value `index`.
    private func step(at index: Int, kind: ChangeKind = .regression) -> DetectedChange {
        DetectedChange(index: index, levelBefore: 100, levelAfter: 110, relativeMagnitude: 0.1, kind: kind, confidence: 0.999)
    }

    @Test("a step between commits 8 apart is recorded as bisecting and their midpoint is queued")
    func bisectionStarts() {
        let given = series([0: [100], 8: [100], 16: [110]])
        let actions = tracker.plan(given, detected: [step(at: 2)], stored: [], queued: [])
        #expect(actions.count == 2)
        #expect(actions[0] == .enqueue(commit: 112))
        guard case .insert(let fields) = actions[1] else { Issue.record("expected an insert"); return }
        #expect(fields.lowCommit == 108 && fields.highCommit == 116)
        #expect(fields.state == .bisecting)
        #expect(fields.requeues == 1)
    }

    @Test("a narrower step updates the same change and queues the next midpoint")
    func bisectionNarrows() {
        let stored = TrackedChange(id: 7, fields: ChangeFields(lowCommit: 108, highCommit: 116, before: 100, after: 110, magnitude: 0.1,
                                                               kind: .regression, confidence: 0.999, state: .bisecting, requeues: 1))
        let given = series([0: [100], 8: [100], 12: [110], 16: [110]])
        let actions = tracker.plan(given, detected: [step(at: 2)], stored: [stored], queued: [])
        #expect(actions.first == .enqueue(commit: 110))
        guard case .update(let id, let fields)? = actions.last else { Issue.record("expected an update"); return }
        #expect(id == 7)
        #expect(fields.lowCommit == 108 && fields.highCommit == 112)
        #expect(fields.requeues == 2)
    }

    @Test("a pinned regression waits for re-runs of the commit and its parent")
    func confirmationQueuesReruns() {
        let given = series([0: [100], 9: [100], 10: [110], 16: [110]])
        let actions = tracker.plan(given, detected: [step(at: 2)], stored: [], queued: [])
        #expect(actions.prefix(2) == [.enqueue(commit: 109), .enqueue(commit: 110)])
        guard case .insert(let fields)? = actions.last else { Issue.record("expected an insert"); return }
        #expect(fields.state == .confirming)
        #expect(fields.lowCommit == 109 && fields.highCommit == 110)
    }

    @Test("re-runs that show the step again confirm it; re-runs that don't leave it unconfirmed")
    func confirmationDecides() {
        let agreeing = series([0: [100], 9: [100, 101], 10: [110, 109], 16: [110]])
        guard case .insert(let confirmed)? = tracker.plan(agreeing, detected: [step(at: 2)], stored: [], queued: []).last else {
            Issue.record("expected an insert"); return
        }
        #expect(confirmed.state == .confirmed)

        let disagreeing = series([0: [100], 9: [100, 104], 10: [110, 102], 16: [110]])
        let actions = tracker.plan(disagreeing, detected: [step(at: 2)], stored: [], queued: [])
        #expect(actions.count == 1)
        guard case .insert(let unconfirmed)? = actions.last else { Issue.record("expected an insert"); return }
        #expect(unconfirmed.state == .unconfirmed)
    }

    @Test("a pinned improvement is reported without re-runs")
    func improvementsNeedNoConfirmation() {
        let given = series([0: [100], 9: [100], 10: [90], 16: [90]])
        let actions = tracker.plan(given, detected: [step(at: 2, kind: .improvement)], stored: [], queued: [])
        #expect(actions.count == 1)
        guard case .insert(let fields)? = actions.first else { Issue.record("expected an insert"); return }
        #expect(fields.state == .detected)
    }

    @Test("a round that finds what is stored does nothing")
    func idempotent() {
        let given = series([0: [100], 9: [100], 10: [110], 16: [110]])
        let first = tracker.plan(given, detected: [step(at: 2)], stored: [], queued: [])
        guard case .insert(let fields)? = first.last else { Issue.record("expected an insert"); return }
        let stored = TrackedChange(id: 1, fields: fields)
        #expect(tracker.plan(given, detected: [step(at: 2)], stored: [stored], queued: [109, 110]).isEmpty)
    }

    @Test("a change the data no longer shows is dropped while unreported; reported ones stay")
    func vanishedChanges() {
        let active = TrackedChange(id: 1, fields: ChangeFields(lowCommit: 108, highCommit: 116, before: 100, after: 110, magnitude: 0.1,
                                                               kind: .regression, confidence: 0.99, state: .bisecting, requeues: 1))
        var reported = active
        reported.id = 2
        reported.fields.state = .confirmed
        let actions = tracker.plan(series([0: [100], 8: [100], 16: [100]]), detected: [], stored: [active, reported], queued: [])
        #expect(actions == [.delete(id: 1)])
    }

    @Test("queued commits are not queued again, and a change stops queueing after its budget")
    func queueingIsBounded() {
        let given = series([0: [100], 8: [100], 16: [110]])
        let already = tracker.plan(given, detected: [step(at: 2)], stored: [], queued: [112])
        #expect(!already.contains(.enqueue(commit: 112)))

        let spent = TrackedChange(id: 3, fields: ChangeFields(lowCommit: 108, highCommit: 116, before: 100, after: 110, magnitude: 0.1,
                                                              kind: .regression, confidence: 0.999, state: .bisecting,
                                                              requeues: tracker.maximumRequeues))
        #expect(tracker.plan(given, detected: [step(at: 2)], stored: [spent], queued: []).isEmpty)
    }
}
