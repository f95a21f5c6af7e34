// What a full commit hash looks like: the one check the runner protocol, the run codec and the pages use.

/// Full commit hashes as text: 40 ASCII hex digits. Untrusted text (a reply, a submitted
/// run, an address) is checked here before it reaches a URL, a folder name or a lookup.
enum CommitHash {
    /// 40 ASCII hex digits, either case (fullwidth digits and other Unicode hex forms are not).
    static func isFull(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0) }
    }

    /// 40 lowercase ASCII hex digits: a hash as git and the database write it (the canonical address).
    static func isCanonical(_ text: String) -> Bool {
        isFull(text) && !text.utf8.contains { (0x41...0x46).contains($0) }
    }
}
