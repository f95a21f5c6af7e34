import Testing
@testable import TablejohnKit

@Suite("Walked commits table")
struct WalkedCommitsTests {
    /// A deterministic object id from a number (SplitMix64 spreads the bits).
    static func oid(_ n: UInt64) -> GitOID {
        var state = n &* 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let hex = (0..<3).map { _ in String(next(), radix: 16) }.joined()
        return GitOID(hex: String((hex + String(repeating: "0", count: 40)).prefix(40)))!
    }

    @Test("100,000 commits met: each found at its index with the state it was given; others not found")
    func manyCommits() {
        // Given a table that met 100,000 commits, every third stored, every fifth missing
        var table = WalkedCommits()
        for n in 0..<100_000 {
            let index = table.insert(Self.oid(UInt64(n)))
            #expect(index == n)
            if n % 3 == 0 { table.set(.stored(Int64(n) + 1), at: index) } else if n % 5 == 0 { table.set(.missing, at: index) }
        }

        // When each is looked up, Then it is where it was put, in its state
        var wrong = 0
        for n in 0..<100_000 {
            let expected: WalkedCommits.State = n % 3 == 0 ? .stored(Int64(n) + 1) : n % 5 == 0 ? .missing : .pending
            if table.index(of: Self.oid(UInt64(n))) != n || table.state(of: Self.oid(UInt64(n))) != expected { wrong += 1 }
        }
        #expect(wrong == 0)
        #expect(table.count == 100_000)
        // And inserting again finds the same entry; commits never met are not found
        #expect(table.insert(Self.oid(42)) == 42 && table.count == 100_000)
        #expect((100_000..<101_000).allSatisfy { table.index(of: Self.oid(UInt64($0))) == nil })
    }

    @Test("object ids that agree in their first bytes still find their own entries")
    func sharedPrefixes() {
        var table = WalkedCommits()
        let oids = (0..<5000).map { GitOID(hex: "00000000000000000000000000000000" + String(format: "%08x", $0))! }
        for (n, oid) in oids.enumerated() { table.set(.stored(Int64(n) + 1), at: table.insert(oid)) }
        #expect(oids.enumerated().allSatisfy { table.state(of: $0.element) == .stored(Int64($0.offset) + 1) })
    }
}
