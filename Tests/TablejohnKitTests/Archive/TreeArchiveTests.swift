import Foundation
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Tree archives")
struct TreeArchiveTests {
    @Test("a commit's tree unpacks with its file modes, symlinks and directories")
    func roundTrip() throws {
        let repo = try TestRepository()
        try repo.commit("first", file: "src/main.c")
        let script = repo.path + "/bench.sh"
        try "#!/bin/sh\necho ok\n".write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/link", withDestinationPath: "src/main.c")
        try repo.git(["add", "-A"])
        try repo.git(["commit", "-q", "-m", "more"])
        let head = try #require(GitOID(hex: try repo.head()))

        let archive = try GitRepository(opening: repo.path).treeArchive(commit: head)
        let target = try TemporaryFolder.make(prefix: "tj-unpack")
        try ArchiveExtractor.extract(archive, into: target)

        let files = FileManager.default
        #expect(try String(contentsOfFile: target + "/src/main.c", encoding: .utf8).hasPrefix("first\n"))
        #expect(try files.attributesOfItem(atPath: target + "/bench.sh")[.posixPermissions] as? Int == 0o755)
        #expect(try files.attributesOfItem(atPath: target + "/src/main.c")[.posixPermissions] as? Int == 0o644)
        #expect(try files.destinationOfSymbolicLink(atPath: target + "/link") == "src/main.c")
        #expect(!files.fileExists(atPath: target + "/.git"))
    }

    @Test("an unknown commit is a not-found error")
    func unknownCommit() throws {
        let repo = try TestRepository()
        try repo.commit("only")
        #expect { try GitRepository(opening: repo.path).treeArchive(commit: GitOID(hex: String(repeating: "ab", count: 20))!) } throws: {
            ($0 as? GitError)?.isNotFound == true
        }
    }

    /// An archive with the given entries, written with the same writer the server uses.
    static func hostile(_ entries: [(String, TarEntryKind)]) throws -> [UInt8] {
        let writer = try TarGzWriter(mtime: 0)
        for (path, kind) in entries {
            try Array("owned\n".utf8).withUnsafeBytes { try writer.add(path: path, kind: kind, contents: $0) }
        }
        return try writer.finish()
    }

    @Test("entries that would land outside the work directory are refused", arguments: [
        [("../escaped.txt", TarEntryKind.file(executable: false))],
        [("ok/../../escaped.txt", .file(executable: false))],
        [("/tmp/escaped-absolute.txt", .file(executable: false))],
        [("out", .symlink(target: "..")), ("out/escaped.txt", .file(executable: false))],
    ])
    func refusesEscapes(entries: [(String, TarEntryKind)]) throws {
        let outer = try TemporaryFolder.make(prefix: "tj-hostile")
        let target = outer + "/work"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        #expect(throws: ArchiveError.self) { try ArchiveExtractor.extract(try Self.hostile(entries), into: target) }
        #expect(!FileManager.default.fileExists(atPath: outer + "/escaped.txt"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/escaped-absolute.txt"))
    }

    @Test("garbage is an error, not a crash")
    func garbage() throws {
        let target = try TemporaryFolder.make(prefix: "tj-garbage")
        #expect(throws: ArchiveError.self) { try ArchiveExtractor.extract(Array("not an archive".utf8), into: target) }
    }
}
