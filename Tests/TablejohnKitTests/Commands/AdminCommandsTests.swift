import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

/// The admin actions themselves: typed results, domain errors, and a refusal changes nothing.
@Suite("Admin commands")
struct AdminCommandsTests {
    let repo: TestRepository
    let store: Store
    let commands: AdminCommands
    let hashes: [String]

    init() async throws {
        repo = try TestRepository()
        hashes = try repo.commits(5)
        store = try Store.inMemory()
        let git = try GitRepository(opening: repo.path)
        let sync = SyncService(repository: git, store: store, remote: nil, interval: .seconds(60), logger: Logger(label: "test"))
        commands = AdminCommands(store: store, resolver: RevisionResolver(store: store, repository: git), sync: sync)
        _ = try await commands.fetch()
    }

    @Test("a range is queued whole; a second add reports the commits already queued and sets the new priority")
    func enqueueRange() throws {
        let first = try commands.enqueue("\(hashes[1])..\(hashes[3])", priority: 4)
        #expect(first.commits == [hashes[3], hashes[2]])
        #expect(first.added == [hashes[3], hashes[2]])
        let again = try commands.enqueue(hashes[3], priority: 9)
        #expect(again.added.isEmpty)
        #expect(try store.queue().map { "\($0.hash.prefix(7)) \($0.priority)" } == ["\(hashes[3].prefix(7)) 9", "\(hashes[2].prefix(7)) 4"])
    }

    @Test("refusals name what is wrong and change nothing: an unknown name, a priority out of range, a commit not queued")
    func refusals() throws {
        #expect(throws: RevisionError.unknown("nope")) { try commands.enqueue("nope", priority: 0) }
        #expect(throws: AdminCommands.priorityError) { try commands.enqueue(hashes[0], priority: 1_000_001) }
        #expect(throws: AdminCommands.priorityError) { try commands.backfill(ref: "main", last: 3, priority: -1_000_001) }
        #expect(try store.queueLength() == 0)
        #expect(throws: AdminError.notQueued(revision: "main", hash: hashes[4])) { try commands.dequeue("main") }
        #expect(throws: AdminError.notQueued(revision: "main", hash: hashes[4])) { try commands.prioritize("main", priority: 3) }
        #expect(AdminError.notQueued(revision: "main", hash: hashes[4]).description == "main is not in the queue")
    }

    @Test("an archived run is found only when asked for, and says so; an unknown run is unknown")
    func archivedRun() async throws {
        let run = Run(id: "old", commit: hashes[0], benchMethod: "internal", runnerName: "r", fingerprint: nil,
                      start: 1_000, end: 2_000, exitCode: 0, origin: .runner,
                      measurements: [try Measurement(metric: "m", value: 1, unit: "ns")], output: [])
        #expect(try store.record(run))
        #expect(try commands.run(id: "old", includeArchive: false).archived == false)
        let moved = try await commands.archiveMove(before: 5_000, ref: nil, keepLast: 0)
        #expect(moved.runs == 1)
        #expect(throws: AdminError.archivedRun(id: "old")) { try commands.run(id: "old", includeArchive: false) }
        #expect(try commands.run(id: "old", includeArchive: true).archived)
        #expect(throws: RunError.unknownRun("nothing")) { try commands.run(id: "nothing", includeArchive: true) }
    }

    @Test("a metric needs a unit or a direction, and a valid name; a refused one is not stored")
    func metrics() throws {
        #expect(throws: AdminError.invalid(parameter: nil, reason: "give \"unit\", \"direction\" or both")) {
            try commands.setMetric("m", unit: nil, direction: nil)
        }
        #expect(throws: AdminError.self) { try commands.setMetric("bad\nname", unit: "ns", direction: nil) }
        #expect(try commands.metrics().isEmpty)
        #expect(try commands.setMetric("m", unit: "ns", direction: .lower).unit == "ns")
    }

    @Test("without a sync loop, fetching is refused rather than pretending")
    func noSync() async throws {
        let bare = AdminCommands(store: store, resolver: commands.resolver)
        await #expect(throws: AdminError.noSync) { try await bare.fetch() }
    }
}
