import Foundation
import Testing
@testable import TablejohnKit

/// `runners.list` and the pages read one list (`RunnerOverview.all`); these are its rules.
@Suite("Runner overview")
struct RunnerOverviewTests {
    @Test("a runner silent past the timeout is offline and shows no run, though its last call was working on one")
    func offlineShowsNoRun() {
        var registry = RunnerRegistry(timeout: 60_000)
        let asking = RunnerStatusCall(name: "box", secret: "s", activity: .idle, requestRun: true)
        #expect(registry.status(asking, now: 0, queue: ["c1"], isQueued: { _ in true }, newRunID: { "run-1" })
            == .reply(run: RunAssignment(runID: "run-1", hash: "c1"), abort: false))
        let working = RunnerStatusCall(name: "box", secret: "s", activity: .working(runID: "run-1", hash: "c1"), requestRun: false)
        _ = registry.status(working, now: 1_000, queue: [], isQueued: { _ in true }, newRunID: { "run-2" })
        let record = RunnerRecord(name: "box", created: 5, lastSeen: 1_000, fingerprint: nil)

        // While it calls, it is working on run-1.
        let now = RunnerOverview.all(records: [record], live: registry.snapshot(now: 2_000), outputs: [:])
        #expect(now.map(\.state) == [.working])
        #expect(now.first?.run == RunAssignment(runID: "run-1", hash: "c1"))
        #expect(now.first?.created == 5)

        // Silent for longer than the timeout: offline, and no run is claimed for it.
        let later = RunnerOverview.all(records: [record], live: registry.snapshot(now: 200_000), outputs: [:])
        #expect(later.map(\.state) == [.offline])
        #expect(later.first?.run == nil)
    }

    @Test("runners with tokens and runners only seen are listed once each, by name")
    func union() {
        var registry = RunnerRegistry(timeout: 60_000)
        _ = registry.status(RunnerStatusCall(name: "seen", secret: "s", activity: .idle, requestRun: false), now: 0,
                            queue: [], isQueued: { _ in true }, newRunID: { "x" })
        let records = [RunnerRecord(name: "token", created: 1, lastSeen: nil, fingerprint: nil),
                       RunnerRecord(name: "seen", created: 2, lastSeen: nil, fingerprint: nil)]
        let all = RunnerOverview.all(records: records, live: registry.snapshot(now: 10), outputs: [:])
        #expect(all.map(\.name) == ["seen", "token"])
        #expect(all.map(\.state) == [.idle, .neverSeen])
    }
}
