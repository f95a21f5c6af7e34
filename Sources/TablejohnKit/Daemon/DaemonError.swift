// Problems that stop the daemon from starting, each one a single readable line.

/// Why `tablejohnd` cannot start. The executable prints the description and exits with code 2.
public enum DaemonError: Error, CustomStringConvertible {
    case noRepository(path: String, reason: String)
    case cloneFailed(url: String, path: String, reason: String)
    case stateDirectory(path: String, reason: String)
    case database(path: String, reason: String)
    case alreadyRunning(database: String)
    case socketPathTooLong(path: String, limit: Int)
    case noBenchRepository(path: String, reason: String)
    case noServers

    public var description: String {
        switch self {
        case .noRepository(let path, let reason):
            "\(path) is not a git repository (\(reason))"
        case .cloneFailed(let url, let path, let reason):
            "cannot clone \(url) into \(path): \(reason)"
        case .stateDirectory(let path, let reason):
            "cannot create the state folder \(path): \(reason)"
        case .database(let path, let reason):
            "cannot open the database \(path): \(reason)"
        case .alreadyRunning(let database):
            "another tablejohnd is already running on \(database)"
        case .socketPathTooLong(let path, let limit):
            "the control socket path \(path) is longer than \(limit) bytes; choose a shorter one with --socket"
        case .noBenchRepository(let path, let reason):
            "[bench] repo \(path) is not a git repository (\(reason))"
        case .noServers:
            "a runner needs a server: --server URL --token TOKEN, or [[runner.server]] in the configuration"
        }
    }
}
