// One measured value of a run: a metric's name, its number and unit, checked where it is made.

/// One measured value of a run. Only finite numbers and bounded, printable names get in:
/// every number is checked here, once, so graphs, detection and exports never meet
/// infinity or NaN, and names stay short enough to list and safe to show.
public struct Measurement: Sendable, Equatable {
    private(set) var metric: String
    private(set) var value: Double
    private(set) var unit: String?
    private(set) var samples: [Double]?
    private(set) var lower: Double?
    private(set) var upper: Double?

    /// Longest metric name, in UTF-8 bytes.
    static let maxMetricBytes = 200
    /// Longest unit, in UTF-8 bytes.
    static let maxUnitBytes = 32
    /// Most measurements in one run.
    static let maxPerRun = 10_000

    /// A measurement; throws when a number is not finite or a name is empty, too long or
    /// holds control characters. The error names the metric.
    public init(metric: String, value: Double, unit: String? = nil, samples: [Double]? = nil,
                lower: Double? = nil, upper: Double? = nil) throws(MeasurementError) {
        try Self.check(metric: metric)
        if let unit { try Self.check(unit: unit, metric: metric) }
        guard value.isFinite else { throw MeasurementError(metric: metric, "value \(value) is not a finite number") }
        if let lower, !lower.isFinite { throw MeasurementError(metric: metric, "lower \(lower) is not a finite number") }
        if let upper, !upper.isFinite { throw MeasurementError(metric: metric, "upper \(upper) is not a finite number") }
        if let samples, let bad = samples.first(where: { !$0.isFinite }) {
            throw MeasurementError(metric: metric, "sample \(bad) is not a finite number")
        }
        self.metric = metric
        self.value = value
        self.unit = unit
        self.samples = samples
        self.lower = lower
        self.upper = upper
    }

    /// A measurement of repeated samples: their mean, and the samples kept when there are
    /// several. Throws when the mean overflows (samples near the largest double).
    init(metric: String, samples: [Double], unit: String?) throws(MeasurementError) {
        guard !samples.isEmpty else { throw MeasurementError(metric: metric, "has no samples") }
        let mean = samples.reduce(0, +) / Double(samples.count)
        guard mean.isFinite else {
            throw MeasurementError(metric: metric, "the mean of its \(samples.count) samples is not a finite number (they overflow)")
        }
        try self.init(metric: metric, value: mean, unit: unit, samples: samples.count > 1 ? samples : nil,
                      lower: samples.count > 1 ? samples.min() : nil, upper: samples.count > 1 ? samples.max() : nil)
    }

    /// Checks a metric name: 1 to `maxMetricBytes` bytes, no control characters.
    static func check(metric: String) throws(MeasurementError) {
        guard !metric.isEmpty else { throw MeasurementError(metric: metric, "the metric name is empty") }
        guard metric.utf8.count <= maxMetricBytes else {
            throw MeasurementError(metric: String(metric.prefix(40)) + "…",
                                   "the metric name is \(metric.utf8.count) bytes long; at most \(maxMetricBytes) are allowed")
        }
        guard !containsControl(metric) else { throw MeasurementError(metric: metric, "the metric name contains control characters") }
    }

    /// Checks a unit: at most `maxUnitBytes` bytes, no control characters.
    static func check(unit: String, metric: String) throws(MeasurementError) {
        guard unit.utf8.count <= maxUnitBytes else {
            throw MeasurementError(metric: metric, "the unit is \(unit.utf8.count) bytes long; at most \(maxUnitBytes) are allowed")
        }
        guard !containsControl(unit) else { throw MeasurementError(metric: metric, "the unit contains control characters") }
    }

    /// Checks the number of measurements in one run.
    static func check(count: Int) throws(MeasurementError) {
        guard count <= maxPerRun else {
            throw MeasurementError(metric: nil, "\(count) measurements in one run; at most \(maxPerRun) are allowed")
        }
    }

    private static func containsControl(_ text: String) -> Bool {
        // Line and paragraph separators too: a metric name is shown on one line.
        text.hasControlCharacters || text.unicodeScalars.contains { $0 == "\u{2028}" || $0 == "\u{2029}" }
    }
}
