import Foundation
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Commit text from hostile repositories")
struct CommitTextTests {
    @Test("a huge message is kept to its first 64 KiB with a line saying so; invalid UTF-8 in names is replaced, long names cut")
    func capped() throws {
        let repo = try TestRepository()
        try repo.commit("first")
        let tree = try repo.git(["rev-parse", "HEAD^{tree}"])
        let name: [UInt8] = Array("Bad ".utf8) + [0xff, 0xfe, 0xc3] + Array(" Name".utf8)
        let longEmail = String(repeating: "e", count: 5000) + "@example.com"
        let message = "summary line é\n\n" + String(repeating: "x", count: 200_000) + "\n"
        let bytes = Array("tree \(tree)\nauthor ".utf8) + name + Array(" <a@example.com> 1700000000 +0000\ncommitter C <\(longEmail)> 1700000000 +0000\n\n\(message)".utf8)
        let hash = try #require(GitOID(hex: try repo.rawCommit(bytes)))

        let commit = try GitRepository(opening: repo.path).commit(hash)

        #expect(commit.message.hasPrefix("summary line é\n\nxxx"))
        #expect(commit.message.utf8.count < (64 << 10) + 100)
        #expect(commit.message.hasSuffix("\n\n[tablejohn kept the first 65536 of \(message.utf8.count) bytes of this message]"))
        #expect(commit.author.name == "Bad \u{FFFD}\u{FFFD}\u{FFFD} Name")
        #expect(commit.committer.email.utf8.count <= 1024 + 3)
        #expect(commit.committer.email.hasSuffix("e…"))
    }

    @Test("a cut never splits a multi-byte character")
    func characterBoundary() {
        let text = String(repeating: "é", count: 10)  // 2 bytes each
        let capped = text.withCString { GitText.capped($0, bytes: 5) }
        #expect(capped == "éé…")
    }

    @Test("text packed for a first import is byte for byte what the one-commit reader makes of it")
    func packedText() throws {
        let texts: [[UInt8]] = [
            Array("plain ascii".utf8), [], Array("Zoë ünïcode".utf8), [0x41, 0xff, 0xfe, 0xc3, 0x42],
            Array(repeating: 0x61, count: 1024), Array(repeating: 0x61, count: 1025), Array(String(repeating: "é", count: 700).utf8),
        ]
        for text in texts {
            let expected = (text + [0]).withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { GitText.capped($0.baseAddress!, bytes: 1024) }
            }
            var packed: [UInt8] = [9]
            (text + [0]).withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { GitText.append($0.baseAddress!, bytes: 1024, to: &packed) }
            }
            #expect(packed == [9] + Array(expected.utf8), "\(text.prefix(12))")
        }
    }
}
