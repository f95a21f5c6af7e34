// Durations as the integer milliseconds the registry, timestamps and the wire use.

extension Duration {
    /// The duration in whole milliseconds, rounded down; saturates at Int64's ends rather
    /// than trapping (configured durations are at most 30 days, far from them).
    var milliseconds: Int64 {
        let (scaled, overflow) = components.seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return components.seconds < 0 ? .min : .max }
        let (sum, overflowSum) = scaled.addingReportingOverflow(components.attoseconds / 1_000_000_000_000_000)
        return overflowSum ? (scaled < 0 ? .min : .max) : sum
    }
}
