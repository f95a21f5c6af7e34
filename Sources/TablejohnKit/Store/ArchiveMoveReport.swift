// How many runs one archive move or restore moved, in how many batches, how long it took.

/// How many runs one `archive.move` or `archive.restore` moved, and how.
struct ArchiveMoveReport: Sendable, Equatable {
    var runs: Int
    /// Transactions (of at most `Store.archiveBatchSize` runs) it took.
    var batches: Int
    var milliseconds: Int64
}
