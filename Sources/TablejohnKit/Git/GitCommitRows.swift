// Commits read in bulk for storing: every text field of a batch in one byte buffer.
import CGit2

/// Commits as a long walk reads them, packed for storing: the hash in hex, names,
/// emails and message of every commit lie back to back in one byte buffer, as the
/// same capped, valid UTF-8 as `GitCommit`'s strings. A batch of thousands of commits
/// costs a few allocations instead of seven per commit.
struct GitCommitRows: Sendable {
    /// One commit's numbers. `mark` is the reader's own: the importer keeps reachability there.
    struct Entry: Sendable {
        var mark: Int64
        var authorTime: Int64
        var authorOffset: Int64
        var committerTime: Int64
        var committerOffset: Int64
    }

    /// The text fields of each commit, in `text`: hash, author name, author email,
    /// committer name, committer email, message.
    static let fieldsPerCommit = 6

    private(set) var entries: [Entry] = []
    /// Every text field, back to back.
    private(set) var text: [UInt8] = []
    /// Where each field ends in `text`; field `k` of entry `i` is `bounds[6i + k] ..< bounds[6i + k + 1]`.
    private(set) var bounds: [Int] = [0]

    init() {}

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }

    /// The bytes of field `field` of entry `index`.
    func field(_ field: Int, of index: Int) -> Range<Int> {
        let at = index * Self.fieldsPerCommit + field
        return bounds[at]..<bounds[at + 1]
    }

    private mutating func endField() { bounds.append(text.count) }

    mutating func appendHex(_ oid: GitOID) {
        var raw = oid.raw
        withUnsafeBytes(of: &raw.id) { bytes in
            let digits: StaticString = "0123456789abcdef"
            let table = digits.utf8Start
            for byte in bytes {
                text.append(table[Int(byte >> 4)])
                text.append(table[Int(byte & 0x0f)])
            }
        }
        endField()
    }

    mutating func appendSignature(_ signature: UnsafePointer<git_signature>?) -> (time: Int64, offset: Int64) {
        GitText.append(signature?.pointee.name, bytes: GitText.maximumNameBytes, to: &text)
        endField()
        GitText.append(signature?.pointee.email, bytes: GitText.maximumNameBytes, to: &text)
        endField()
        guard let when = signature?.pointee.when else { return (0, 0) }
        return (Timestamp.clampedCommitSeconds(Int64(when.time)), Int64(when.offset))
    }

    mutating func appendMessage(_ message: UnsafePointer<CChar>?) {
        GitText.append(message, bytes: GitText.maximumMessageBytes, to: &text)
        endField()
    }

    mutating func appendEntry(_ entry: Entry) { entries.append(entry) }
}

extension GitRepository {
    /// Reads commit `oid` into `rows` with `mark`, and puts its parents (first parent
    /// first) in `parents`. Reads what `commit(_:)` reads, without a `String` per field.
    func readCommit(_ oid: GitOID, mark: Int64, into rows: inout GitCommitRows, parents: inout [GitOID]) throws {
        try withHandle { repo in
            var raw = oid.raw
            var commit: OpaquePointer?
            try gitCheck(git_commit_lookup(&commit, repo, &raw), "read commit \(oid.hex)")
            defer { git_commit_free(commit) }
            parents.removeAll(keepingCapacity: true)
            for index in 0..<git_commit_parentcount(commit) {
                parents.append(GitOID(git_commit_parent_id(commit, index)))
            }
            rows.appendHex(oid)
            let author = rows.appendSignature(git_commit_author(commit))
            let committer = rows.appendSignature(git_commit_committer(commit))
            rows.appendMessage(git_commit_message_raw(commit))
            rows.appendEntry(.init(mark: mark, authorTime: author.time, authorOffset: author.offset,
                                   committerTime: committer.time, committerOffset: committer.offset))
        }
    }
}
