import Foundation
import GRDB
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Importer")
struct ImporterTests {
    let repo: TestRepository
    let store: Store

    init() throws {
        repo = try TestRepository()
        store = try Store.inMemory()
    }

    func sync(_ path: String? = nil) throws -> ImportReport {
        let git = try GitRepository(opening: path ?? repo.path)
        return try Importer(repository: git, store: store, logger: Logger(label: "test")).run()
    }

    func queued() throws -> [String] { try store.queue().map(\.hash) }

    @Test("the first import stores every commit, tracks HEAD's branch and queues nothing")
    func firstImport() throws {
        let hashes = try repo.commits(5)
        try repo.git(["branch", "side", hashes[2]])

        let report = try sync()

        #expect(report.initial && report.newCommits == 5 && report.queued == 0)
        let refs = try store.refs()
        #expect(refs["refs/heads/main"]?.tracked == true && refs["refs/heads/main"]?.hash == hashes[4])
        #expect(refs["refs/heads/side"]?.tracked == false)
        #expect(try store.commitCounts() == (5, 5))
        #expect(try store.reachability(of: hashes[0]) == .fromTrackedRef)
        #expect(try queued().isEmpty)
    }

    @Test("parent edges keep git's order")
    func parentOrder() throws {
        try repo.commit("base")
        try repo.git(["checkout", "-q", "-b", "feature"])
        let feature = try repo.commit("feature", file: "f.txt")
        try repo.git(["checkout", "-q", "main"])
        let main = try repo.commit("main", file: "m.txt")
        try repo.git(["merge", "-q", "--no-ff", "-m", "merge", "feature"])
        let merge = try repo.head()

        _ = try sync()

        let parents = try store.writer.read { db in
            try String.fetchAll(db, sql: """
                SELECT p.hash FROM commit_parents e JOIN commits c ON c.id = e.child JOIN commits p ON p.id = e.parent
                WHERE c.hash = ? ORDER BY e.position
                """, arguments: [merge])
        }
        #expect(parents == [main, feature])
    }

    @Test("an incremental import walks only the new commits and queues them, newest first")
    func incremental() throws {
        try repo.commits(3)
        _ = try sync()

        let new = try repo.commits(2, prefix: "new")
        let report = try sync()

        #expect(report.newCommits == 2 && report.queued == 2 && !report.initial)
        #expect(try queued() == new.reversed())
        #expect(try store.commitCounts().total == 5)
    }

    @Test("a sync with nothing new writes nothing")
    func noOp() throws {
        try repo.commits(3)
        _ = try sync()
        let before = try store.totalChanges()

        let report = try sync()

        #expect(report.unchanged)
        #expect(try store.totalChanges() == before)
    }

    @Test("commits on untracked branches are imported but not queued")
    func untrackedNotQueued() throws {
        try repo.commit("base")
        _ = try sync()
        try repo.git(["checkout", "-q", "-b", "topic"])
        let topic = try repo.commit("topic work", file: "t.txt")

        let report = try sync()

        #expect(report.newCommits == 1 && report.queued == 0)
        #expect(try store.reachability(of: topic) == .fromRef)
    }

    @Test("tracking a ref later does not queue its existing history, only what comes after")
    func trackLater() throws {
        try repo.commit("base")
        _ = try sync()
        try repo.git(["checkout", "-q", "-b", "topic"])
        let old = try repo.commit("old topic work", file: "t.txt")
        _ = try sync()

        try store.setTracked("refs/heads/topic", true)
        #expect(try store.reachability(of: old) == .fromTrackedRef)
        #expect(try queued().isEmpty)

        let new = try repo.commit("new topic work", file: "t.txt")
        _ = try sync()
        #expect(try queued() == [new])
    }

    @Test("a force push leaves the old tip unreachable and queues nothing twice")
    func forcePush() throws {
        try repo.commit("base")
        _ = try sync()
        let doomed = try repo.commit("will be rewritten")
        _ = try sync()
        #expect(try queued() == [doomed])

        try repo.git(["reset", "-q", "--hard", "HEAD~1"])
        let replacement = try repo.commit("replacement")
        let report = try sync()

        #expect(report.newCommits == 1 && report.queued == 1)
        #expect(try store.reachability(of: doomed) == .unreachable)
        #expect(try store.reachability(of: replacement) == .fromTrackedRef)
        #expect(try queued().sorted() == [doomed, replacement].sorted())

        // Moving back to the old commit finds it known: nothing new, nothing queued again.
        try repo.git(["reset", "-q", "--hard", doomed])
        let back = try sync()
        #expect(back.newCommits == 0 && back.queued == 0)
        #expect(try store.reachability(of: doomed) == .fromTrackedRef)
        #expect(try store.reachability(of: replacement) == .unreachable)
        #expect(try queued().count == 2)
    }

