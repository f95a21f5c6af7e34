import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Commit times outside years 1 to 9999")
struct FarCommitTimeTests {
    /// Writes a commit on `branch` whose author and committer time is `time` (git and
    /// `git fsck` accept any 64-bit value); returns its hash.
    static func farCommit(_ repo: TestRepository, branch: String, time: String) throws -> String {
        let tree = try repo.git(["rev-parse", "HEAD^{tree}"])
        let parent = try repo.head()
        let text = "tree \(tree)\nparent \(parent)\nauthor A <a@x> \(time) +0000\ncommitter C <c@x> \(time) +0000\n\nfar \(branch)\n"
        let file = repo.path + "/.git/far-\(branch)"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let hash = try repo.git(["hash-object", "-t", "commit", "-w", "--literally", file])
        try repo.git(["update-ref", "refs/heads/\(branch)", hash])
        return hash
    }

    @Test("import clamps them; /, the commit page and /queue/ show \"unknown date\" instead of trapping")
    func importedAndShown() async throws {
        // Given commits at the ends of Int64 on two branches, both tracked and queued
        let repo = try TestRepository()
        try repo.commit("base")
        let future = try Self.farCommit(repo, branch: "future", time: "9223372036854775807")
        let past = try Self.farCommit(repo, branch: "past", time: "-9223372036854775808")
        let store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        try store.setTracked("refs/heads/future", true)
        try store.setTracked("refs/heads/past", true)
        _ = try store.enqueue([future, past], priority: 0, now: 1_700_000_000_000)
        let web = WebContext(store: store, sync: SyncStatus(), repositoryPath: repo.path,
                             resolver: RevisionResolver(store: store, repository: try GitRepository(opening: repo.path)))

        // When the pages are asked for, Then they answer and show the date as unknown
        try await Application(router: WebRoutes.router(web)).test(.router) { client in
            for path in ["/", "/commit/\(future)/", "/commit/\(past)/", "/queue/"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok, "\(path)")
                #expect(String(buffer: response.body).contains("unknown date"), "\(path)")
            }
        }
        // And the stored times are clamped into years 1 to 9999
        let stored = try #require(try store.commitDetails(future))
        #expect(stored.committer.time == Timestamp.commitSeconds.upperBound)
        #expect(stored.author.time == Timestamp.commitSeconds.upperBound)
    }

    @Test("formatting and converting any 64-bit time cannot trap")
    func arithmetic() {
        #expect(DisplayFormat.date(seconds: .max) == "unknown date")
        #expect(DisplayFormat.date(seconds: .min) == "unknown date")
        #expect(DisplayFormat.date(seconds: Timestamp.commitSeconds.upperBound) == "unknown date")
        #expect(DisplayFormat.date(seconds: 1_700_000_000) == "2023-11-14 22:13:20 UTC")
        #expect(Timestamp.rfc3339(commitSeconds: .max) == nil)
        #expect(Timestamp.milliseconds(commitSeconds: .max) == 253_402_300_799_000)
        #expect(Timestamp.milliseconds(commitSeconds: .min) == -62_135_596_800_000)
        #expect(!Timestamp.rfc3339(milliseconds: .min).isEmpty)
        #expect(!Timestamp.rfc3339(milliseconds: .max).isEmpty)
        #expect(Timestamp.rfc3339(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp.rfc3339(milliseconds: 1_700_000_000_250) == "2023-11-14T22:13:20.250Z")
    }
}
