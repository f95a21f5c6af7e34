// Turns the detector's change points on one series into what tablejohn does next:
// record, narrow by bisection, confirm by re-runs, alert — as actions, without I/O.

/// Where a change stands.
public enum ChangeState: String, Sendable, Equatable, CaseIterable {
    /// Unbenchmarked commits lie between its ends; their midpoint is queued.
    case bisecting
    /// A regression pinned to one commit, waiting for re-runs of the commit and its parent.
    case confirming
    /// A regression the re-runs agreed with: reported and sent to webhooks.
    case confirmed
    /// A suspected regression the re-runs did not reproduce: kept, never reported.
    case unconfirmed
    /// An improvement or a neutral change pinned to one commit: reported without re-runs.
    case detected

    /// Whether later rounds may still change or drop it.
    var isActive: Bool { self == .bisecting || self == .confirming }
}

/// One metric on one machine along one tracked ref, as the tracker sees it.
struct TrackedSeries: Sendable {
    var ref: String
    var metric: String
    var fingerprint: String
    var runnerName: String?
    /// The ref's first-parent history, oldest first (the detection window).
    var chain: [Int64]
    /// Positions in `chain` of the commits with runs on this machine, ascending.
    var positions: [Int]
    /// Each benchmarked commit's values, oldest run first, parallel to `positions`.
    var runs: [[Double]]

    /// One value per benchmarked commit: the median of its runs.
    var values: [Double] { runs.map { RobustStatistics.median($0) } }
}

/// A change as stored.
struct TrackedChange: Sendable, Equatable {
    var id: Int64
    var fields: ChangeFields
    var lowCommit: Int64 { fields.lowCommit }
    var highCommit: Int64 { fields.highCommit }
    var state: ChangeState { fields.state }
    var requeues: Int { fields.requeues }
    /// When its machine's queue entries were released to other runners (Unix milliseconds):
    /// the change cannot be confirmed there and the tracker leaves it as it is.
    var unconfirmable: Int64? = nil
}

/// What to write for a change.
struct ChangeFields: Sendable, Equatable {
    var lowCommit: Int64
    var highCommit: Int64
    var before: Double
    var after: Double
    var magnitude: Double
    var kind: ChangeKind
    var confidence: Double
    var state: ChangeState
    var requeues: Int
    /// What the re-runs of a regression's parent and commit say (nil before confirmation).
    var evidence: ConfirmationEvidence? = nil
}

/// What the tracker asks for.
enum ChangeAction: Sendable, Equatable {
    case insert(ChangeFields)
    case update(id: Int64, ChangeFields)
    /// A change the data no longer shows, never reported.
    case delete(id: Int64)
    /// Queue a commit (bisection midpoint or confirmation re-run) at the tracker's priority,
    /// on the machine of the series (`MachineAffinity`).
    case enqueue(commit: Int64)
    /// Take back a re-run queued on the series' machine that a decided confirmation no
    /// longer needs (another change that still wants it queues it again).
    case withdraw(commit: Int64)
}

/// The policy between detection and reporting (SPEC §9).
struct ChangeTracker: Sendable {
    /// How many commits one change may queue before the tracker stops asking (runs landing
    /// on another machine never fill this series, so queueing must not go on forever).
    var maximumRequeues = 12
    /// When confirmation by re-runs stops and what it concludes; its re-runs have a budget
    /// of their own (`maximumRuns` each side) on top of `maximumRequeues`.
    var confirmation = ConfirmationRule()

    /// The actions for `series`, given the detector's `changes` on its values, the changes
    /// already stored for it, and the commits already queued.
    func plan(_ series: TrackedSeries, detected changes: [DetectedChange], stored: [TrackedChange],
              queued: Set<Int64>) -> [ChangeAction] {
        var position: [Int64: Int] = [:]
        for (index, commit) in series.chain.enumerated() { position[commit] = index }
        var actions: [ChangeAction] = []
        var matched = Set<Int64>()
        var queuedNow = queued
        for change in changes where change.index > 0 && change.index < series.positions.count {
            let low = series.positions[change.index - 1], high = series.positions[change.index]
            let existing = stored.first { old in
                guard !matched.contains(old.id), let oldLow = position[old.lowCommit], let oldHigh = position[old.highCommit] else { return false }
                return low < oldHigh && oldLow < high
            }
            if let existing { matched.insert(existing.id) }
            if let existing, !existing.state.isActive || existing.unconfirmable != nil { continue }
            var fields = ChangeFields(lowCommit: series.chain[low], highCommit: series.chain[high], before: change.levelBefore,
                                      after: change.levelAfter, magnitude: change.relativeMagnitude, kind: change.kind,
                                      confidence: change.confidence, state: .bisecting, requeues: existing?.requeues ?? 0)
            var wanted: [Int64] = []
            if high - low > 1 {
                wanted = [series.chain[(low + high) / 2]]
            } else if change.kind != .regression {
                fields.state = .detected
            } else {
                let judged = confirmation.judge(parent: series.runs[change.index - 1], commit: series.runs[change.index],
                                                step: change.levelAfter - change.levelBefore)
                fields.evidence = judged.evidence
                switch judged.verdict {
                case .different: fields.state = .confirmed
                case .same: fields.state = .unconfirmed
                case .rerun(let parent, let commit):
                    fields.state = .confirming
                    wanted = (parent ? [fields.lowCommit] : []) + (commit ? [fields.highCommit] : [])
                }
            }
            if existing?.state == .confirming || existing == nil, fields.state == .confirmed || fields.state == .unconfirmed {
                // The test decided between two re-runs of a pair: the other one is not run.
                for commit in [fields.lowCommit, fields.highCommit] where queuedNow.contains(commit) {
                    actions.append(.withdraw(commit: commit))
                    queuedNow.remove(commit)
                }
            }
            let budget = maximumRequeues + (fields.state == .confirming ? 2 * confirmation.maximumRuns : 0)
            for commit in wanted where !queuedNow.contains(commit) && fields.requeues < budget {
                actions.append(.enqueue(commit: commit))
                queuedNow.insert(commit)
                fields.requeues += 1
            }
            if let existing {
                // Unchanged changes are not written again: a round that finds nothing new writes nothing.
                if existing.fields != fields { actions.append(.update(id: existing.id, fields)) }
            } else {
                actions.append(.insert(fields))
            }
        }
        for old in stored where old.state.isActive && !matched.contains(old.id)
            && position[old.lowCommit] != nil && position[old.highCommit] != nil {
            actions.append(.delete(id: old.id))
        }
        return actions
    }
}
