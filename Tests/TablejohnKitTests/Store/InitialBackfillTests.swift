import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Initial backfill: the tracked branch's recent history, queued once")
struct InitialBackfillTests {
    @Test("after the first import, the last N first-parent commits are queued newest first at low priority, once")
    func queuesOnce() throws {
        let repo = try TestRepository()
        let hashes = try repo.commits(30)
        let store = try Store.inMemory()
        #expect(try store.queueInitialBackfill(count: 20, priority: -1, now: 1) == nil)
        _ = try Importer(repository: try GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()

        let queued = try store.queueInitialBackfill(count: 20, priority: -1, now: 1)

        #expect(queued == Array(hashes.suffix(20).reversed()))
        #expect(try store.queueLength() == 20)
        #expect(try store.queueInitialBackfill(count: 20, priority: -1, now: 2) == [])
        _ = try store.dequeue(hashes[29])
        #expect(try store.queueInitialBackfill(count: 20, priority: -1, now: 3) == [])
        #expect(try store.queueLength() == 19)
    }

    @Test("a database that already has runs queues nothing")
    func notWithRuns() throws {
        let repo = try TestRepository()
        let hashes = try repo.commits(3)
        let store = try Store.inMemory()
        _ = try Importer(repository: try GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        try store.record(Run(id: "r1", commit: hashes[0], benchMethod: "internal", runnerName: "a", fingerprint: nil,
                             start: 1, end: 2, exitCode: 0, origin: .runner, measurements: []))
        let before = try store.queueLength()

        #expect(try store.queueInitialBackfill(count: 20, priority: -1, now: 1) == [])
        #expect(try store.queueLength() == before)
    }
}
