// A series: one metric on one machine.

/// A metric on one machine: the unit detection works on (within each tracked ref).
struct SeriesKey: Hashable, Sendable {
    var metric: String
    var machine: MachineKey

    init(metric: String, machine: MachineKey) {
        self.metric = metric
        self.machine = machine
    }

    /// The series of `metric` on the machine of runs with this fingerprint text (nil or ''
    /// for none) and runner name.
    init(metric: String, fingerprint: String?, runner: String? = nil) {
        self.init(metric: metric, machine: MachineKey(runner: runner, fingerprint: fingerprint))
    }
}
