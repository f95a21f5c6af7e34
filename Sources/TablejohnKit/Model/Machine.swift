// The machine a run's numbers came from: runner name and fingerprint, and the one rule for when two are the same.

/// The machine a run's numbers came from: the runner's name and the fingerprint it
/// reported. Numbers are compared only between runs on the same machine: those with
/// the same `key`.
struct Machine: Sendable, Equatable {
    let runner: String?
    let fingerprint: JSONValue?
    /// The machine as runs store it (the fingerprint's JSON text, as `Store` writes it).
    /// Made once: pages compare each run's machine with many others.
    let key: MachineKey

    init(runner: String?, fingerprint: JSONValue?) {
        self.runner = runner
        self.fingerprint = fingerprint
        key = MachineKey(runner: runner, fingerprint: fingerprint.flatMap { try? $0.jsonString() })
    }

    /// Whether numbers from `other` come from this machine (SPEC §3: comparisons never
    /// silently mix fingerprints). Pages and the branch comparer ask this; graph lines,
    /// detection series, stored changes and queue affinity compare `MachineKey`s.
    func isSameMachine(as other: Machine) -> Bool { key == other.key }
}

/// A machine as the database tells machines apart: the one "same machine" rule. Graph
/// lines, detection series and their stored changes, queue affinity, pages and the
/// branch comparer all compare these.
/// - A run with a fingerprint is on the machine of that fingerprint, whatever its runner
///   is called: a renamed runner stays on its machine; two runners on one host are told
///   apart by their `[runner] machine` label, part of the fingerprint. The fingerprint is
///   its JSON text as the runner reported it (key order included), as runs store it.
/// - A run without one is on the machine of its runner's name; imported runs, without
///   either, share one machine.
/// - A run with a fingerprint and one without are never on the same machine.
struct MachineKey: Hashable, Sendable {
    /// The fingerprint's JSON text; '' for none.
    let fingerprint: String
    /// The runner's name for a machine without a fingerprint; nil when it has one.
    let runner: String?

    /// An empty fingerprint text is no fingerprint.
    init(runner: String?, fingerprint: String?) {
        if let fingerprint, !fingerprint.isEmpty {
            self.fingerprint = fingerprint
            self.runner = nil
        } else {
            self.fingerprint = ""
            self.runner = runner
        }
    }

    /// One text per machine, for hashing into a short key: the fingerprint (a JSON object,
    /// so it starts with `{`), else `runner:` and the name, else ''.
    var text: String {
        if !fingerprint.isEmpty { return fingerprint }
        return runner.map { "runner:" + $0 } ?? ""
    }
}
