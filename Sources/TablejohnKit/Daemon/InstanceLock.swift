// An exclusive lock beside the database, so two daemons never share one database.
import Foundation

/// Holds `flock` on `<database>.lock` for the lifetime of the daemon. The kernel
/// releases it when the process dies, so a crash never leaves a stale lock.
final class InstanceLock: Sendable {
    private let descriptor: Int32

    init(database: String) throws {
        let path = database + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw DaemonError.database(path: path, reason: String(cString: strerror(errno)))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw DaemonError.alreadyRunning(database: database)
        }
        descriptor = fd
    }

    deinit { close(descriptor) }
}
