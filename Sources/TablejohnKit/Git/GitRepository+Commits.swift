// Reading one commit's metadata and parents.
import CGit2
import Foundation

/// Who made a commit and when, as git records it.
public struct GitSignature: Sendable, Equatable {
    public var name: String
    public var email: String
    /// Seconds since the Unix epoch, within `Timestamp.commitSeconds` (git allows any
    /// 64-bit time; one outside years 1 to 9999 is clamped and shown as unknown).
    public var time: Int64
    /// Offset from UTC in minutes.
    public var offsetMinutes: Int32

    init(_ signature: UnsafePointer<git_signature>?) {
        guard let signature else {
            self.init(name: "", email: "", time: 0, offsetMinutes: 0)
            return
        }
        let s = signature.pointee
        self.init(name: s.name.map { GitText.capped($0, bytes: GitText.maximumNameBytes) } ?? "",
                  email: s.email.map { GitText.capped($0, bytes: GitText.maximumNameBytes) } ?? "",
                  time: Timestamp.clampedCommitSeconds(Int64(s.when.time)), offsetMinutes: Int32(s.when.offset))
    }

    public init(name: String, email: String, time: Int64, offsetMinutes: Int32) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }
}

/// A commit as read from the object database. Text fields are decoded as UTF-8 with
/// invalid bytes replaced, so hostile repository contents cannot break decoding, and
/// capped (`GitText`), so a huge message cannot make storing it fail.
public struct GitCommit: Sendable {
    public var id: GitOID
    /// Parents in the order the commit lists them (first parent first).
    public var parents: [GitOID]
    public var author: GitSignature
    public var committer: GitSignature
    public var message: String
}

extension GitRepository {
    /// Reads the commit `oid`.
    public func commit(_ oid: GitOID) throws -> GitCommit {
        try withHandle { repo in
            var raw = oid.raw
            var commit: OpaquePointer?
            try gitCheck(git_commit_lookup(&commit, repo, &raw), "read commit \(oid.hex)")
            defer { git_commit_free(commit) }
            let count = git_commit_parentcount(commit)
            var parents: [GitOID] = []
            parents.reserveCapacity(Int(count))
            for index in 0..<count {
                parents.append(GitOID(git_commit_parent_id(commit, index)))
            }
            let message = git_commit_message_raw(commit).map { GitText.capped($0, bytes: GitText.maximumMessageBytes) } ?? ""
            return GitCommit(id: oid, parents: parents,
                             author: GitSignature(git_commit_author(commit)),
                             committer: GitSignature(git_commit_committer(commit)),
                             message: message)
        }
    }
}

/// Text from commit headers, as stored: valid UTF-8 (invalid bytes replaced) of bounded size.
enum GitText {
    /// A message longer than this is stored cut, with a line saying so. A 300 MB
    /// message packs to a few hundred KB; stored whole it was copied by every listing,
    /// and above SQLite's 1 GB limit it failed the import transaction every round.
    static let maximumMessageBytes = 64 << 10
    /// Author and committer names and emails longer than this are cut.
    static let maximumNameBytes = 1024

    /// The C string at `pointer`, at most `bytes` bytes of it (cut at a character
    /// boundary, with a note of the full size), invalid UTF-8 replaced.
    static func capped(_ pointer: UnsafePointer<CChar>, bytes limit: Int) -> String {
        let length = strlen(pointer)
        let raw = UnsafeRawBufferPointer(start: pointer, count: length)
        guard length > limit else { return String(decoding: raw, as: UTF8.self) }
        var end = limit
        // Do not cut inside a multi-byte sequence: continuation bytes are 10xxxxxx.
        while end > 0, raw[end] & 0xC0 == 0x80 { end -= 1 }
        let kept = String(decoding: UnsafeRawBufferPointer(rebasing: raw[..<end]), as: UTF8.self)
        return limit >= 4096 ? kept + "\n\n[tablejohn kept the first \(end) of \(length) bytes of this message]" : kept + "…"
    }
}
