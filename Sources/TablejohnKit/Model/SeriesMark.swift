// Where the series journal stood when something was read.

/// Where the series journal stood when something was read: cached series built at a mark
/// take the journal's later runs as they come and are read again once the epoch moves.
struct SeriesMark: Sendable, Equatable {
    /// Moves on any change other than an inserted run (see the "v6 series journal" migration).
    var epoch: Int64
    /// The journal position of the last inserted run.
    var journal: Int64
}
