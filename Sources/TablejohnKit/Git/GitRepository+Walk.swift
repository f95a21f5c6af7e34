// Walking history between two commits, and git's own revision syntax.
import CGit2

extension GitRepository {
    /// Commits reachable from `tip` but not from `excluded`, newest first, at most `limit`.
    /// Walks through a handle of its own (a long walk holds no shared lock).
    public func commits(from tip: GitOID, excluding excluded: GitOID?, limit: Int) throws -> [GitOID] {
        try withOwnHandle { repo in
            var walk: OpaquePointer?
            try gitCheck(git_revwalk_new(&walk, repo), "walk history")
            defer { git_revwalk_free(walk) }
            try gitCheck(git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue), "walk history")
            var start = tip.raw
            try gitCheck(git_revwalk_push(walk, &start), "walk from \(tip.hex)")
            if let excluded {
                var hide = excluded.raw
                try gitCheck(git_revwalk_hide(walk, &hide), "walk excluding \(excluded.hex)")
            }
            var result: [GitOID] = []
            var oid = git_oid()
            while result.count < limit {
                let code = git_revwalk_next(&oid, walk)
                if code == GIT_ITEROVER.rawValue { break }
                try gitCheck(code, "walk history")
                result.append(GitOID(oid))
            }
            return result
        }
    }

    /// Resolves git revision syntax (`HEAD~3`, `main^2`, `v1.0^{commit}`) to a commit.
    /// Only for trusted callers (the owner's control socket): `:/regex` searches the whole
    /// history. Resolves through a handle of its own, so it holds no shared lock.
    public func resolve(_ revision: String) throws -> GitOID {
        try withOwnHandle { repo in
            var object: OpaquePointer?
            try gitCheck(git_revparse_single(&object, repo, revision), "resolve \(revision)")
            defer { git_object_free(object) }
            var commit: OpaquePointer?
            try gitCheck(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), "resolve \(revision) to a commit")
            defer { git_object_free(commit) }
            return GitOID(git_object_id(commit))
        }
    }
}

extension GitRepository {
    /// The best common ancestor of `one` and `other` (what `git merge-base` prints), or nil
    /// when their histories never meet. Through a handle of its own, like a walk.
    func mergeBase(_ one: GitOID, _ other: GitOID) throws -> GitOID? {
        try withOwnHandle { repo in
            var base = git_oid()
            var first = one.raw
            var second = other.raw
            let code = git_merge_base(&base, repo, &first, &second)
            if code == GIT_ENOTFOUND.rawValue { return nil }
            try gitCheck(code, "find the merge base of \(one.hex) and \(other.hex)")
            return GitOID(base)
        }
    }
}
