// The runs one of the two databases (live or archive) holds: counts, time span, size.

/// The runs kept in one of the two databases.
struct ArchiveSide: Sendable, Equatable {
    var runs: Int
    var measurements: Int
    var outputLines: Int
    /// Start times (Unix milliseconds) of the oldest and newest run; nil without runs.
    var oldest: Int64?
    var newest: Int64?
    /// The database's size in bytes (its pages; the file may be larger until vacuumed).
    var bytes: Int64
}
