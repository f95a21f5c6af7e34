import Foundation
import GRDB
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Runner submissions under trouble")
struct RunnerSubmissionTroubleTests {
    static func finished(_ id: String) -> FinishedRun {
        FinishedRun(order: RunOrder(id: id, hash: "c1", method: .internal, timeout: .seconds(60), start: "2026-12-01T00:00:00.000Z"),
                    start: 0, end: 10, exitCode: 0, output: [(.stdout, "done")], measurements: [try! Measurement(metric: "files", value: 3)])
    }

    /// A lifecycle with `run` ended and waiting for server 0.
    static func waiting(_ id: String) -> RunnerLifecycle {
        var lifecycle = RunnerLifecycle(weights: [1], pingInterval: 1000, maximumBackoff: 8000)
        let order = finished(id).order
        _ = lifecycle.replied(lifecycle.plan(for: 0), RunnerProtocol.StatusReply(run: order, abort: false), now: 0)
        lifecycle.runEnded(finished(id), now: 100)
        return lifecycle
    }

    @Test("a 413 resends the run at once with a smaller output budget, then without measurements as a failed run; a third 413 drops it")
    func tooLarge() {
        var lifecycle = Self.waiting("r1")
        let first = lifecycle.plan(for: 0)
        #expect(first.outputBudget == RunnerWire.outputBudget)
        let resent = lifecycle.tooLarge(first, now: 200)
        #expect(resent)
        #expect(lifecycle.due(now: 200) == [0])
        let second = lifecycle.plan(for: 0)
        #expect(second.submission?.order.id == "r1")
        #expect(second.submission?.measurements.count == 1)
        #expect(second.outputBudget == RunnerLifecycle.shrunkOutputBudget)
        let resentBare = lifecycle.tooLarge(second, now: 300)
        #expect(resentBare)
        let third = lifecycle.plan(for: 0)
        #expect(third.submission?.measurements.isEmpty == true)
        #expect(third.submission?.exitCode == 1)
        #expect(third.submission?.output.last?.text
            == "tablejohn: the result was too large for the server even with its output cut; its 1 measurements were dropped")
        let resentAgain = lifecycle.tooLarge(third, now: 400)
        #expect(!resentAgain)
        #expect(lifecycle.unacknowledged.isEmpty)
    }

    @Test("a 503's Retry-After sets the next call, capped at a minute; the result is kept")
    func retryAfter() {
        var lifecycle = Self.waiting("r1")
        lifecycle.failed(0, now: 1000, retryAfter: 5000)
        #expect(lifecycle.nextCallTime == 6000)
        lifecycle.failed(0, now: 6000, retryAfter: 10_000_000)
        #expect(lifecycle.nextCallTime == 66_000)
        #expect(lifecycle.plan(for: 0).submission?.order.id == "r1")
        #expect(lifecycle.failures(0) == 2)
    }

    @Test("a pending result written to disk comes back whole after a restart, and is gone once removed")
    func pendingRoundTrip() throws {
        let folder = try TemporaryFolder.make(prefix: "tj-pending")
        let pending = try PendingResults(directory: folder + "/pending")
        var run = Self.finished("0f1e-run")
        run.output.append((.stderr, "bad \u{1} byte"))
        run.measurements.append(try Measurement(metric: "time", value: 2.5, unit: "s", samples: [2, 3], lower: 2, upper: 3))
        // (A NaN measurement cannot be made any more: Measurement refuses it.)
        try pending.save(run, server: "http://a:1")
        try pending.save(Self.finished("other"), server: "http://b:2")
        let loaded = try PendingResults(directory: folder + "/pending").load()
        #expect(loaded.problems.isEmpty)
        #expect(loaded.runs.count == 2)
        let back = try #require(loaded.runs.first { $0.run.order.id == "0f1e-run" })
        #expect(back.server == "http://a:1")
        #expect(back.run.order == run.order)
        #expect(back.run.output.map(\.text) == ["done", "bad \u{1} byte"])
        #expect(back.run.measurements.map(\.metric) == ["files", "time"])
        #expect(back.run.measurements.last?.samples == [2, 3])
        pending.remove("0f1e-run", server: "http://a:1")
        #expect(pending.load().runs.map(\.run.order.id) == ["other"])
        // No temporary files are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/pending").allSatisfy { $0.hasSuffix(".json") })
    }

    @Test("a pending-results folder is one runner process's: a second exclusive opener is refused")
    func pendingExclusive() throws {
        let folder = try TemporaryFolder.make(prefix: "tj-pending") + "/pending"
        let lockPath = folder + "/lock"
        _ = try PendingResults(directory: folder, exclusive: true)
        // flock locks belong to open file descriptions: another one (as another process would have) is refused.
        let other = open(lockPath, O_RDWR)
        defer { close(other) }
        #expect(flock(other, LOCK_EX | LOCK_NB) != 0)
        #expect(throws: RunnerWireError(message: "another runner process uses \(folder)")) {
            try PendingResults(directory: folder, exclusive: true)
        }
    }

    @Test("busy, locked, full, I/O and read-only database errors are transient; constraint and content errors are not")
    func classification() {
        for code in [ResultCode.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY] {
            #expect(StorageTrouble.isTransient(DatabaseError(resultCode: code)))
        }
        #expect(StorageTrouble.isTransient(DatabaseError(resultCode: .SQLITE_IOERR_WRITE)))
        #expect(!StorageTrouble.isTransient(DatabaseError(resultCode: .SQLITE_CONSTRAINT)))
        #expect(!StorageTrouble.isTransient(RunError.unknownCommit("c1")))
        #expect(ControlMethods.translate(DatabaseError(resultCode: .SQLITE_BUSY)).code == RPCError.tryAgainCode)
        #expect(ControlMethods.translate(DatabaseError(resultCode: .SQLITE_CONSTRAINT)).code == -32603)
    }
}

