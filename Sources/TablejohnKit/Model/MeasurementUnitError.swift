// Why a value in one unit cannot be stored in another.

/// Two units that cannot be converted into each other.
struct MeasurementUnitError: Error, Equatable, CustomStringConvertible {
    var unit: String
    var target: String

    var description: String {
        "its unit \(unit.debugDescription) cannot be converted to the metric's unit \(target.debugDescription)"
    }
}