    @Test("a deleted branch disappears and its commits become unreachable")
    func deletedBranch() throws {
        try repo.commit("base")
        try repo.git(["checkout", "-q", "-b", "topic"])
        let topic = try repo.commit("topic", file: "t.txt")
        try repo.git(["checkout", "-q", "main"])
        _ = try sync()
        #expect(try store.reachability(of: topic) == .fromRef)

        try repo.git(["branch", "-q", "-D", "topic"])
        let report = try sync()

        #expect(report.refsChanged == 1)
        #expect(try store.refs()["refs/heads/topic"] == nil)
        #expect(try store.reachability(of: topic) == .unreachable)
    }

    @Test("incremental reachability agrees with a full recomputation")
    func reachabilityConsistent() throws {
        try repo.commits(3)
        _ = try sync()
        try repo.git(["checkout", "-q", "-b", "a"])
        try repo.commits(2, prefix: "a", file: "a.txt")
        try repo.git(["checkout", "-q", "main"])
        try repo.commits(2, prefix: "main")
        try repo.git(["merge", "-q", "--no-ff", "-m", "merge a", "a"])
        try repo.git(["branch", "b", "HEAD~2"])
        _ = try sync()

        let recomputed = try store.writer.write { db in try Store.recomputeReachability(db) }
        #expect(recomputed == 0)
    }

    @Test("merging an untracked branch makes its commits reachable from the tracked ref, queueing only the merge")
    func mergeRaisesReachability() throws {
        try repo.commit("base")
        try repo.git(["checkout", "-q", "-b", "topic"])
        let topic = try repo.commits(2, prefix: "topic", file: "t.txt")
        try repo.git(["checkout", "-q", "main"])
        _ = try sync()
        #expect(try store.reachability(of: topic[0]) == .fromRef)

        try repo.git(["merge", "-q", "--no-ff", "-m", "merge topic", "topic"])
        let merge = try repo.head()
        let report = try sync()

        #expect(report.newCommits == 1 && report.queued == 1)
        #expect(try store.reachability(of: topic[0]) == .fromTrackedRef)
        #expect(try store.reachability(of: topic[1]) == .fromTrackedRef)
        #expect(try queued() == [merge])
        #expect(try store.writer.write { db in try Store.recomputeReachability(db) } == 0)
    }

    @Test("a bare mirror imports like a checkout")
    func bare() throws {
        let hashes = try repo.commits(4)
        let mirror = try TestRepository(cloning: repo, bare: true)

        let report = try sync(mirror.path)

        #expect(report.newCommits == 4)
        #expect(try store.refs()["refs/heads/main"]?.hash == hashes[3])
    }

    @Test("hostile commit messages and author names are stored exactly as written")
    func hostileText() throws {
        let message = "<script>alert('x')</script> & \"quotes\"\n\nbody"
        let hash = try repo.commit(message, author: "Eve\" onclick=\"alert(1) & 'co' Ltd")

        _ = try sync()

        let row = try store.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT message, author_name FROM commits WHERE hash = ?", arguments: [hash])
        }
        #expect(row?["message"] == message + "\n")
        #expect(row?["author_name"] == "Eve\" onclick=\"alert(1) & 'co' Ltd")
    }

    @Test("an empty repository imports nothing, then its first commits are history, not queue")
    func emptyRepository() throws {
        let report = try sync()
        #expect(report.unchanged)

        try repo.commits(2)
        let first = try sync()
        #expect(first.newCommits == 2 && first.queued == 0)
        #expect(try store.refs()["refs/heads/main"]?.tracked == true)
    }
}

@Suite("Importer edge cases")
struct ImporterEdgeCaseTests {
    @Test("an empty commit message is stored as an empty string")
    func emptyMessage() throws {
        let repo = try TestRepository()
        try repo.git(["commit", "-q", "--allow-empty", "--allow-empty-message", "-m", ""])
        let store = try Store.inMemory()

        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()

        let message = try store.writer.read { db in try String.fetchOne(db, sql: "SELECT message FROM commits") }
        #expect(message == "")
    }
}
