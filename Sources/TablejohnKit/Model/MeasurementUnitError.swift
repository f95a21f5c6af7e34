// Why a value in one unit cannot be stored in another.

/// Two units that cannot be converted into each other.
public struct MeasurementUnitError: Error, Equatable, CustomStringConvertible {
    public var unit: String
    public var target: String

    public var description: String {
        "its unit \(unit.debugDescription) cannot be converted to the metric's unit \(target.debugDescription)"
    }
}
