// The machine a queue entry must be benchmarked on, and which runners count as that machine.

/// Names the machine that must run a queued commit: the runner fingerprint its series was
/// measured with (as stored with runs: the fingerprint's JSON text) and the runner name
/// that measured it. Bisection and confirmation runs of a change belong on the machine of
/// the change's series; runs anywhere else never land in that series.
public struct MachineAffinity: Sendable, Hashable {
    /// The fingerprint's JSON text; empty or nil when the series' runs carried none.
    var fingerprint: String?
    /// The runner name of the series, shown to users and matched when there is no fingerprint.
    var runner: String?

    public init(fingerprint: String?, runner: String?) {
        self.fingerprint = fingerprint
        self.runner = runner
    }

    /// The machine, by the one rule (`MachineKey`).
    var machine: MachineKey { MachineKey(runner: runner, fingerprint: fingerprint) }

    /// Whether a runner called `name` reporting `fingerprint` (its JSON text) is this machine
    /// (`MachineKey`): the same fingerprint when both carry one, the same runner name when
    /// neither does; an empty text is no fingerprint.
    func admits(name: String, fingerprint reported: String?) -> Bool {
        machine == MachineKey(runner: name, fingerprint: reported)
    }

    /// What pages and tjctl call the machine: the runner name, else the fingerprint.
    public var label: String {
        if let runner, !runner.isEmpty { return runner }
        return fingerprint.flatMap { $0.isEmpty ? nil : $0 } ?? "an unnamed runner"
    }
}

/// A queued commit as runners are handed from it: its hash and the machine it waits for.
struct QueuedCommit: Sendable, Equatable {
    var hash: String
    /// nil: any runner may take it.
    var affinity: MachineAffinity?
    /// When the affinity was set (Unix milliseconds); counts towards releasing it.
    var pinnedSince: Int64?

    init(hash: String, affinity: MachineAffinity? = nil, pinnedSince: Int64? = nil) {
        self.hash = hash
        self.affinity = affinity
        self.pinnedSince = pinnedSince
    }
}
