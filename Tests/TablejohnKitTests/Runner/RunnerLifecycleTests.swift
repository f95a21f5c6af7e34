import Testing
@testable import TablejohnKit

@Suite("Runner lifecycle")
struct RunnerLifecycleTests {
    static func order(_ id: String, _ hash: String = "c1") -> RunOrder {
        RunOrder(id: id, hash: hash, method: .internal, timeout: .seconds(60), start: "2026-11-23T00:00:00.000Z")
    }

    static func finished(_ order: RunOrder, exitCode: Int = 0) -> FinishedRun {
        FinishedRun(order: order, start: 0, end: 10, exitCode: exitCode, output: [(.stdout, "done")], measurements: [])
    }

    @Test("an idle runner asks for work, starts what it is handed, and reports it as working")
    func startsHandedRun() {
        var lifecycle = RunnerLifecycle(weights: [1], pingInterval: 1000)
        let idle = lifecycle.plan(for: 0)
        #expect(idle.activity == .idle)
        #expect(idle.requestRun)
        #expect(idle.submission == nil)
        let actions = lifecycle.replied(idle, RunnerProtocol.StatusReply(run: Self.order("r1"), abort: false), now: 100)
        #expect(actions == [.start(Self.order("r1"), server: 0)])
        #expect(lifecycle.due(now: 500) == [])
        #expect(lifecycle.due(now: 1100) == [0])
        let working = lifecycle.plan(for: 0)
        #expect(working.activity == .working(Self.order("r1")))
        #expect(!working.requestRun)
    }

    @Test("a finished run is offered until its server acknowledges it, through failed calls")
    func keepsResultUntilAcknowledged() {
        var lifecycle = RunnerLifecycle(weights: [1], pingInterval: 1000, maximumBackoff: 8000)
        _ = lifecycle.replied(lifecycle.plan(for: 0), RunnerProtocol.StatusReply(run: Self.order("r1"), abort: false), now: 0)
        lifecycle.runEnded(Self.finished(Self.order("r1")), now: 5000)
        #expect(lifecycle.due(now: 5000) == [0], "a result goes out at once")
        let first = lifecycle.plan(for: 0)
        #expect(first.submission?.order.id == "r1")
        #expect(first.activity == .idle)

        // The server is down: calls back off (2 s, 4 s, 8 s, capped at 8 s) and the result stays.
        lifecycle.failed(0, now: 5000)
        #expect(lifecycle.nextCallTime == 7000)
        lifecycle.failed(0, now: 7000)
        #expect(lifecycle.nextCallTime == 11_000)
        lifecycle.failed(0, now: 11_000)
        lifecycle.failed(0, now: 19_000)
        #expect(lifecycle.nextCallTime == 27_000)
        #expect(lifecycle.plan(for: 0).submission?.order.id == "r1")

        // Back: the reply acknowledges it; the next call is a plain idle one, on the normal interval.
        let retry = lifecycle.plan(for: 0)
        _ = lifecycle.replied(retry, RunnerProtocol.StatusReply(run: nil, abort: false), now: 27_000)
        #expect(lifecycle.unacknowledged.isEmpty)
        #expect(lifecycle.plan(for: 0).submission == nil)
        #expect(lifecycle.nextCallTime == 28_000)
    }

    @Test("abort_run stops the run it was about and forgets it")
    func abort() {
        var lifecycle = RunnerLifecycle(weights: [1], pingInterval: 1000)
        _ = lifecycle.replied(lifecycle.plan(for: 0), RunnerProtocol.StatusReply(run: Self.order("r1"), abort: false), now: 0)
        let actions = lifecycle.replied(lifecycle.plan(for: 0), RunnerProtocol.StatusReply(run: nil, abort: true), now: 1000)
        #expect(actions == [.abort(runID: "r1")])
        #expect(lifecycle.current == nil)
        // The aborted run's late end changes nothing: there is nothing to submit.
        lifecycle.runEnded(Self.finished(Self.order("r1")), now: 1500)
        #expect(lifecycle.unacknowledged.isEmpty)
        #expect(lifecycle.plan(for: 0).activity == .idle)
    }

    @Test("a run from one server makes the runner busy for the others, and time divides by weight")
    func servers() {
        var lifecycle = RunnerLifecycle(weights: [1, 3], pingInterval: 1000)
        #expect(lifecycle.due(now: 0) == [0, 1])
        _ = lifecycle.replied(lifecycle.plan(for: 0), RunnerProtocol.StatusReply(run: Self.order("a1"), abort: false), now: 0)
        let toOther = lifecycle.plan(for: 1)
        #expect(toOther.activity == .busy)
        #expect(!toOther.requestRun)
        // A run handed out by the other server while busy is not started.
        #expect(lifecycle.replied(toOther, RunnerProtocol.StatusReply(run: Self.order("b1"), abort: false), now: 0) == [])
        lifecycle.runEnded(Self.finished(Self.order("a1")), now: 3000)
        // Server 0 has had 3 s at weight 1, server 1 none: server 1 is asked first.
        #expect(lifecycle.due(now: 3000) == [1, 0])
        _ = lifecycle.replied(lifecycle.plan(for: 1), RunnerProtocol.StatusReply(run: Self.order("b2"), abort: false), now: 3000)
        lifecycle.runEnded(Self.finished(Self.order("b2")), now: 9000)
        // 6 s at weight 3 counts as 2 s: still less than server 0's 3 s.
        #expect(lifecycle.due(now: 9000) == [1, 0])
        #expect(lifecycle.plan(for: 0).submission?.order.id == "a1")
        #expect(lifecycle.plan(for: 1).submission?.order.id == "b2")
    }

    @Test("a result the server refuses as invalid is dropped instead of retried forever")
    func rejected() {
        var lifecycle = RunnerLifecycle(weights: [1], pingInterval: 1000)
        _ = lifecycle.replied(lifecycle.plan(for: 0), RunnerProtocol.StatusReply(run: Self.order("r1"), abort: false), now: 0)
        lifecycle.runEnded(Self.finished(Self.order("r1")), now: 10)
        lifecycle.rejected(lifecycle.plan(for: 0), now: 20)
        #expect(lifecycle.unacknowledged.isEmpty)
    }
}
