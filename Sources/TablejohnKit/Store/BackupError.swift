// Why `tjctl backup` (`db.backup`) refused or failed; the live database is untouched either way.

/// A refused or failed backup. No file is left behind at the destination.
enum BackupError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The destination is not an absolute path (the daemon resolves it, not the caller).
    case notAbsolute(String)
    /// The destination exists and replacing was not asked for.
    case exists(String)
    /// The destination is the live database or one of its -wal/-shm files.
    case liveDatabase(String)
    /// The destination's folder is missing or not writable by the daemon.
    case destination(path: String, reason: String)
    /// The copy failed, or did not pass `PRAGMA integrity_check`.
    case failed(String)

    var description: String {
        switch self {
        case .notAbsolute(let path): "\(path) is not an absolute path; the daemon writes the backup, so give the full path"
        case .exists(let path): "\(path) exists; give --force (\"force\": true) to replace it"
        case .liveDatabase(let path): "\(path) is the live database; back it up to another file"
        case .destination(let path, let reason): "cannot write \(path): \(reason)"
        case .failed(let reason): "backup failed: \(reason)"
        }
    }
}
