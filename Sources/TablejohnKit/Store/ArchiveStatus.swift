// What `tjctl archive` reports: rows, time span and size of the live database and the archive.

/// The live database and the archive side by side.
public struct ArchiveStatus: Sendable, Equatable {
    public var live: ArchiveSide
    public var archive: ArchiveSide
    /// The archive's file; nil for an in-memory store.
    public var path: String?
}
