// The machine a queue entry must be benchmarked on, and which runners count as that machine.

/// Names the machine that must run a queued commit: the runner fingerprint its series was
/// measured with (as stored with runs: the fingerprint's JSON text) and the runner name
/// that measured it. Bisection and confirmation runs of a change belong on the machine of
/// the change's series; runs anywhere else never land in that series.
public struct MachineAffinity: Sendable, Hashable {
    /// The fingerprint's JSON text; empty or nil when the series' runs carried none.
    public var fingerprint: String?
    /// The runner name of the series, shown to users and matched when there is no fingerprint.
    public var runner: String?

    public init(fingerprint: String?, runner: String?) {
        self.fingerprint = fingerprint
        self.runner = runner
    }

    /// Whether a runner called `name` reporting `fingerprint` (its JSON text) is this machine:
    /// the same fingerprint when one is named, else the same runner name.
    public func admits(name: String, fingerprint reported: String?) -> Bool {
        if let fingerprint, !fingerprint.isEmpty { return fingerprint == reported }
        return runner == name
    }

    /// What pages and tjctl call the machine: the runner name, else the fingerprint.
    public var label: String {
        if let runner, !runner.isEmpty { return runner }
        return fingerprint.flatMap { $0.isEmpty ? nil : $0 } ?? "an unnamed runner"
    }
}

/// A queued commit as runners are handed from it: its hash and the machine it waits for.
public struct QueuedCommit: Sendable, Equatable {
    public var hash: String
    /// nil: any runner may take it.
    public var affinity: MachineAffinity?
    /// When the affinity was set (Unix milliseconds); counts towards releasing it.
    public var pinnedSince: Int64?

    public init(hash: String, affinity: MachineAffinity? = nil, pinnedSince: Int64? = nil) {
        self.hash = hash
        self.affinity = affinity
        self.pinnedSince = pinnedSince
    }
}
