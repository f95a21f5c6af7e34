// Durations as the integer milliseconds the registry, timestamps and the wire use.

extension Duration {
    /// The duration in whole milliseconds, rounded down; saturates at Int64's range
    /// instead of trapping for durations of millions of years (a hostile configuration).
    public var milliseconds: Int64 {
        let (whole, overflow) = components.seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return components.seconds < 0 ? .min : .max }
        let (total, overflowAgain) = whole.addingReportingOverflow(components.attoseconds / 1_000_000_000_000_000)
        return overflowAgain ? .max : total
    }
}
