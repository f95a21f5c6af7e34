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

    @Test("re-runs that show the step again confirm it once the rank test decides; re-runs that don't leave it unconfirmed")
    func confirmationDecides() {
        // Given two re-runs each that agree: too few for the rank test (p = 1/3), so one more pair is queued
        let early = series([0: [100], 9: [100, 101], 10: [110, 109], 16: [110]])
        let waiting = tracker.plan(early, detected: [step(at: 2)], stored: [], queued: [])
        #expect(waiting.prefix(2) == [.enqueue(commit: 109), .enqueue(commit: 110)])
        guard case .insert(let confirming)? = waiting.last else { Issue.record("expected an insert"); return }
        #expect(confirming.state == .confirming)
        #expect(confirming.evidence?.parentRuns == 2 && confirming.evidence?.commitRuns == 2)

        // When five runs each are completely apart the way the step goes (p = 2/252)
        let agreeing = series([0: [100], 9: [100, 101, 100.5, 99.8, 100.2], 10: [110, 109, 109.5, 110.4, 110.1], 16: [110]])
        guard case .insert(let confirmed)? = tracker.plan(agreeing, detected: [step(at: 2)], stored: [], queued: []).last else {
            Issue.record("expected an insert"); return
        }
        // Then it is confirmed, with its evidence
        #expect(confirmed.state == .confirmed)
        #expect(confirmed.evidence?.parentRuns == 5)
        #expect((confirmed.evidence?.pValue ?? 1) < 0.01)

        // And re-runs that go the other way leave it unconfirmed and queue nothing
        let disagreeing = series([0: [100], 9: [110, 110.3, 110.5, 109.8, 110.2], 10: [100, 100.3, 100.5, 99.8, 100.1], 16: [110]])
        let actions = tracker.plan(disagreeing, detected: [step(at: 2)], stored: [], queued: [])
        #expect(actions.count == 1)
        guard case .insert(let unconfirmed)? = actions.last else { Issue.record("expected an insert"); return }
        #expect(unconfirmed.state == .unconfirmed)
    }

    @Test("a confirmation decided between the two runs of a pair takes back the one still queued")
    func decidedConfirmationWithdraws() {
        // Given five runs of the commit and four of its parent, completely apart, with the parent's fifth re-run queued
        let given = series([0: [100], 9: [100, 101, 100.5, 99.8], 10: [110, 109, 109.5, 110.4, 110.1], 16: [110]])
        let stored = TrackedChange(id: 5, fields: ChangeFields(lowCommit: 109, highCommit: 110, before: 100, after: 110, magnitude: 0.1,
                                                               kind: .regression, confidence: 0.999, state: .confirming, requeues: 9))
        // When the tracker plans (the exact test with 4 + 5 runs apart gives p = 2/126 > 0.01: not yet)
        let waiting = tracker.plan(given, detected: [step(at: 2)], stored: [stored], queued: [109])
        #expect(!waiting.contains(.withdraw(commit: 109)))
        // And with a looser confidence (0.95) the test decides
        let loose = ChangeTracker(confirmation: ConfirmationRule(significance: 0.05, maximumRuns: 10))
        let actions = loose.plan(given, detected: [step(at: 2)], stored: [stored], queued: [109])
        // Then the queued re-run of the parent is taken back and the change is confirmed
        #expect(actions.first == .withdraw(commit: 109))
        guard case .update(5, let fields)? = actions.last else { Issue.record("expected an update"); return }
        #expect(fields.state == .confirmed)
    }

    @Test("re-runs alternate: the side behind is queued alone")
    func confirmationAlternates() {
        // Given the parent re-run once more than the commit
        let given = series([0: [100], 9: [100, 100.2, 99.9], 10: [110, 109.8], 16: [110]])
        // Then only the commit is queued
        let actions = tracker.plan(given, detected: [step(at: 2)], stored: [], queued: [])
        #expect(actions.first == .enqueue(commit: 110))
        #expect(!actions.contains(.enqueue(commit: 109)))
    }

    @Test("a change marked unconfirmable on its machine is left as it is: nothing queued, nothing written")
    func unconfirmableLeftAlone() {
        var stored = TrackedChange(id: 4, fields: ChangeFields(lowCommit: 108, highCommit: 116, before: 100, after: 110, magnitude: 0.1,
                                                               kind: .regression, confidence: 0.999, state: .bisecting, requeues: 1))
        stored.unconfirmable = 5_000
        let given = series([0: [100], 8: [100], 12: [110], 16: [110]])
        #expect(tracker.plan(given, detected: [step(at: 2)], stored: [stored], queued: []).isEmpty)
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
