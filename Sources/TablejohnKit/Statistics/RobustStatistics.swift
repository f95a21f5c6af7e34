// Medians, MADs and the normal tail the detector's tests are built from.
import Foundation

/// Order statistics that one wild value cannot move far.
enum RobustStatistics {
    /// The factor that turns a MAD into a standard deviation for normal noise.
    static let madScale = 1.482_602_218_505_602

    /// The median of `values`; 0 for none.
    static func median<Values: Collection>(_ values: Values) -> Double where Values.Element == Double {
        var sorted = Array(values)
        return median(sorting: &sorted)
    }

    /// The median of `values`, sorting them in place.
    static func median(sorting values: inout [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        values.sort()
        let middle = values.count / 2
        return values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
    }

    /// The median absolute deviation about `center`, scaled to a standard deviation.
    static func mad<Values: Collection>(_ values: Values, about center: Double) -> Double where Values.Element == Double {
        var deviations = values.map { abs($0 - center) }
        return madScale * median(sorting: &deviations)
    }

    /// The noise of a series from its successive differences, so that steps and slow
    /// drift barely count: the scaled MAD of the differences over √2.
    static func differenceNoise(_ values: ArraySlice<Double>) -> Double {
        guard values.count >= 3 else { return 0 }
        var differences = zip(values.dropFirst(), values).map { $0 - $1 }
        let center = median(sorting: &differences)
        return mad(differences, about: center) / 2.0.squareRoot()
    }

    /// The density of the standard normal distribution.
    static func normalDensity(_ x: Double) -> Double {
        exp(-x * x / 2) / (2 * Double.pi).squareRoot()
    }

    /// P(Z > x) for a standard normal Z.
    static func normalTail(_ x: Double) -> Double {
        erfc(x / 2.0.squareRoot()) / 2
    }
}
