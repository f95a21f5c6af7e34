// Metrics: listing them, and setting a metric's unit or direction.

extension AdminCommands {
    func metrics() throws -> [MetricInfo] {
        try store.metrics()
    }

    /// Sets the unit, the direction or both of metric `name` (a valid metric name and unit).
    func setMetric(_ name: String, unit: String?, direction: MetricDirection?) throws -> MetricInfo {
        guard unit != nil || direction != nil else { throw AdminError.invalid(parameter: nil, reason: "give \"unit\", \"direction\" or both") }
        do {
            try Measurement.check(metric: name)
            if let unit { try Measurement.check(unit: unit, metric: name) }
        } catch {
            throw AdminError.invalid(parameter: nil, reason: error.description)
        }
        return try store.setMetric(name, unit: unit, direction: direction)
    }
}
