// metrics.list and metrics.set.

extension ControlMethods {
    func metricsList(_ params: RPCParams) throws -> JSONValue {
        .array(try commands.metrics().map(Self.json))
    }

    func metricSet(_ params: RPCParams) throws -> JSONValue {
        let name = try params.requiredString("name")
        let unit = try params.string("unit")
        let direction = try params.choice("direction", MetricDirection.self)
        return Self.json(try commands.setMetric(name, unit: unit, direction: direction))
    }

    static func json(_ metric: MetricInfo) -> JSONValue {
        ["name": .string(metric.name), "unit": JSONValue(metric.unit), "direction": .string(metric.direction.rawValue),
         "measurements": JSONValue(metric.measurementCount)]
    }
}
