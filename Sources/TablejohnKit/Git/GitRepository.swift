// The repository handle: opening, cloning and the lock that serialises libgit2 use.
import CGit2
import CGitStream
import Foundation

/// Owns one `git_repository*`. libgit2 objects must not be used from two threads at
/// once, so every operation takes the repository's lock; that is what makes the
/// class safe to share (`@unchecked Sendable`).
public final class GitRepository: @unchecked Sendable {
    let handle: OpaquePointer
    private let lock = NSLock()

    /// The repository's git directory (`.git` of a checkout, or the bare repository).
    let gitDirectory: String
    /// The working tree, or nil for a bare repository.
    let workingDirectory: String?
    var isBare: Bool { workingDirectory == nil }

    private static let libraryReady: Void = {
        git_libgit2_init()
        // The importer reads each commit once, so the object cache never hits; worse,
        // once full it evicts, and its hash table's probes grew until oid comparisons
        // took a fifth of a 1M-commit import.
        tj_git_enable_caching(0)
        // libgit2 maps pack files in windows of up to 1 GiB and unmaps nothing below
        // 8 GiB, so a walk over a 1M-commit repository kept its whole 530 MB pack in
        // memory. Windows of 16 MiB, at most 64 MiB mapped: a first import reads the
        // pack nearly in order, so windows are seldom mapped twice.
        tj_git_set_pack_windows(16 << 20, 64 << 20)
        // Reading an object hashed it again to compare with its id: 4 % of a first
        // import. git does not re-hash objects it reads either; fetches still check
        // every object they receive (the indexer computes the ids itself).
        tj_git_verify_object_hashes(0)
        // Network connections time out (libgit2 1.5 has no timeout of its own).
        tj_git_register_timeout_stream(Int32(defaultNetworkTimeout.milliseconds))
    }()

    /// How long a remote may stay silent during a fetch or clone unless configured.
    static let defaultNetworkTimeout: Duration = .seconds(300)

    /// Makes fetches and clones fail once the remote has sent nothing for `timeout`
    /// (connecting, and each read or write); for the whole process.
    static func setNetworkTimeout(_ timeout: Duration) {
        libraryReady
        let milliseconds = min(max(timeout.milliseconds, 1), Int64(Int32.max))
        tj_git_register_timeout_stream(Int32(milliseconds))
    }

    private init(handle: OpaquePointer) {
        self.handle = handle
        self.gitDirectory = Self.trimSlash(String(cString: git_repository_path(handle)))
        if let workdir = git_repository_workdir(handle) {
            self.workingDirectory = Self.trimSlash(String(cString: workdir))
        } else {
            self.workingDirectory = nil
        }
    }

    deinit { git_repository_free(handle) }

    /// Opens the bare or non-bare repository at `path`, or the checkout that contains it.
    public convenience init(opening path: String) throws {
        Self.libraryReady
        var handle: OpaquePointer?
        let code = git_repository_open_ext(&handle, path, 0, nil)
        guard code == 0, let handle else {
            throw GitError("open repository \(path)", code: code)
        }
        self.init(handle: handle)
    }

    /// Clones `url` as a bare mirror at `path`: the remote's branches become local
    /// branches (`refs/heads/*`), as `git clone --bare` does, and HEAD follows the
    /// remote's default branch.
    static func cloneBare(url: String, to path: String) throws -> GitRepository {
        libraryReady
        var options = git_clone_options()
        try gitCheck(git_clone_options_init(&options, UInt32(GIT_CLONE_OPTIONS_VERSION)), "clone options")
        options.bare = 1
        options.remote_cb = { remote, repo, name, url, _ in
            git_remote_create_with_fetchspec(remote, repo, name, url, "+refs/heads/*:refs/heads/*")
        }
        var handle: OpaquePointer?
        let code = git_clone(&handle, url, path, &options)
        guard code == 0, let handle else { throw GitError("clone \(url)", code: code) }
        adoptRemoteDefaultBranch(handle)
        return GitRepository(handle: handle)
    }

    /// With a mirror fetchspec, libgit2 records the remote's default branch in
    /// `refs/remotes/origin/HEAD` but leaves HEAD at its own default; point HEAD at the
    /// remote's branch (so it is tracked by default) and drop the leftover ref.
    private static func adoptRemoteDefaultBranch(_ repo: OpaquePointer) {
        var remoteHead: OpaquePointer?
        guard git_reference_lookup(&remoteHead, repo, "refs/remotes/origin/HEAD") == 0 else { return }
        defer { git_reference_free(remoteHead) }
        if git_reference_type(remoteHead) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(remoteHead) {
            git_repository_set_head(repo, target)
        }
        git_reference_delete(remoteHead)
    }

    /// Runs `body` with a libgit2 handle of its own, opened for the call: for operations
    /// that may take long (history walks, git's revision syntax), so they never hold the
    /// shared handle's lock that imports and archives take.
    func withOwnHandle<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        try GitRepository(opening: gitDirectory).withHandle(body)
    }

    /// Runs `body` with exclusive use of the libgit2 handle.
    func withHandle<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(handle)
    }

    private static func trimSlash(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
