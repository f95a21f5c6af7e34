// A commit's tree as a tar.gz, read straight from the object database: measured against limits, then streamed.
import CGit2

extension GitRepository {
    /// The tree of commit `oid` as a gzip-compressed tar, collected in memory. For
    /// callers that want the whole archive (tests, the harness); the server streams.
    func treeArchive(commit oid: GitOID, limits: TreeArchiveLimits = TreeArchiveLimits()) throws -> [UInt8] {
        let stream = try treeArchiveStream(commit: oid, limits: limits)
        var bytes: [UInt8] = []
        while let chunk = try stream.next() { bytes += chunk }
        return bytes
    }

    /// The tree of commit `oid` as a stream of tar.gz pieces, after checking the whole
    /// tree against `limits` (throwing `TreeArchiveLimitError` before any byte is made).
    /// The stream reads through a repository handle of its own, so a long archive never
    /// holds this handle's lock. Blocking: call it off the cooperative pool.
    func treeArchiveStream(commit oid: GitOID, limits: TreeArchiveLimits) throws -> TreeArchiveStream {
        let own = try GitRepository(opening: gitDirectory)
        return try own.withHandle { repo in
            var raw = oid.raw
            var commit: OpaquePointer?
            try gitCheck(git_commit_lookup(&commit, repo, &raw), "read commit \(oid.hex)")
            defer { git_commit_free(commit) }
            var tree: OpaquePointer?
            try gitCheck(git_commit_tree(&tree, commit), "read the tree of \(oid.hex)")
            let root = GitTreeHandle(tree!)
            try Self.measure(root, repo: repo, limits: limits, commit: oid.hex)
            return try TreeArchiveStream(repository: own, root: root, mtime: Int64(git_commit_time(commit)))
        }
    }

    /// What a tree expands to: its entries (recursively), blob bytes and nesting depth.
    private struct TreeSize {
        var entries = 0
        var bytes: Int64 = 0
        var depth = 0
    }

    /// Checks the tree against `limits` without reading any blob: sizes come from object
    /// headers, and each distinct subtree is measured once (a git bomb's thousand-million
    /// entries are a dozen trees). Iterative, so deep nesting cannot overflow the stack.
    private static func measure(_ root: GitTreeHandle, repo: OpaquePointer, limits: TreeArchiveLimits, commit: String) throws {
        var odb: OpaquePointer?
        try gitCheck(git_repository_odb(&odb, repo), "open the object database")
        defer { git_odb_free(odb) }
        func refuse(_ limit: TreeArchiveLimitError.Limit, _ allowed: String, _ path: String? = nil) -> TreeArchiveLimitError {
            TreeArchiveLimitError(commit: commit, limit: limit, allowed: allowed, path: path)
        }
        var sizes: [GitOID: TreeSize] = [:]
        // Trees still to measure, with their level (the root's entries are at level 1).
        var pending: [(oid: GitOID, level: Int)] = [(GitOID(git_tree_id(root.pointer)), 1)]
        while let top = pending.last {
            let (oid, level) = top
            if sizes[oid] != nil {
                pending.removeLast()
                continue
            }
            var raw = oid.raw
            var looked: OpaquePointer?
            try gitCheck(git_tree_lookup(&looked, repo, &raw), "read tree \(oid.hex)")
            let tree = GitTreeHandle(looked!)
            var size = TreeSize()
            var missing = false
            for index in 0..<git_tree_entrycount(tree.pointer) {
                guard let entry = git_tree_entry_byindex(tree.pointer, index) else { continue }
                size.entries += 1
                switch git_tree_entry_filemode(entry) {
                case GIT_FILEMODE_TREE:
                    let child = GitOID(git_tree_entry_id(entry))
                    if let known = sizes[child] {
                        size.entries = size.entries.addingSaturated(known.entries)
                        size.bytes = size.bytes.addingSaturated(known.bytes)
                        size.depth = max(size.depth, known.depth + 1)
                    } else {
                        guard level < limits.depth else {
                            throw refuse(.depth, "\(limits.depth)", String(cString: git_tree_entry_name(entry)))
                        }
                        pending.append((child, level + 1))
                        missing = true
                    }
                case GIT_FILEMODE_BLOB, GIT_FILEMODE_BLOB_EXECUTABLE, GIT_FILEMODE_LINK:
                    var length = 0
                    var type = GIT_OBJECT_INVALID
                    try gitCheck(git_odb_read_header(&length, &type, odb, git_tree_entry_id(entry)), "read blob \(GitOID(git_tree_entry_id(entry)).hex)")
                    guard Int64(length) <= limits.blobBytes else {
                        throw refuse(.blobBytes, limits.blobBytes.byteSizeText, String(cString: git_tree_entry_name(entry)))
                    }
                    size.bytes = size.bytes.addingSaturated(Int64(length))
                    size.depth = max(size.depth, 1)
                default:
                    size.depth = max(size.depth, 1)
                }
            }
            guard !missing else { continue }  // measure the subtrees first, then this tree again
            guard size.entries <= limits.entries else { throw refuse(.entries, "\(limits.entries)") }
            guard size.bytes <= limits.bytes else { throw refuse(.bytes, limits.bytes.byteSizeText) }
            guard size.depth + level - 1 <= limits.depth else { throw refuse(.depth, "\(limits.depth)") }
            sizes[oid] = size
            pending.removeLast()
        }
    }
}

private extension FixedWidthInteger {
    /// The sum, or the largest value when it overflows (sizes only grow towards a limit).
    func addingSaturated(_ other: Self) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
