import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Paused runners")
struct RunnerPauseTests {
    static let reason = "only 1.25 GiB free on /tmp (needs 5 GiB)"

    @Test("a paused runner asks for no work and says why, still delivers results, and asks again once resumed")
    func lifecycle() {
        var lifecycle = RunnerLifecycle(weights: [1], pingInterval: 1000)
        let order = RunOrder(id: "r1", hash: "c1", method: .internal, timeout: .seconds(60), start: "2026-11-23T00:00:00.000Z")
        _ = lifecycle.replied(lifecycle.plan(for: 0), RunnerProtocol.StatusReply(run: order, abort: false), now: 0)
        lifecycle.runEnded(FinishedRun(order: order, start: 0, end: 10, exitCode: 0, output: [], measurements: []), now: 10)

        // Given the disk is short of space when the run has ended
        lifecycle.pause(Self.reason)
        // When the runner calls its server
        let paused = lifecycle.plan(for: 0)
        // Then it submits the finished run, asks for nothing, and says why
        #expect(paused.submission?.order.id == "r1")
        #expect(!paused.requestRun)
        #expect(paused.paused == Self.reason)
        let body = RunnerWire.statusBody(paused, secret: "0123456789", info: nil, fingerprint: .null, lastOutput: [])
        #expect(body["paused"] == .string(Self.reason))
        #expect(body["request_run"] == nil)
        #expect(body["submit_run"]?["id"] == "r1")
        // A run handed out all the same (an old server) is not started.
        let actions = lifecycle.replied(paused, RunnerProtocol.StatusReply(run: RunOrder(id: "r2", hash: "c2", method: .internal, timeout: .seconds(60),
                                                                           start: "x"), abort: false), now: 20)
        #expect(actions.isEmpty)
        #expect(lifecycle.unacknowledged.isEmpty)

        // When space comes back
        lifecycle.pause(nil)
        let resumed = lifecycle.plan(for: 0)
        #expect(resumed.requestRun)
        #expect(resumed.paused == nil)
        #expect(RunnerWire.statusBody(resumed, secret: "0123456789", info: nil, fingerprint: .null, lastOutput: [])["paused"] == nil)
    }

    @Test("the registry hands a paused runner nothing and remembers why it is paused")
    func registry() {
        var registry = RunnerRegistry(timeout: 60_000)
        let reason = PauseReason(untrusted: Self.reason)
        let call = RunnerStatusCall(name: "box", secret: "s", activity: .idle, requestRun: true, paused: reason)
        #expect(registry.status(call, now: 0, queue: ["c1"], isQueued: { _ in true }, newRunID: { "run-1" }) == .reply(run: nil, abort: false))
        #expect(registry.snapshot(now: 1)["box"]?.paused == reason)
        let snapshot = registry.snapshot(now: 1)["box"]
        #expect(RunnerOverview.State(storedLastSeen: nil, live: snapshot) == .paused)

        let resumed = RunnerStatusCall(name: "box", secret: "s", activity: .idle, requestRun: true)
        #expect(registry.status(resumed, now: 2, queue: ["c1"], isQueued: { _ in true }, newRunID: { "run-1" })
            == .reply(run: RunAssignment(runID: "run-1", hash: "c1"), abort: false))
        #expect(registry.snapshot(now: 3)["box"]?.paused == nil)
        #expect(RunnerOverview.State(storedLastSeen: nil, live: registry.snapshot(now: 3)["box"]) == .idle)
        // A paused runner silent past the timeout is offline, not paused.
        _ = registry.status(call, now: 10, queue: [], isQueued: { _ in true }, newRunID: { "run-2" })
        #expect(RunnerOverview.State(storedLastSeen: nil, live: registry.snapshot(now: 100_000)["box"]) == .offline)
    }

    @Test("a reason is kept on one line and bounded: control characters show as ?, a megabyte is cut")
    func untrustedReason() {
        #expect(PauseReason(untrusted: "disk\u{1B}[31m full\nagain")?.text == "disk?[31m full?again")
        let huge = PauseReason(untrusted: String(repeating: "é", count: 1_000_000))
        #expect(huge?.text.utf8.count == PauseReason.maximumBytes + "…".utf8.count)
        #expect(huge?.text.hasSuffix("é…") == true)
        #expect(PauseReason(untrusted: "") == nil)
        #expect(PauseReason(untrusted: " \n ") == nil)
    }

    @Test("the server keeps a paused runner's reason for tjctl and the pages, hands it nothing, and refuses a reason that is not text")
    func service() async throws {
        let repo = try TestRepository()
        let hashes = try repo.commits(1)
        let store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        _ = try store.enqueue([hashes[0]], priority: 0, now: 0)
        let service = RunnerAPI(store: store)

        // Given a runner short of space that asks for work anyway
        let reply = try await service.status(name: "box", body: ["secret": "0123456789", "status": ["type": "idle"], "request_run": true,
                                                                 "paused": .string("<b>\u{7}" + String(repeating: "x", count: 1 << 20))],
                                             now: 1_000)
        // Then it gets no run, and its overview says paused with the reason cut and on one line
        #expect(reply["run"] == .null)
        let overview = try #require(try RunnerOverview.all(store: store, runners: service, now: 1_500).first)
        #expect(overview.state == .paused)
        #expect(overview.paused?.text.hasPrefix("<b>?xxx") == true)
        #expect((overview.paused?.text.utf8.count ?? .max) <= PauseReason.maximumBytes + 3)
        #expect(overview.json["paused"]?.stringValue == overview.paused?.text)
        #expect(overview.json["state"] == "paused")

        // A reason that is not a string is refused, and changes nothing.
        let error = await #expect(throws: RunnerAPIError.self) {
            try await service.status(name: "box", body: ["secret": "0123456789", "status": ["type": "idle"], "paused": 5], now: 2_000)
        }
        #expect(error?.message == "\"paused\" must be a string saying why the runner takes no work, or null")
        #expect(try RunnerOverview.all(store: store, runners: service, now: 2_500).first?.state == .paused)

        // When space comes back, the next call takes the commit.
        let resumed = try await service.status(name: "box", body: ["secret": "0123456789", "status": ["type": "idle"], "request_run": true],
                                               now: 3_000)
        #expect(resumed["run"]?["hash"] == .string(hashes[0]))
        #expect(try RunnerOverview.all(store: store, runners: service, now: 3_500).first?.paused == nil)
    }
}
