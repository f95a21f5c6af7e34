// Fetching from a remote URL with explicit refspecs.
import CGit2
import Foundation

extension GitRepository {
    /// The refspecs used when the configuration names none: every branch and tag,
    /// mirrored as local refs (force-updated, so force pushes are followed).
    public static let defaultRefspecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]

    /// Fetches `refspecs` from `url`, pruning refs the remote no longer has. Fails once
    /// the remote stays silent for the network timeout (`setNetworkTimeout`). Fetches
    /// through a repository handle of its own, so reading this one (pages, imports,
    /// archives) never waits for the network.
    public func fetch(url: String, refspecs: [String]) throws {
        try GitRepository(opening: gitDirectory).withHandle { repo in
            var remote: OpaquePointer?
            try gitCheck(git_remote_create_anonymous(&remote, repo, url), "fetch \(url)")
            defer { git_remote_free(remote) }
            var options = git_fetch_options()
            try gitCheck(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "fetch options")
            options.prune = GIT_FETCH_PRUNE
            options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
            try withStringArray(refspecs) { array in
                try gitCheck(git_remote_fetch(remote, &array, &options, "tablejohn fetch"), "fetch \(url)")
            }
        }
    }
}

/// Lends `strings` to libgit2 as a `git_strarray` for the duration of `body`.
func withStringArray<T>(_ strings: [String], _ body: (inout git_strarray) throws -> T) rethrows -> T {
    let pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    var mutable = pointers
    return try mutable.withUnsafeMutableBufferPointer { buffer in
        var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
        return try body(&array)
    }
}
