// The settings of the change-point detector, each with a documented default.

/// How sure and how large a change must be before the detector reports it.
///
/// The defaults suit benchmark series: one value per commit, noise of a few per cent,
/// outliers and two-mode machines. `DETECTION.md` explains how each one acts.
public struct ChangePointConfiguration: Sendable, Equatable {
    /// The largest p-value a split may have to count as a change; a reported change's
    /// confidence is at least `1 - significance`. Default 0.001.
    public var significance: Double
    /// The smallest step, in units of the series' robust noise (a standard deviation
    /// estimated from medians and MADs), that counts as a change, after what slow drift
    /// moves the level over the effect window is taken off. Steps below it are treated as
    /// drift or noise however significant they are. Default 1.2.
    public var minimumEffect: Double
    /// The smallest step relative to the level before it (0.005 is 0.5 %). Default 0.005.
    public var minimumRelativeChange: Double
    /// The fewest values on each side of a change. Default 5.
    public var minimumSegment: Int
    /// How many values on each side of a split measure its step (the medians of
    /// these windows are compared); short, so that slow drift adds little to a step. Default 30.
    public var effectWindow: Int

    /// The defaults described on each property.
    public static let standard = ChangePointConfiguration()

    public init(significance: Double = 0.001, minimumEffect: Double = 1.2, minimumRelativeChange: Double = 0.005,
                minimumSegment: Int = 5, effectWindow: Int = 30) {
        self.significance = significance
        self.minimumEffect = minimumEffect
        self.minimumRelativeChange = minimumRelativeChange
        self.minimumSegment = max(2, minimumSegment)
        self.effectWindow = max(self.minimumSegment, effectWindow)
    }
}
