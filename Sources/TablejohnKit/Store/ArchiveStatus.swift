// What `tjctl archive` reports: rows, time span and size of the live database and the archive.

/// The live database and the archive side by side.
struct ArchiveStatus: Sendable, Equatable {
    var live: ArchiveSide
    var archive: ArchiveSide
    /// The archive's file; nil for an in-memory store.
    var path: String?
}
