import Testing
@testable import TablejohnKit

@Suite("Machine affinity: who may take a pinned queue entry, and when it is released")
struct MachineAffinityTests {
    let machineA = MachineAffinity(fingerprint: #"{"cpu":"A"}"#, runner: "bench-a")

    private func call(_ name: String, fingerprint: String?, request: Bool = true) -> RunnerStatusCall {
        RunnerStatusCall(name: name, secret: "secret-\(name)", activity: .idle, requestRun: request, fingerprint: fingerprint)
    }

    @Test("a fingerprint names the machine whatever the runner is called; without one the runner name does")
    func admits() {
        #expect(machineA.admits(name: "bench-a", fingerprint: #"{"cpu":"A"}"#))
        #expect(machineA.admits(name: "renamed", fingerprint: #"{"cpu":"A"}"#))
        #expect(!machineA.admits(name: "bench-a", fingerprint: #"{"cpu":"B"}"#))
        #expect(!machineA.admits(name: "bench-a", fingerprint: nil))
        let byName = MachineAffinity(fingerprint: "", runner: "bench-a")
        #expect(byName.admits(name: "bench-a", fingerprint: nil))
        // A runner reporting a fingerprint is not a fingerprint-less series' machine: its runs
        // would land in the series of its fingerprint (the one rule, `Machine.isSame`).
        #expect(!byName.admits(name: "bench-a", fingerprint: #"{"cpu":"B"}"#))
        #expect(!byName.admits(name: "bench-b", fingerprint: nil))
        #expect(byName.label == "bench-a")
    }

    @Test("another machine skips a pinned commit and takes the next; the pinned machine gets it")
    func handOut() {
        // Given a queue whose head waits for machine A
        var registry = RunnerRegistry(timeout: 60_000)
        let queue = [QueuedCommit(hash: "pinned", affinity: machineA, pinnedSince: 0), QueuedCommit(hash: "open")]
        var counter = 0
        func ask(_ call: RunnerStatusCall, at now: Int64) -> RunnerDecision {
            registry.status(call, now: now, from: queue, isQueued: { _ in true }, newRunID: { counter += 1; return "run-\(counter)" })
        }
        // When runner B asks first
        // Then it is handed the ordinary commit
        #expect(ask(call("bench-b", fingerprint: #"{"cpu":"B"}"#), at: 1) == .reply(run: RunAssignment(runID: "run-1", hash: "open"), abort: false))
        // And runner A gets the pinned one
        #expect(ask(call("bench-a", fingerprint: #"{"cpu":"A"}"#), at: 2) == .reply(run: RunAssignment(runID: "run-2", hash: "pinned"), abort: false))
        // And a third machine gets nothing: the only free commit is A's
        #expect(ask(call("bench-c", fingerprint: #"{"cpu":"C"}"#), at: 3) == .reply(run: nil, abort: false))
    }

    @Test("the release rule counts from the latest of pinning, the last matching runner and the server's start")
    func releaseRule() {
        let rule = AffinityRelease(timeout: 3_600_000)
        #expect(!rule.isReleased(pinnedSince: 0, lastSeenMatching: nil, watchingSince: 0, now: 3_600_000))
        #expect(rule.isReleased(pinnedSince: 0, lastSeenMatching: nil, watchingSince: 0, now: 3_600_001))
        // A matching runner seen lately keeps it pinned
        #expect(!rule.isReleased(pinnedSince: 0, lastSeenMatching: 3_000_000, watchingSince: 0, now: 4_000_000))
        // A server that just started has not had the time to see the machine
        #expect(!rule.isReleased(pinnedSince: 0, lastSeenMatching: nil, watchingSince: 5_000_000, now: 6_000_000))
        // An entry pinned lately waits its full time
        #expect(!rule.isReleased(pinnedSince: 5_000_000, lastSeenMatching: 0, watchingSince: 0, now: 6_000_000))
    }

    @Test("entries whose machine stays away past the timeout are named for release; its return keeps them")
    func releasable() {
        // Given machine A seen at 0 and a commit pinned to it then
        var registry = RunnerRegistry(timeout: 60_000)
        let rule = AffinityRelease(timeout: 10_000)
        let queue = [QueuedCommit(hash: "pinned", affinity: machineA, pinnedSince: 0), QueuedCommit(hash: "open")]
        _ = registry.status(call("bench-a", fingerprint: #"{"cpu":"A"}"#, request: false), now: 0, from: queue, isQueued: { _ in true },
                            newRunID: { "x" })
        let b = call("bench-b", fingerprint: #"{"cpu":"B"}"#)
        // When B asks within the timeout: nothing is released
        #expect(registry.releasable(queue, for: b, now: 10_000, rule: rule).isEmpty)
        // When A has been silent for longer: the pinned commit is released
        #expect(registry.releasable(queue, for: b, now: 10_001, rule: rule) == ["pinned"])
        // And when A itself is the one calling, it counts as seen: nothing is released
        #expect(registry.releasable(queue, for: call("bench-a", fingerprint: #"{"cpu":"A"}"#), now: 20_000, rule: rule).isEmpty)
    }
}