@Suite("Runner identity")
struct RunnerIdentityTests {
    /// A store with `count` imported commits, all queued, and a service over it.
    static func setUp(sharedTokens: [String] = []) throws -> (Store, RunnerAPI, [String]) {
        let repo = try TestRepository()
        let hashes = try repo.commits(2)
        let store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        _ = try store.enqueue(hashes, priority: 0, now: 0)
        return (store, RunnerAPI(store: store, sharedTokens: sharedTokens), hashes)
    }

    static func submission(_ id: String, _ hash: String, files: Double = 1) -> JSONValue {
        ["id": .string(id), "hash": .string(hash), "bench_method": "internal", "start": "2026-12-01T00:00:00Z",
         "end": "2026-12-01T00:00:01Z", "exit_code": 0, "measurements": ["files": ["value": .real(files)]]]
    }

    @Test("another runner's run id is refused and nothing is stored; the real runner's result then lands")
    func hijack() async throws {
        let (store, service, _) = try Self.setUp()
        let handed = try await service.status(name: "victim", body: ["secret": "victim-secret", "status": ["type": "idle"], "request_run": true],
                                              now: 1000)
        let id = try #require(handed["run"]?["id"]?.stringValue)
        let hash = try #require(handed["run"]?["hash"]?.stringValue)
        let error = await #expect(throws: RunnerAPIError.self) {
            try await service.status(name: "evil", body: ["secret": "evil-secret", "status": ["type": "idle"],
                                                          "submit_run": Self.submission(id, hash, files: 666)], now: 2000)
        }
        #expect(error?.kind == .forbidden)
        #expect(error?.message == "submit_run: run \(id) was handed to another runner; nothing was stored")
        #expect(try store.run(id: id) == nil)

