// A run that ended on the runner and waits for its server's acknowledgement.

/// A run that ended on the runner: its order, times, exit code, output and measurements.
struct FinishedRun: Sendable {
    var order: RunOrder
    /// Unix milliseconds.
    var start: Int64
    var end: Int64
    var exitCode: Int
    var output: [RunOutput.Line]
    var measurements: [Measurement]
    /// What could have skewed it (load, governor, another run at the same time).
    var conditions: RunConditions?

    init(order: RunOrder, start: Int64, end: Int64, exitCode: Int, output: [RunOutput.Line], measurements: [Measurement],
                conditions: RunConditions? = nil) {
        self.conditions = conditions
        self.order = order
        self.start = start
        self.end = end
        self.exitCode = exitCode
        self.output = output
        self.measurements = measurements
    }
}
