// What the detector found in a series, and where it will pick up when values are appended.

/// The change points of a series, oldest first, with the state that lets
/// `ChangePointDetector.update(_:with:)` examine only the values after the last
/// confirmed change when new values arrive.
public struct ChangePointResult: Sendable, Equatable {
    /// Every change found, oldest first; the last ones may still move or vanish as values arrive.
    /// The newest may be suspected (`DetectedChange.evidence`): a step in the last few values.
    public var changes: [DetectedChange]
    /// How many values were examined.
    var valueCount: Int
    /// How many of `changes` (from the oldest) are confirmed: found with enough values
    /// after them that appending values can no longer change them.
    var confirmedCount: Int
    /// The index of the last confirmed change, or 0: values before it are not examined again.
    public var anchor: Int
    /// The first window, in values from `anchor`, still worth examining.
    var nextWindow: Int

    /// The result for a series with no values yet.
    static func empty(_ configuration: ChangePointConfiguration) -> ChangePointResult {
        ChangePointResult(changes: [], valueCount: 0, confirmedCount: 0, anchor: 0,
                          nextWindow: ChangePointDetector.firstWindow(configuration))
    }

    /// The indices where a new level starts.
    var indices: [Int] { changes.map(\.index) }

    /// The change suspected in the last few values, with its evidence, if any.
    var suspected: DetectedChange? { changes.last.flatMap { $0.isSuspected ? $0 : nil } }
}

/// A series the detector cannot examine.
public struct DetectionError: Error, Equatable, CustomStringConvertible {
    /// The position of the offending value.
    var index: Int
    public var message: String

    public var description: String { message }
}
