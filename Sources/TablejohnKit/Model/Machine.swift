// The machine a run's numbers came from: runner name and fingerprint, and the one rule for when two are the same.

/// The machine a run's numbers came from: the runner's name and the fingerprint it
/// reported. Numbers are compared only between runs on the same machine
/// (`isSameMachine(as:)`); fingerprints are equal when they hold the same keys and
/// values, in any order.
struct Machine: Sendable, Equatable {
    var runner: String?
    var fingerprint: JSONValue?

    init(runner: String?, fingerprint: JSONValue?) {
        self.runner = runner
        self.fingerprint = fingerprint
    }

    /// Whether numbers from `other` come from this machine (SPEC §3: comparisons never
    /// silently mix fingerprints). Pages, the branch comparer and queue affinity all ask this.
    func isSameMachine(as other: Machine) -> Bool {
        Self.isSame(runner: runner, fingerprint: fingerprint, as: other.runner, other.fingerprint)
    }

    /// The rule, for fingerprints as values or as the JSON text runs store:
    /// - both carry a fingerprint: the same machine when the fingerprints are equal, whatever
    ///   the runners are called (a renamed runner is the same machine; two runners on one
    ///   host are told apart by their `[runner] machine` label, part of the fingerprint);
    /// - neither carries one: the same machine when the runner names are equal;
    /// - only one carries one: not the same machine. Graph lines and detection series are
    ///   keyed by the fingerprint text (none: ''), so such runs never share a series either.
    /// An equivalence: fingerprinted runs group by fingerprint, the others by runner name.
    static func isSame<Fingerprint: Equatable>(runner: String?, fingerprint: Fingerprint?,
                                               as otherRunner: String?, _ otherFingerprint: Fingerprint?) -> Bool {
        switch (fingerprint, otherFingerprint) {
        case (let mine?, let theirs?): mine == theirs
        case (nil, nil): runner == otherRunner
        default: false
        }
    }
}
