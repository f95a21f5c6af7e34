// Why a measurement cannot be stored, naming its metric.

/// A measurement that cannot be stored, and why; the message names the metric.
public struct MeasurementError: Error, Equatable, CustomStringConvertible {
    var metric: String?
    var reason: String

    init(metric: String?, _ reason: String) {
        self.metric = metric
        self.reason = reason
    }

    public var description: String {
        metric.map { "metric \($0.debugDescription): \(reason)" } ?? reason
    }
}
