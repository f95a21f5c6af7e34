// Runs and measurements as values.

/// Where a run's numbers came from.
public enum RunOrigin: String, Sendable, Codable {
    case runner
    case `import`
}

/// What a metric's direction says about its values.
public enum MetricDirection: String, Sendable, CaseIterable {
    case lower
    case higher
    case neutral
}

/// Which stream a line of run output came from.
public enum OutputSource: String, Sendable, CaseIterable {
    case stdout
    case stderr
    case `internal`
}

/// A finished run, as stored.
public struct Run: Sendable, Equatable {
    public var id: String
    var commit: String
    var benchMethod: String
    var runnerName: String?
    /// The runner's fingerprint as a JSON object.
    var fingerprint: JSONValue?
    /// Unix milliseconds.
    var start: Int64
    var end: Int64
    var exitCode: Int
    var origin: RunOrigin
    var measurements: [Measurement]
    var output: [(source: OutputSource, text: String)]
    /// What the runner saw that could have skewed the run; nil when it did not say.
    var conditions: RunConditions?

    public init(id: String, commit: String, benchMethod: String, runnerName: String?, fingerprint: JSONValue?,
                start: Int64, end: Int64, exitCode: Int, origin: RunOrigin,
                measurements: [Measurement], output: [(source: OutputSource, text: String)] = [], conditions: RunConditions? = nil) {
        self.conditions = conditions
        self.id = id
        self.commit = commit
        self.benchMethod = benchMethod
        self.runnerName = runnerName
        self.fingerprint = fingerprint
        self.start = start
        self.end = end
        self.exitCode = exitCode
        self.origin = origin
        self.measurements = measurements
        self.output = output
    }

    public static func == (lhs: Run, rhs: Run) -> Bool {
        lhs.id == rhs.id && lhs.commit == rhs.commit && lhs.benchMethod == rhs.benchMethod
            && lhs.runnerName == rhs.runnerName && lhs.fingerprint == rhs.fingerprint && lhs.start == rhs.start
            && lhs.end == rhs.end && lhs.exitCode == rhs.exitCode && lhs.origin == rhs.origin
            && lhs.measurements == rhs.measurements && lhs.conditions == rhs.conditions
            && lhs.output.map { "\($0.source.rawValue):\($0.text)" } == rhs.output.map { "\($0.source.rawValue):\($0.text)" }
    }
}
