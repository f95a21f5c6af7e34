// A commit's tree as a tar.gz, read straight from the object database.
import CGit2

extension GitRepository {
    /// The tree of commit `oid` as a gzip-compressed tar: files with their git modes
    /// (0644 or 0755), symlinks as symlinks, every entry dated at the commit time.
    /// Submodules become empty directories (their commits are not in this repository).
    public func treeArchive(commit oid: GitOID) throws -> [UInt8] {
        try withHandle { repo in
            var raw = oid.raw
            var commit: OpaquePointer?
            try gitCheck(git_commit_lookup(&commit, repo, &raw), "read commit \(oid.hex)")
            defer { git_commit_free(commit) }
            var tree: OpaquePointer?
            try gitCheck(git_commit_tree(&tree, commit), "read the tree of \(oid.hex)")
            defer { git_tree_free(tree) }
            let writer = try TarGzWriter(mtime: Int64(git_commit_time(commit)))
            try Self.addTree(tree!, prefix: "", repo: repo, to: writer)
            return try writer.finish()
        }
    }

    private static func addTree(_ tree: OpaquePointer, prefix: String, repo: OpaquePointer, to writer: TarGzWriter) throws {
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let path = prefix + String(cString: git_tree_entry_name(entry))
            switch git_tree_entry_filemode(entry) {
            case GIT_FILEMODE_TREE:
                try writer.add(path: path, kind: .directory)
                var subtree: OpaquePointer?
                try gitCheck(git_tree_lookup(&subtree, repo, git_tree_entry_id(entry)), "read tree \(path)")
                defer { git_tree_free(subtree) }
                try addTree(subtree!, prefix: path + "/", repo: repo, to: writer)
            case GIT_FILEMODE_BLOB, GIT_FILEMODE_BLOB_EXECUTABLE, GIT_FILEMODE_LINK:
                var blob: OpaquePointer?
                try gitCheck(git_blob_lookup(&blob, repo, git_tree_entry_id(entry)), "read blob \(path)")
                defer { git_blob_free(blob) }
                let contents = UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: Int(git_blob_rawsize(blob)))
                switch git_tree_entry_filemode(entry) {
                case GIT_FILEMODE_LINK:
                    try writer.add(path: path, kind: .symlink(target: String(decoding: contents, as: UTF8.self)))
                case let mode:
                    try writer.add(path: path, kind: .file(executable: mode == GIT_FILEMODE_BLOB_EXECUTABLE), contents: contents)
                }
            case GIT_FILEMODE_COMMIT:
                try writer.add(path: path, kind: .directory)
            default:
                continue
            }
        }
    }
}
