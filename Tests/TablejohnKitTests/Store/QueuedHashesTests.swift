import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("The queue head runners are handed from")
struct QueuedHashesTests {
    @Test("the kept queue head follows every write made through other connections")
    func followsWrites() throws {
        // Given a repository imported into a database file, and the runner API's store with a reader of its own
        let repo = try TestRepository()
        let hashes = try repo.commits(3)
        let folder = try TemporaryFolder.make(prefix: "queue-head")
        let root = try Store(path: folder + "/tablejohn.db")
        _ = try Importer(repository: GitRepository(opening: repo.path), store: root, logger: Logger(label: "test")).run()
        _ = try root.enqueue([hashes[0]], priority: 0, now: 0)
        let runners = try root.withDedicatedReader()
        #expect(try runners.queuedHashes(limit: 100) == [hashes[0]])
        #expect(try runners.queuedHashes(limit: 100) == [hashes[0]])

        // When commits are queued, one of them higher, through the daemon's writer
        _ = try root.enqueue([hashes[1]], priority: 0, now: 1)
        _ = try root.enqueue([hashes[2]], priority: 5, now: 2)
        // Then the next read shows them in the queue's order, the same as queue.list
        #expect(try runners.queuedHashes(limit: 100) == [hashes[2], hashes[1], hashes[0]])
        #expect(try runners.queuedHashes(limit: 100) == root.queue().map(\.hash))
        #expect(try runners.queuedHashes(limit: 1) == [hashes[2]])

        // When a run of the first one is stored, which takes it off the queue
        try root.record(Run(id: "r1", commit: hashes[2], benchMethod: "command", runnerName: "box", fingerprint: nil, start: 0, end: 1,
                            exitCode: 0, origin: .runner, measurements: [], output: []))
        // Then it is no longer handed out
        #expect(try runners.queuedHashes(limit: 100) == [hashes[1], hashes[0]])
        #expect(try root.dequeue(hashes[1]))
        #expect(try runners.queuedHashes(limit: 100) == [hashes[0]])
    }
}
