// Listing references, HEAD's branch and ancestry questions.
import CGit2

/// A reference that peels to a commit.
struct GitReference: Hashable, Sendable {
    let name: String
    let target: GitOID
}

extension GitRepository {
    /// Every direct reference under `refs/` that peels to a commit, sorted by name.
    /// Symbolic references (such as `refs/remotes/origin/HEAD`) are skipped: they only
    /// repeat another reference.
    func references() throws -> [GitReference] {
        try withHandle { repo in
            var iterator: OpaquePointer?
            try gitCheck(git_reference_iterator_new(&iterator, repo), "list references")
            defer { git_reference_iterator_free(iterator) }
            var result: [GitReference] = []
            while true {
                var ref: OpaquePointer?
                let code = git_reference_next(&ref, iterator)
                if code == GIT_ITEROVER.rawValue { break }
                try gitCheck(code, "list references")
                defer { git_reference_free(ref) }
                guard git_reference_type(ref) == GIT_REFERENCE_DIRECT else { continue }
                let name = String(cString: git_reference_name(ref))
                guard name.hasPrefix("refs/") else { continue }
                var peeled: OpaquePointer?
                guard git_reference_peel(&peeled, ref, GIT_OBJECT_COMMIT) == 0 else { continue }
                defer { git_object_free(peeled) }
                result.append(GitReference(name: name, target: GitOID(git_object_id(peeled))))
            }
            return result.sorted { $0.name < $1.name }
        }
    }

    /// The full name of the branch HEAD points to (`refs/heads/main`), also when that
    /// branch has no commits yet; nil when HEAD is detached.
    func headBranch() -> String? {
        withHandle { repo in
            var head: OpaquePointer?
            guard git_reference_lookup(&head, repo, "HEAD") == 0 else { return nil }
            defer { git_reference_free(head) }
            guard git_reference_type(head) == GIT_REFERENCE_SYMBOLIC,
                  let target = git_reference_symbolic_target(head) else { return nil }
            return String(cString: target)
        }
    }

    /// The commit HEAD points to (through its branch, or detached), nil when there is none.
    func headCommit() -> GitOID? {
        withHandle { repo in
            var oid = git_oid()
            guard git_reference_name_to_id(&oid, repo, "HEAD") == 0 else { return nil }
            return GitOID(oid)
        }
    }

    /// Whether `descendant` has `ancestor` in its history (or is it).
    func isDescendant(_ descendant: GitOID, of ancestor: GitOID) -> Bool {
        if descendant == ancestor { return true }
        return withHandle { repo in
            var d = descendant.raw
            var a = ancestor.raw
            return git_graph_descendant_of(repo, &d, &a) == 1
        }
    }
}
