// Writing a measured tree as tar.gz a piece at a time, so the server never holds a whole archive.
import CGit2

/// A commit's tree being written as tar.gz. Each `next()` adds entries (and pieces of
/// large files) until about `chunkBytes` of compressed output are ready, and returns
/// them; nil once the archive is complete. Not thread-safe: one caller at a time (the
/// archive route calls it from a worker thread, one piece after the other).
final class TreeArchiveStream: @unchecked Sendable {
    private struct Frame {
        let tree: GitTreeHandle
        let prefix: String
        var index = 0
    }

    private let repository: GitRepository
    private let writer: TarGzWriter
    private var frames: [Frame]
    /// The file being written, its path and how much of it is written.
    private var blob: (handle: GitBlobHandle, path: String, offset: Int)?
    private var done = false

    /// Compressed bytes per piece, and file bytes written per step.
    static let chunkBytes = 256 << 10
    static let writeBytes = 1 << 20

    init(repository: GitRepository, root: GitTreeHandle, mtime: Int64) throws {
        self.repository = repository
        self.writer = try TarGzWriter(mtime: mtime)
        self.frames = [Frame(tree: root, prefix: "")]
    }

    /// The next piece of the archive, or nil when it is complete.
    func next() throws -> [UInt8]? {
        guard !done else { return nil }
        try repository.withHandle { repo in
            while writer.pendingCount < Self.chunkBytes, !frames.isEmpty || blob != nil {
                try step(repo)
            }
        }
        if frames.isEmpty && blob == nil {
            done = true
            return try writer.finish()
        }
        return writer.take()
    }

    /// Writes one piece of the current file, or one entry.
    private func step(_ repo: OpaquePointer) throws {
        if let current = blob {
            let (handle, path, offset) = current
            let contents = handle.contents
            let end = min(contents.count, offset + Self.writeBytes)
            try writer.write(UnsafeRawBufferPointer(rebasing: contents[offset..<end]), path: path)
            blob = end == contents.count ? nil : (handle, path, end)
            return
        }
        let top = frames.count - 1
        let frame = frames[top]
        guard frame.index < git_tree_entrycount(frame.tree.pointer) else {
            frames.removeLast()
            return
        }
        frames[top].index += 1
        guard let entry = git_tree_entry_byindex(frame.tree.pointer, frame.index) else { return }
        let path = frame.prefix + String(cString: git_tree_entry_name(entry))
        switch git_tree_entry_filemode(entry) {
        case GIT_FILEMODE_TREE:
            try writer.addHeader(path: path, kind: .directory, size: 0)
            var subtree: OpaquePointer?
            try gitCheck(git_tree_lookup(&subtree, repo, git_tree_entry_id(entry)), "read tree \(path)")
            frames.append(Frame(tree: GitTreeHandle(subtree!), prefix: path + "/"))
        case GIT_FILEMODE_BLOB, GIT_FILEMODE_BLOB_EXECUTABLE, GIT_FILEMODE_LINK:
            var looked: OpaquePointer?
            try gitCheck(git_blob_lookup(&looked, repo, git_tree_entry_id(entry)), "read blob \(path)")
            let handle = GitBlobHandle(looked!)
            switch git_tree_entry_filemode(entry) {
            case GIT_FILEMODE_LINK:
                try writer.addHeader(path: path, kind: .symlink(target: String(decoding: handle.contents, as: UTF8.self)), size: 0)
            case let mode:
                try writer.addHeader(path: path, kind: .file(executable: mode == GIT_FILEMODE_BLOB_EXECUTABLE), size: handle.contents.count)
                blob = (handle, path, 0)
            }
        case GIT_FILEMODE_COMMIT:
            // Submodules become empty directories: their commits are not in this repository.
            try writer.addHeader(path: path, kind: .directory, size: 0)
        default:
            return
        }
    }
}
