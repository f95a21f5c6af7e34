// What `tjctl archive` reports: rows, time span and size of the live database and the archive.

/// The runs kept in one of the two databases.
public struct ArchiveSide: Sendable, Equatable {
    public var runs: Int
    public var measurements: Int
    public var outputLines: Int
    /// Start times (Unix milliseconds) of the oldest and newest run; nil without runs.
    public var oldest: Int64?
    public var newest: Int64?
    /// The database's size in bytes (its pages; the file may be larger until vacuumed).
    public var bytes: Int64
}

/// The live database and the archive side by side.
public struct ArchiveStatus: Sendable, Equatable {
    public var live: ArchiveSide
    public var archive: ArchiveSide
    /// The archive's file; nil for an in-memory store.
    public var path: String?
}

/// How many runs one `archive.move` or `archive.restore` moved, and how.
public struct ArchiveMoveReport: Sendable, Equatable {
    public var runs: Int
    /// Transactions (of at most `Store.archiveBatchSize` runs) it took.
    public var batches: Int
    public var milliseconds: Int64
}

/// Which live runs an archive move takes.
public struct ArchiveSelection: Sendable, Equatable {
    /// Runs started before this time (Unix milliseconds).
    public var before: Int64
    /// Only runs of commits on this commit's first-parent line (a ref's tip).
    public var refCommitID: Int64?
    /// The newest this many runs of the selection stay live, however old.
    public var keepLast: Int

    public init(before: Int64, refCommitID: Int64? = nil, keepLast: Int = 0) {
        self.before = before
        self.refCommitID = refCommitID
        self.keepLast = keepLast
    }
}

/// Which archived runs a restore brings back; nil bounds do not filter.
public struct RestoreSelection: Sendable, Equatable {
    /// Runs started before this time.
    public var before: Int64?
    /// Runs started at or after this time.
    public var after: Int64?

    public init(before: Int64? = nil, after: Int64? = nil) {
        self.before = before
        self.after = after
    }
}

/// Why an archive command did nothing.
public enum DatabaseArchiveError: Error, Equatable, CustomStringConvertible {
    /// Another move or restore is running; one at a time.
    case busy

    public var description: String {
        switch self {
        case .busy: "an archive move or restore is already running; try again when it has finished"
        }
    }
}
