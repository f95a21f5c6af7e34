// Reading one commit's metadata and parents.
import CGit2

/// Who made a commit and when, as git records it.
struct GitSignature: Sendable, Equatable {
    var name: String
    var email: String
    /// Seconds since the Unix epoch, within `Timestamp.commitSeconds` (git allows any
    /// 64-bit time; one outside years 1 to 9999 is clamped and shown as unknown).
    var time: Int64
    /// Offset from UTC in minutes.
    var offsetMinutes: Int32

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

    init(name: String, email: String, time: Int64, offsetMinutes: Int32) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }
}

/// A commit as read from the object database. Text fields are decoded as UTF-8 with
/// invalid bytes replaced, so hostile repository contents cannot break decoding, and
/// capped (`GitText`), so a huge message cannot make storing it fail.
struct GitCommit: Sendable {
    var id: GitOID
    /// Parents in the order the commit lists them (first parent first).
    var parents: [GitOID]
    var author: GitSignature
    var committer: GitSignature
    var message: String
}

extension GitRepository {
    /// Reads the commit `oid`.
    func commit(_ oid: GitOID) throws -> GitCommit {
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
