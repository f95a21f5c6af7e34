// How many runs one archive move or restore moved, in how many batches, how long it took.

/// How many runs one `archive.move` or `archive.restore` moved, and how.
public struct ArchiveMoveReport: Sendable, Equatable {
    public var runs: Int
    /// Transactions (of at most `Store.archiveBatchSize` runs) it took.
    public var batches: Int
    public var milliseconds: Int64
}
