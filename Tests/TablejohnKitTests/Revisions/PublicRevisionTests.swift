import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Public revisions")
struct PublicRevisionTests {
    @Test("refs, hash prefixes and a few bounded ~N/^N steps are accepted")
    func accepted() throws {
        let main = try PublicRevision.parse("main")
        #expect(main.name == "main" && main.steps.isEmpty)
        #expect(try PublicRevision.parse("refs/heads/feature/x-1").name == "refs/heads/feature/x-1")
        #expect(try PublicRevision.parse("refs/heads/-x").name == "refs/heads/-x")
        #expect(try PublicRevision.parse("grüße/<b>&\"'").name == "grüße/<b>&\"'")
        #expect(try PublicRevision.parse("abcd").isHashPrefix)
        #expect(try PublicRevision.parse(String(repeating: "f", count: 40)).isHashPrefix)
        #expect(!(try PublicRevision.parse("abc").isHashPrefix))
        let walked = try PublicRevision.parse("HEAD~3^2~^")
        #expect(walked.name == "HEAD")
        #expect(walked.steps == [.ancestor(3), .parent(2), .ancestor(1), .parent(1)])
        #expect(try PublicRevision.parse("v1.0^0").steps == [.parent(0)])
        #expect(try PublicRevision.parse("main~10000").steps == [.ancestor(10_000)])
    }

    @Test("git's expensive and odd syntax is refused with a message saying what is accepted")
    func refused() {
        let hostile = [
            ":/(\\w+\\s?)+$x", "main^{/fix}", "main^{commit}", "main@{1}", "@{-1}", "@", "HEAD@{yesterday}",
            "main..other", "a...b", "main~10001", "main~5000~5001", "main^65", "main~99999999999999999999",
            "main~1~1~1~1~1~1~1~1~1", "main:path", "ma in", "main\u{7f}", "x\ny", "", "~1", "^", "refs//heads",
            "/main", "main/", "main.", "refs/.hidden", "main.lock", "a*b", "a?b", "a[b", "a\\b", "main~x",
            String(repeating: "a", count: 1025),
        ]
        for text in hostile {
            #expect(throws: PublicRevisionError.self, "\(text.debugDescription)") { try PublicRevision.parse(text) }
        }
        do {
            _ = try PublicRevision.parse(":/fix")
            Issue.record("accepted :/fix")
        } catch {
            #expect(error.description.contains("a public address names a commit as a ref"))
            #expect(error.text == ":/fix")
        }
    }

    @Test("a public revision resolves refs, hash prefixes and steps from the database alone")
    func resolves() throws {
        let repo = try TestRepository()
        let first = try repo.commit("first")
        let second = try repo.commit("second")
        try repo.git(["checkout", "-q", "-b", "side", first])
        let side = try repo.commit("side", file: "side.txt")
        try repo.git(["checkout", "-q", "main"])
        try repo.git(["merge", "-q", "--no-ff", "-m", "merge", "side"])
        let merge = try repo.head()
        let store = try Store.inMemory()
        let git = try GitRepository(opening: repo.path)
        _ = try Importer(repository: git, store: store, logger: Logger(label: "test")).run()
        let resolver = RevisionResolver(store: store, repository: git)

        #expect(try resolver.commit(public: "main") == merge)
        #expect(try resolver.commit(public: "HEAD") == merge)
        #expect(try resolver.commit(public: "main~1") == second)
        #expect(try resolver.commit(public: "main^2") == side)
        #expect(try resolver.commit(public: "main^2~1") == first)
        #expect(try resolver.commit(public: String(second.prefix(8)) + "^") == first)
        #expect(try resolver.commit(public: "main^0") == merge)
        #expect(throws: RevisionError.unknown("main~9")) { try resolver.commit(public: "main~9") }
        #expect(throws: RevisionError.unknown("main^3")) { try resolver.commit(public: "main^3") }
        #expect(throws: PublicRevisionError.self) { try resolver.commit(public: ":/second") }
        // The control socket keeps git's full syntax.
        #expect(try resolver.commit(":/second") == second)
        // A detached HEAD names its commit.
        try repo.git(["checkout", "-q", "--detach", second])
        #expect(try resolver.commit(public: "HEAD~1") == first)
    }
}
