import Testing
@testable import TablejohnKit

/// A registry with a queue of three commits and run ids counted from 1.
final class RegistryFixture {
    var registry = RunnerRegistry(timeout: 60_000)
    var queue = ["c1", "c2", "c3"]
    var nextRun = 0

    func call(_ name: String, secret: String = "s", _ activity: RunnerActivity = .idle, request: Bool = false,
                       at now: Int64) -> RunnerDecision {
        let queued = Set(queue)
        var counter = nextRun
        defer { nextRun = counter }
        return registry.status(RunnerStatusCall(name: name, secret: secret, activity: activity, requestRun: request), now: now,
                               queue: queue, isQueued: { queued.contains($0) }, newRunID: { counter += 1; return "run-\(counter)" })
    }
}

@Suite("Runner registry")
struct RunnerRegistryTests {

    @Test("idle runners asking for work get queued commits in order, never one another's")
    func handsOutInOrder() {
        let fixture = RegistryFixture()
        #expect(fixture.call("a", request: true, at: 0) == .reply(run: RunAssignment(runID: "run-1", hash: "c1"), abort: false))
        #expect(fixture.call("b", request: true, at: 1) == .reply(run: RunAssignment(runID: "run-2", hash: "c2"), abort: false))
        #expect(fixture.call("a", .working(runID: "run-1", hash: "c1"), at: 2) == .reply(run: nil, abort: false))
        // Not asking, or busy elsewhere: nothing handed out.
        #expect(fixture.call("c", at: 3) == .reply(run: nil, abort: false))
        #expect(fixture.call("c", .busy, request: true, at: 4) == .reply(run: nil, abort: false))
        #expect(fixture.call("c", request: true, at: 5) == .reply(run: RunAssignment(runID: "run-3", hash: "c3"), abort: false))
        #expect(fixture.call("d", request: true, at: 6) == .reply(run: nil, abort: false))
    }

    @Test("a second process with the runner's name and another secret is refused while the first lives")
    func secrets() {
        let fixture = RegistryFixture()
        _ = fixture.call("a", secret: "first", at: 0)
        guard case .refused(let message) = fixture.call("a", secret: "second", at: 30_000) else {
            Issue.record("the second secret was accepted")
            return
        }
        #expect(message.contains("already connected from another process"))
        #expect(fixture.call("a", secret: "first", at: 50_000) == .reply(run: nil, abort: false))
        // Once the first has been silent past the timeout, a restarted runner takes the name.
        #expect(fixture.call("a", secret: "second", at: 111_000) == .reply(run: nil, abort: false))
        #expect(fixture.call("a", secret: "first", at: 112_000) != .reply(run: nil, abort: false))
    }

    @Test("a silent runner loses its reservation; when it returns, whoever worked longer keeps the commit")
    func timeouts() {
        let fixture = RegistryFixture()
        _ = fixture.call("a", request: true, at: 0)  // c1
        #expect(fixture.call("b", request: true, at: 59_000) == .reply(run: RunAssignment(runID: "run-2", hash: "c2"), abort: false))
        // a has been silent for more than 60 s: c1 is free again.
        #expect(fixture.call("c", request: true, at: 61_000) == .reply(run: RunAssignment(runID: "run-3", hash: "c1"), abort: false))
        // a comes back, still on c1: it started first, so c is told to abort.
        #expect(fixture.call("a", .working(runID: "run-1", hash: "c1"), at: 62_000) == .reply(run: nil, abort: false))
        #expect(fixture.call("c", .working(runID: "run-3", hash: "c1"), at: 63_000) == .reply(run: nil, abort: true))
        #expect(fixture.call("a", .working(runID: "run-1", hash: "c1"), at: 64_000) == .reply(run: nil, abort: false))
    }

    @Test("a run whose commit left the queue is aborted; finished runs free their commit")
    func aborts() {
        let fixture = RegistryFixture()
        _ = fixture.call("a", request: true, at: 0)  // c1
        fixture.queue.removeFirst()
        #expect(fixture.call("a", .working(runID: "run-1", hash: "c1"), at: 1) == .reply(run: nil, abort: true))
        _ = fixture.call("a", request: true, at: 2)  // c2
        fixture.registry.finished(runID: "run-2")
        #expect(fixture.call("b", request: true, at: 3) == .reply(run: RunAssignment(runID: "run-3", hash: "c2"), abort: false))
    }

    @Test("a run reported after a server restart is adopted as the runner's reservation")
    func adoptsUnknownRuns() {
        let fixture = RegistryFixture()
        #expect(fixture.call("a", .working(runID: "old-7", hash: "c2"), at: 0) == .reply(run: nil, abort: false))
        #expect(fixture.call("b", request: true, at: 1) == .reply(run: RunAssignment(runID: "run-1", hash: "c1"), abort: false))
        #expect(fixture.call("c", request: true, at: 2) == .reply(run: RunAssignment(runID: "run-2", hash: "c3"), abort: false))
        #expect(fixture.registry.snapshot(now: 3)["a"]?.run == RunAssignment(runID: "old-7", hash: "c2"))
        #expect(fixture.registry.snapshot(now: 100_000)["a"]?.alive == false)
    }
}
