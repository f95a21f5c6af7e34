// Raises the soft limit on open descriptors to the hard limit at start.
import Foundation

/// The daemon's descriptors are shared by client connections, SQLite, libgit2 and
/// runs; Debian's default soft limit of 1024 is reached by a few hundred slow clients
/// plus a fetch. The hard limit (usually 524288 under systemd) is the real ceiling.
enum DescriptorLimit {
    static func raise() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = max(limit.rlim_cur, min(limit.rlim_max, 65_536))
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
