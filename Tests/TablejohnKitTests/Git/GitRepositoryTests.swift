import Foundation
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Git repository")
struct GitRepositoryTests {
    @Test("opens a checkout, also from a subdirectory, and knows its folders")
    func opensCheckout() throws {
        let repo = try TestRepository()
        try repo.commit("first", file: "src/a.txt")

        let opened = try GitRepository(opening: repo.path + "/src")

        #expect(!opened.isBare)
        #expect(opened.workingDirectory == URL(fileURLWithPath: repo.path).resolvingSymlinksInPath().path)
        #expect(opened.gitDirectory.hasSuffix("/.git"))
    }

    @Test("opens a bare repository")
    func opensBare() throws {
        let source = try TestRepository()
        try source.commit("first")
        let bare = try TestRepository(cloning: source, bare: true)

        let opened = try GitRepository(opening: bare.path)

        #expect(opened.isBare)
        #expect(try opened.references().map(\.name) == ["refs/heads/main"])
    }

    @Test("a folder that is not a repository is an error naming libgit2's reason")
    func notARepository() throws {
        let folder = try TemporaryFolder.make(prefix: "tj-plain")
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let error = #expect(throws: GitError.self) { try GitRepository(opening: folder) }
        #expect(error?.message.contains("could not find repository") == true)
    }

    @Test("reads a merge commit with its parents in order, and its signatures")
    func readsMerge() throws {
        let repo = try TestRepository()
        let base = try repo.commit("base")
        try repo.git(["checkout", "-q", "-b", "feature"])
        let feature = try repo.commit("feature work", file: "f.txt")
        try repo.git(["checkout", "-q", "main"])
        let mainWork = try repo.commit("main work", file: "m.txt")
        try repo.git(["-c", "user.name=Ada Lovelace", "merge", "-q", "--no-ff", "-m", "merge feature", "feature"])
        let merge = try repo.head()

        let opened = try GitRepository(opening: repo.path)
        let commit = try opened.commit(try #require(GitOID(hex: merge)))

        #expect(commit.parents.map(\.hex) == [mainWork, feature])
        #expect(commit.message == "merge feature\n")
        #expect(commit.author.name == "Ada Lovelace")
        #expect(commit.committer.email == "charles@example.com")
        #expect(try opened.commit(try #require(GitOID(hex: base))).parents.isEmpty)
        #expect(opened.isDescendant(try #require(GitOID(hex: merge)), of: try #require(GitOID(hex: feature))))
        #expect(!opened.isDescendant(try #require(GitOID(hex: feature)), of: try #require(GitOID(hex: mainWork))))
    }

    @Test("lists refs that peel to commits, including annotated tags, and skips symbolic ones")
    func listsRefs() throws {
        let source = try TestRepository()
        let first = try source.commit("first")
        try source.git(["tag", "-a", "v1", "-m", "release"])
        try source.git(["branch", "other"])
        let clone = try TestRepository(cloning: source, bare: false)

        let refs = try GitRepository(opening: clone.path).references()

        #expect(refs.map(\.name) == ["refs/heads/main", "refs/remotes/origin/main", "refs/remotes/origin/other", "refs/tags/v1"])
        #expect(refs.allSatisfy { $0.target.hex == first })
    }

    @Test("HEAD's branch is known even before it has commits")
    func unbornHead() throws {
        let repo = try TestRepository(branch: "trunk")
        #expect(try GitRepository(opening: repo.path).headBranch() == "refs/heads/trunk")
    }

    @Test("fetch mirrors branches, follows force pushes and prunes deleted branches")
    func fetchMirrors() throws {
        let upstream = try TestRepository()
        try upstream.commit("one")
        try upstream.git(["branch", "doomed"])
        let mirror = try GitRepository.cloneBare(url: upstream.path, to: try TemporaryFolder.make(prefix: "tj-mirror") + "/m.git")
        defer { try? FileManager.default.removeItem(atPath: mirror.gitDirectory) }
        #expect(try mirror.references().map(\.name) == ["refs/heads/doomed", "refs/heads/main"])
        #expect(mirror.headBranch() == "refs/heads/main")

        try upstream.git(["branch", "-D", "doomed"])
        try upstream.git(["commit", "-q", "--amend", "-m", "one, rewritten"])
        let rewritten = try upstream.head()
        try mirror.fetch(url: upstream.path, refspecs: GitRepository.defaultRefspecs)

        #expect(try mirror.references().map(\.name) == ["refs/heads/main"])
        #expect(try mirror.references().first?.target.hex == rewritten)
    }

    @Test("GitOID round-trips hexadecimal hashes")
    func oidRoundTrip() {
        let hex = "0123456789abcdef0123456789abcdef01234567"
        #expect(GitOID(hex: hex)?.hex == hex)
        #expect(GitOID(hex: "xyz") == nil)
    }
}
