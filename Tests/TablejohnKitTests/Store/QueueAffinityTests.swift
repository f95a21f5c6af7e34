import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Queue entries pinned to a machine: stored, consumed by that machine only, released")
struct QueueAffinityTests {
    /// 101 commits on main, every fourth measured on machine bench-1 with a 10 % step at
    /// index 50, and a detection round run: the midpoint (index 50) is queued for bench-1.
    private func bisecting() throws -> (store: Store, hashes: [String]) {
        let series = try SteppedSeries()
        _ = try series.detectionService().round(now: 1_000)
        return (series.store, series.hashes)
    }

    private func run(_ id: String, _ hash: String, runner: String, cpu: String, value: Double = 105) throws -> Run {
        Run(id: id, commit: hash, benchMethod: "command", runnerName: runner, fingerprint: ["cpu": .string(cpu)], start: 2_000, end: 2_001,
            exitCode: 0, origin: .runner, measurements: [try Measurement(metric: "parse_time", value: value, unit: "ms")])
    }

    @Test("a bisection midpoint is queued for the machine of its series, and tjctl queue's RPC names it")
    func pinned() throws {
        // Given a step found on bench-1's series
        let (store, hashes) = try bisecting()
        // Then its midpoint waits for bench-1's fingerprint
        let entry = try #require(try store.queue().first)
        #expect(entry.hash == hashes[50])
        #expect(entry.affinity == MachineAffinity(fingerprint: #"{"cpu":"test"}"#, runner: "bench-1"))
        #expect(try store.queuedCommits(limit: 10).first?.pinnedSince == 1_000)
    }

    @Test("a run from another machine leaves the pinned entry queued; one from its machine takes it off")
    func consumedByItsMachineOnly() throws {
        let (store, hashes) = try bisecting()
        // When another machine's run of the midpoint lands (submitted elsewhere, say)
        try store.record(run("other", hashes[50], runner: "bench-2", cpu: "other"))
        // Then the commit still waits for bench-1
        #expect(try store.isQueued(hashes[50]))
        // When bench-1's run lands
        try store.record(run("own", hashes[50], runner: "bench-1", cpu: "test", value: 110))
        // Then it leaves the queue
        #expect(try !store.isQueued(hashes[50]))
    }

    @Test("releasing an entry frees it for any runner and marks the change unconfirmable on its machine, listed by default")
    func release() throws {
        let (store, hashes) = try bisecting()
        #expect(try store.changes().isEmpty, "a bisecting change is not in the default listing")
        // When its machine's entries are released
        #expect(try store.releaseAffinities([hashes[50]], now: 9_000) == 1)
        // Then the commit is queued for anyone
        #expect(try store.queue().first?.affinity == nil)
        // And the change is listed with the machine it could not be confirmed on
        let listed = try #require(try store.changes().first)
        #expect(listed.state == .bisecting)
        #expect(listed.unconfirmable == 9_000)
        #expect(listed.confirmationText == "bisecting, unconfirmable on bench-1")
        #expect(listed.json["unconfirmable"]?["machine"] == "bench-1")
        // And a state filter shows only that state
        #expect(try store.changes(ChangeFilter(states: [.confirmed])).isEmpty)
        // And releasing again changes nothing
        #expect(try store.releaseAffinities([hashes[50]], now: 10_000) == 0)
        #expect(try store.changes().first?.unconfirmable == 9_000)
        // And the next round leaves the change alone: nothing is queued for it again
        try store.record(run("anyone", hashes[50], runner: "bench-2", cpu: "other"))
        let again = try DetectionService(store: store, settings: .init(), hooks: [], logger: Logger(label: "test")).round(now: 11_000)
        #expect(again.queued == 0)
        #expect(try store.queue().isEmpty)
    }

    @Test("an entry waiting for a fingerprint-less machine is taken off by that runner's run without a fingerprint, not by one with")
    func fingerprintlessMachine() throws {
        // Given a commit pinned to runner ci, whose series' runs carry no fingerprint
        let repo = try TestRepository()
        let hashes = try repo.commits(1)
        let store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        let commitID = try store.commitID(of: hashes[0])
        try store.writer.write { db in
            try Store.queueCommit(db, commitID, priority: 0, now: 0, affinity: MachineAffinity(fingerprint: "", runner: "ci"), conflict: .keep)
        }
        // When ci's run lands carrying a fingerprint (its numbers join another series)
        try store.record(run("with", hashes[0], runner: "ci", cpu: "test"))
        // Then the commit still waits
        #expect(try store.isQueued(hashes[0]))
        // When a run of ci without a fingerprint lands
        try store.record(Run(id: "without", commit: hashes[0], benchMethod: "command", runnerName: "ci", fingerprint: nil, start: 2_000,
                             end: 2_001, exitCode: 0, origin: .runner, measurements: []))
        // Then it leaves the queue
        #expect(try !store.isQueued(hashes[0]))
    }
}
