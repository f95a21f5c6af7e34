// libgit2 tree and blob objects owned by Swift values that free them.
import CGit2

/// Owns a `git_tree*`.
final class GitTreeHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_tree_free(pointer) }
}

/// Owns a `git_blob*`.
final class GitBlobHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_blob_free(pointer) }
    var contents: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: git_blob_rawcontent(pointer), count: Int(git_blob_rawsize(pointer)))
    }
}
