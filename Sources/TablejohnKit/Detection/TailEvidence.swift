// Why a step in the last few values of a series is suspected before there are enough values to detect it.

/// The evidence for a suspected change: its last few values against the ones before them.
///
/// The last `valuesAfter` values of the series all lie beyond all but `referenceBeyond`
/// of the `reference` values before them. If the series had not changed, every order of
/// its values would be equally likely, and the chance of the new values lying this far
/// out is `pValue`. A suspected change is reported with this evidence and settled by the
/// values that follow (and, in the daemon, by re-runs like any other change).
public struct TailEvidence: Sendable, Equatable {
    /// How many values, the newest of the series, are at the new level.
    public var valuesAfter: Int
    /// How many values just before them they were compared with.
    public var reference: Int
    /// How many of the reference values lie beyond the nearest of the new values
    /// (0: every new value is beyond every reference value).
    public var referenceBeyond: Int
    /// The chance that noise alone puts the new values this far out, over every tail
    /// length the detector tried.
    public var pValue: Double

    init(valuesAfter: Int, reference: Int, referenceBeyond: Int, pValue: Double) {
        self.valuesAfter = valuesAfter
        self.reference = reference
        self.referenceBeyond = referenceBeyond
        self.pValue = pValue
    }
}
