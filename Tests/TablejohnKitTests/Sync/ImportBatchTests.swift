import Foundation
import GRDB
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

/// Imports long enough to span several batches (4,096 commits, 8,192 edges), on a file
/// database as the daemon has it, and imports that stop half-way.
@Suite("Importing in batches")
struct ImportBatchTests {
    let repo: TestRepository
    let folder: String
    let store: Store

    init() throws {
        repo = try TestRepository()
        folder = try TemporaryFolder.make(prefix: "tj-import")
        store = try Store(path: folder + "/tablejohn.db")
    }

    func importer(shouldStop: @escaping @Sendable () -> Bool = { false }) throws -> Importer {
        var importer = Importer(repository: try GitRepository(opening: repo.path), store: store, logger: Logger(label: "test"))
        importer.shouldStop = shouldStop
        return importer
    }

    /// A commit as stored: every column and its parents in order.
    struct CommitRecord: Equatable {
        var authorName, authorEmail: String
        var authorTime, authorOffset: Int64
        var committerName, committerEmail: String
        var committerTime, committerOffset: Int64
        var message: String
        var parents: [String] = []
    }

    /// What the database holds, by hash.
    func storedCommits() throws -> [String: CommitRecord] {
        try store.writer.read { db in
            var result: [String: CommitRecord] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT hash, author_name, author_email, author_time, author_offset, committer_name, committer_email,
                       committer_time, committer_offset, message FROM commits
                """) {
                result[row[0]] = CommitRecord(authorName: row[1], authorEmail: row[2], authorTime: row[3], authorOffset: row[4],
                                              committerName: row[5], committerEmail: row[6], committerTime: row[7],
                                              committerOffset: row[8], message: row[9])
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT c.hash, p.hash FROM commit_parents e JOIN commits c ON c.id = e.child JOIN commits p ON p.id = e.parent
                ORDER BY e.child, e.position
                """) {
                result[row[0]]?.parents.append(row[1])
            }
            return result
        }
    }

    /// Every commit of the repository as libgit2 reads it alone (`GitRepository.commit`), by hash.
    func gitCommits() throws -> [String: CommitRecord] {
        let git = try GitRepository(opening: repo.path)
        var result: [String: CommitRecord] = [:]
        for hash in try repo.git(["rev-list", "--all"]).split(separator: "\n").map(String.init) {
            let commit = try git.commit(try #require(GitOID(hex: hash)))
            result[hash] = CommitRecord(
                authorName: commit.author.name, authorEmail: commit.author.email, authorTime: commit.author.time,
                authorOffset: Int64(commit.author.offsetMinutes), committerName: commit.committer.name,
                committerEmail: commit.committer.email, committerTime: commit.committer.time,
                committerOffset: Int64(commit.committer.offsetMinutes), message: commit.message, parents: commit.parents.map(\.hex))
        }
        return result
    }

    func databaseIsEmpty() throws -> Bool {
        try store.commitCounts() == (0, 0) && store.refs().isEmpty
            && store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM commit_parents") } == 0
    }

    @Test("a first import over several batches stores every commit, field and parent as git reads them, hostile text included")
    func manyBatches() throws {
        // Given 10,000 commits with merges, and hostile commits on a branch of their own
        let tip = try repo.generateHistory(10_000)
        let tree = try repo.git(["rev-parse", "\(tip)^{tree}"])
        let name: [UInt8] = Array("Bad ".utf8) + [0xff, 0xfe, 0xc3] + Array(" Name".utf8)
        let hostile = Array("tree \(tree)\nparent \(tip)\nauthor ".utf8) + name
            + Array(" <a@example.com> 1700000000 -0130\ncommitter Zoë <\(String(repeating: "e", count: 5000))@x> 1700000000 +0000\n\n".utf8)
            + Array(("héllo\n\n" + String(repeating: "x", count: 100_000)).utf8)
        let bad = try repo.rawCommit(hostile)
        try repo.git(["update-ref", "refs/heads/hostile", bad])

        // When it is imported
        let report = try importer().run()

        // Then every commit is stored as libgit2 reads it alone, with its parents in order
        let expected = try gitCommits()
        let stored = try storedCommits()
        #expect(report.initial && report.newCommits == expected.count && expected.count > 10_000)
        #expect(stored.count == expected.count)
        var differing: [String] = []
        for (hash, commit) in expected where stored[hash] != commit {
            differing.append(hash)
        }
        #expect(differing.isEmpty, "\(differing.count) commits differ, e.g. \(differing.prefix(3))")
        #expect(stored[bad]?.authorName == "Bad \u{FFFD}\u{FFFD}\u{FFFD} Name" && stored[bad]?.authorOffset == -90)
        #expect(stored[bad]?.message.hasSuffix("bytes of this message]") == true)
        // And reachability is what a full recomputation finds; the tracked line is fully tracked
        #expect(try store.writer.write { db in try Store.recomputeReachability(db) } == 0)
        #expect(try store.reachability(of: tip) == .fromTrackedRef)
        #expect(try store.reachability(of: bad) == .fromRef)
        #expect(try store.refs()["refs/heads/main"]?.hash == tip)
    }

    @Test("a later import of a long history walks it in batches too, and queues it")
    func longIncrement() throws {
        // Given an imported history
        let first = try repo.generateHistory(100)
        let before = try importer().run().newCommits

        // When 9,000 more commits arrive on the tracked branch
        let tip = try repo.generateHistory(9_000, prefix: "more")
        let report = try importer().run()

        // Then they are stored with their parents and queued, newest first
        let expected = try gitCommits()
        #expect(report.newCommits == expected.count - before && report.newCommits >= 9_000 && report.queued == report.newCommits)
        let stored = try storedCommits()
        #expect(stored.count == expected.count)
        #expect(expected.allSatisfy { stored[$0.key]?.parents == $0.value.parents })
        #expect(try store.queue(limit: 1).first?.hash == tip)
        #expect(try store.reachability(of: first) == .fromTrackedRef)
        #expect(try store.writer.write { db in try Store.recomputeReachability(db) } == 0)
    }

    @Test("an import stopped between batches leaves the database as it was, and the next sync imports everything")
    func stoppedBetweenBatches() throws {
        // Given 12,000 commits, and an import told to stop at its first chance (after 10,000 are written)
        let tip = try repo.generateHistory(12_000)
        let stops = Counter()

        // When it runs
        #expect(throws: ImportCancelled.self) { try importer(shouldStop: { stops.increment() == 1 }).run() }

        // Then nothing of it is in the database
        #expect(stops.value == 1)
        #expect(try databaseIsEmpty())

        // And the next sync imports the whole history as a first import
        let report = try importer().run()
        let expected = try gitCommits().count
        #expect(report.initial && report.newCommits == expected && report.queued == 0)
        #expect(try store.refs()["refs/heads/main"]?.hash == tip)
        #expect(try store.writer.write { db in try Store.recomputeReachability(db) } == 0)
    }

    @Test("a store failure half-way through a first import rolls it back, and the next sync completes")
    func storeFailure() throws {
        // Given a history, and a database that fails on the 5,000th commit (two batches in)
        try repo.generateHistory(9_000)
        try store.writer.write { db in
            try db.execute(sql: """
                CREATE TEMP TRIGGER fail_import BEFORE INSERT ON main.commits WHEN NEW.id = 5000
                BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END
                """)
        }

        // When it is imported, Then the import fails with the store's error and writes nothing
        #expect { try importer().run() } throws: { "\($0)".contains("simulated disk failure") }
        #expect(try databaseIsEmpty())

        // And once the store works again, the next sync completes
        try store.writer.write { db in try db.execute(sql: "DROP TRIGGER temp.fail_import") }
        let report = try importer().run()
        let expected = try gitCommits().count
        #expect(report.initial && report.newCommits == expected)
        #expect(try store.writer.write { db in try Store.recomputeReachability(db) } == 0)
    }
}

/// A count shared with a `@Sendable` closure.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() -> Int { lock.withLock { count += 1; return count } }
}
