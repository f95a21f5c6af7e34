// What a detection round saw of the database (journal mark, tracked tips), to tell what the next must read.

/// What a round saw of the database, to tell what the next round must look at.
struct DetectionWatermark: Equatable, Sendable {
    var mark: SeriesMark
    /// Each tracked ref's tip.
    var tips: [String: Int64]
}
