import Foundation
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Tree archive limits")
struct TreeArchiveLimitsTests {
    @Test("a git bomb is refused from its dozen objects, before any byte, naming the setting to raise")
    func gitBomb() throws {
        let repo = try TestRepository()
        try repo.commit("first")
        let bomb = try #require(GitOID(hex: try repo.gitBomb(levels: 9)))

        let error = #expect(throws: TreeArchiveLimitError.self) {
            try GitRepository(opening: repo.path).treeArchiveStream(commit: bomb, limits: TreeArchiveLimits())
        }

        #expect(error?.limit == .entries)
        #expect(error?.description == "the tree of commit \(bomb.hex) has more than 1000000 entries; "
            + "the server's [repo] archive-max-entries setting raises the limit")
    }

    @Test("5,000 nested directories are refused by depth without overflowing the stack; with the limit raised they stream")
    func deepNesting() throws {
        let repo = try TestRepository()
        try repo.commit("first")
        let deep = try #require(GitOID(hex: try repo.deepTree(depth: 5000)))
        let git = try GitRepository(opening: repo.path)

        let error = #expect(throws: TreeArchiveLimitError.self) { try git.treeArchiveStream(commit: deep, limits: TreeArchiveLimits()) }
        #expect(error?.limit == .depth)
        #expect(error?.description.contains("nests directories deeper than 64 levels") == true)

        var raised = TreeArchiveLimits()
        raised.depth = 6000
        let archive = try git.treeArchive(commit: deep, limits: raised)
        #expect(archive.count > 0)
    }

    @Test("a file past archive-max-blob and files past archive-max-bytes are refused, naming the file or the total")
    func sizes() throws {
        let repo = try TestRepository()
        try Data(repeating: 0, count: 3 << 20).write(to: URL(fileURLWithPath: repo.path + "/zeros.bin"))
        let noise = try #require(FileHandle(forReadingAtPath: "/dev/urandom")).readData(ofLength: 1 << 20)
        try noise.write(to: URL(fileURLWithPath: repo.path + "/noise.bin"))
        try repo.git(["add", "-A"])
        try repo.git(["commit", "-q", "-m", "big files"])
        let head = try #require(GitOID(hex: try repo.head()))
        let git = try GitRepository(opening: repo.path)

        let blob = #expect(throws: TreeArchiveLimitError.self) {
            try git.treeArchiveStream(commit: head, limits: TreeArchiveLimits(entries: 10, bytes: 1 << 30, blobBytes: 2 << 20, depth: 8))
        }
        #expect(blob?.description.contains("has a file larger than 2M (at zeros.bin)") == true)
        let total = #expect(throws: TreeArchiveLimitError.self) {
            try git.treeArchiveStream(commit: head, limits: TreeArchiveLimits(entries: 10, bytes: 3 << 20, blobBytes: 4 << 20, depth: 8))
        }
        #expect(total?.description.contains("holds more than 3M of files; the server's [repo] archive-max-bytes setting") == true)

        // Within the limits the archive streams in pieces and unpacks to the same files.
        let stream = try git.treeArchiveStream(commit: head, limits: TreeArchiveLimits())
        var pieces = 0
        var bytes: [UInt8] = []
        while let piece = try stream.next() {
            pieces += 1
            bytes += piece
        }
        #expect(pieces > 1)  // the noise does not compress: about four pieces
        let target = try TemporaryFolder.make(prefix: "tj-unpack")
        defer { try? FileManager.default.removeItem(atPath: target) }
        try ArchiveExtractor.extract(bytes, into: target)
        #expect(try Data(contentsOf: URL(fileURLWithPath: target + "/zeros.bin")) == Data(repeating: 0, count: 3 << 20))
        #expect(try Data(contentsOf: URL(fileURLWithPath: target + "/noise.bin")) == noise)
    }
}
