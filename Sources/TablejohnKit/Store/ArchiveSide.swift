// The runs one of the two databases (live or archive) holds: counts, time span, size.

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