        _ = try await service.status(name: "victim", body: ["secret": "victim-secret", "status": ["type": "idle"],
                                                            "submit_run": Self.submission(id, hash, files: 7)], now: 3000)
        #expect(try store.run(id: id)?.runnerName == "victim")
        #expect(try store.run(id: id)?.measurements.first?.value == 7)
        // The same runner resending it (it missed the acknowledgement) is acknowledged again, changing nothing.
        _ = try await service.status(name: "victim", body: ["secret": "victim-secret", "status": ["type": "idle"],
                                                            "submit_run": Self.submission(id, hash, files: 8)], now: 4000)
        #expect(try store.run(id: id)?.measurements.first?.value == 7)
        #expect(try store.runs(RunFilter(), limit: 10).count == 1)
    }

    @Test("a stored run's id sent again by another runner is refused, not acknowledged as new")
    func storedDuplicate() async throws {
        let (store, service, hashes) = try Self.setUp()
        // Not handed out by this server (a late or external run): accepted under its runner's name.
        _ = try await service.status(name: "first", body: ["secret": "first-secret", "status": ["type": "idle"],
                                                           "submit_run": Self.submission("late-1", hashes[0])], now: 1000)
        let error = await #expect(throws: RunnerAPIError.self) {
            try await service.status(name: "second", body: ["secret": "second-secret", "status": ["type": "idle"],
                                                            "submit_run": Self.submission("late-1", hashes[0], files: 9)], now: 2000)
        }
        #expect(error?.kind == .forbidden)
        #expect(error?.message == "submit_run: a run late-1 from another runner is already stored; nothing was changed")
        #expect(try store.run(id: "late-1")?.runnerName == "first")
    }

    @Test("the shared token works under free names only, never under a name with a token of its own")
    func sharedToken() throws {
        let (store, service, _) = try Self.setUp(sharedTokens: ["shared-token-123"])
        let own = try store.addRunner("box", now: 0)
        #expect(try service.authenticate(name: "box", token: own))
        #expect(try !service.authenticate(name: "box", token: "shared-token-123"))
        #expect(try service.authenticate(name: "anyone", token: "shared-token-123"))
        #expect(try !service.authenticate(name: "anyone", token: "wrong"))
    }

    @Test("the local runner's token works under its own name, even when that name is registered, and under no other")
    func localRunnerToken() throws {
        let store = try Store.inMemory()
        let service = RunnerAPI(store: store, localRunner: ("local", "local-token-123"))
        _ = try store.addRunner("local", now: 0)
        #expect(try service.authenticate(name: "local", token: "local-token-123"))
        #expect(try !service.authenticate(name: "other", token: "local-token-123"))
    }

    @Test("runner names: Unicode host names work; control characters, '/', ':', spaces and over-long names do not")
    func names() {
        for name in ["box-1", "büro.lab", "ρ-runner", "ホスト_2"] { #expect(RunnerToken.isValidName(name), "\(name)") }
        for name in ["", "a/b", "a:b", "a b", "tab\tname", "nul\u{0}", "bell\u{7}", String(repeating: "x", count: 65)] {
            #expect(!RunnerToken.isValidName(name), "\(name.debugDescription)")
        }
    }

    @Test("the registry follows at most 1,000 names: a new one replaces the longest silent, or is refused while all live")
    func boundedNames() {
        var registry = RunnerRegistry(timeout: 60_000)
        func call(_ name: String, at now: Int64) -> RunnerDecision {
            registry.status(RunnerStatusCall(name: name, secret: "secret-\(name)", activity: .idle, requestRun: false), now: now,
                            queue: [], isQueued: { _ in false }, newRunID: { "x" })
        }
        for index in 0..<RunnerRegistry.maximumNames { _ = call("r\(index)", at: Int64(index)) }
        guard case .refused(let message) = call("newcomer", at: 2000) else {
            Issue.record("a 1,001st live name was accepted")
            return
        }
        #expect(message == "this server follows 1000 live runners already; runner newcomer cannot join until one goes silent")
        // r0 … r999 go silent; r1 comes back; the newcomer takes the place of r0, the longest silent.
        _ = call("r1", at: 100_000)
        #expect(call("newcomer", at: 100_001) == .reply(run: nil, abort: false))
        let names = registry.snapshot(now: 100_001).keys
        #expect(names.count == RunnerRegistry.maximumNames)
        #expect(!names.contains("r0"))
        #expect(names.contains("r1") && names.contains("newcomer"))
    }
}

@Suite("Runner storage errors")
struct RunnerStorageErrorTests {
    @Test("a submission while another connection holds the database's write lock is 'try again' (503), and lands afterwards")
    func lockedDatabase() async throws {
        let repo = try TestRepository()
        let hashes = try repo.commits(1)
        let folder = try TemporaryFolder.make(prefix: "tj-locked")
        let store = try Store(path: folder + "/tablejohn.db")
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        let service = RunnerAPI(store: store)
        var holding = Configuration()
        holding.allowsUnsafeTransactions = true  // the transaction stays open between accesses, on purpose
        let blocker = try DatabaseQueue(path: folder + "/tablejohn.db", configuration: holding)
        try blocker.inDatabase { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        // The store waits out its 10 s busy timeout, then says to try again.
        let body: JSONValue = ["secret": "0123456789", "status": ["type": "idle"],
                               "submit_run": RunnerIdentityTests.submission("locked-1", hashes[0])]
        let error = await #expect(throws: RunnerAPIError.self) { try await service.status(name: "box", body: body, now: 1000) }
        #expect(error?.kind == .unavailable)
        #expect(error?.message.hasPrefix("the server's database is busy or unavailable") == true)
        try blocker.inDatabase { db in try db.execute(sql: "ROLLBACK") }
        _ = try await service.status(name: "box", body: body, now: 2000)
        #expect(try store.run(id: "locked-1")?.runnerName == "box")
    }
}
