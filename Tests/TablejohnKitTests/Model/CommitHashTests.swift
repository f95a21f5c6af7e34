import Testing
@testable import TablejohnKit

@Suite("Commit hashes")
struct CommitHashTests {
    @Test("a full hash is 40 ASCII hex digits; fullwidth digits, 39 or 41 digits and other letters are not")
    func full() {
        let hash = String(repeating: "a1", count: 20)
        #expect(CommitHash.isFull(hash))
        #expect(CommitHash.isFull(hash.uppercased()))
        #expect(CommitHash.isCanonical(hash))
        #expect(!CommitHash.isCanonical(hash.uppercased()))
        #expect(!CommitHash.isFull(String(hash.dropLast())))
        #expect(!CommitHash.isFull(hash + "0"))
        #expect(!CommitHash.isFull(String(repeating: "g", count: 40)))
        // "Ａ" (U+FF21) is a hex digit to Character.isHexDigit, not to git.
        #expect(!CommitHash.isFull(String(repeating: "\u{FF21}", count: 40)))
        #expect(!CommitHash.isFull(String(repeating: "a", count: 39) + "\u{0}"))
    }
}
