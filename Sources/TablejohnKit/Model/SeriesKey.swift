// A series: one metric on one machine.

/// A metric on one machine: the unit detection works on (within each tracked ref).
struct SeriesKey: Hashable, Sendable {
    var metric: String
    /// The runner fingerprint as stored, '' for runs without one.
    var fingerprint: String
}
