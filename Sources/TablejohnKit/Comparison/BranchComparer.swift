// Gathers what a branch comparison needs (merge base, both sides' samples on one machine, noise) and queues what is missing.
import Foundation

/// The one command behind `/compare/BASE...HEAD/` and the `compare` RPC: resolves both
/// names, finds their merge base with libgit2, reads HEAD's newest machine's runs of
/// HEAD and of the merge base, judges every metric with `ComparisonVerdictRule`, and
/// queues the merge base (at `mergeBasePriority`, or higher if it already is) when it
/// has no runs on that machine and the caller may queue.
struct BranchComparer: Sendable {
    var store: Store
    var resolver: RevisionResolver

    /// Above new commits (0) and backfills (-1): a comparison someone is waiting for.
    static let mergeBasePriority = 10
    /// How far along BASE's first-parent history the noise of a metric is measured.
    static let noiseWindow = 200

    init(store: Store, resolver: RevisionResolver) {
        self.store = store
        self.resolver = resolver
    }

    /// Compares `head` with the merge base of `base` and `head`, names already resolved to
    /// commits. `mayQueue`: whether a merge base without runs is queued, or only reported.
    func compare(baseName: String, baseCommit: String, headName: String, headCommit: String,
                        rule: ComparisonVerdictRule, mayQueue: Bool = true, now: Int64) throws -> BranchComparison {
        guard let baseOID = GitOID(hex: baseCommit), let headOID = GitOID(hex: headCommit) else {
            throw RevisionError.unknown(GitOID(hex: baseCommit) == nil ? baseName : headName)
        }
        guard let mergeBase = try resolver.repository.mergeBase(baseOID, headOID)?.hex else {
            throw ComparisonError.noMergeBase(base: baseName, head: headName)
        }
        guard try store.reachability(of: mergeBase) != nil else { throw ComparisonError.mergeBaseNotImported(mergeBase) }
        var comparison = BranchComparison(baseName: baseName, headName: headName, baseCommit: baseCommit, headCommit: headCommit,
                                          mergeBase: mergeBase, machine: nil, thresholdPercent: rule.thresholdPercent,
                                          waiting: nil, queued: false, rows: [])
        let headGroups = RunValues.byMachine(try store.runValues(commit: headCommit, withSamples: true))
        guard let (machine, headRuns) = headGroups.first else {
            comparison.waiting = .head
            comparison.queued = try store.isQueued(headCommit)
            return comparison
        }
        comparison.machine = machine
        let baseRuns = try store.runValues(commit: mergeBase, withSamples: true).filter { $0.machine.isSameMachine(as: machine) }
        if baseRuns.isEmpty {
            comparison.waiting = .mergeBase
            if mayQueue { try store.enqueue(mergeBase, atLeast: Self.mergeBasePriority, now: now) }
            comparison.queued = try mayQueue || store.isQueued(mergeBase)
            return comparison
        }
        let headSamples = Self.samples(of: headRuns)
        let baseSamples = Self.samples(of: baseRuns)
        let metrics = Set(headSamples.keys).union(baseSamples.keys).sorted()
        let readings = try store.metricReadings(metrics)
        let units = RunValues.units(of: headRuns).merging(RunValues.units(of: baseRuns)) { kept, _ in kept }
        let needNoise = metrics.filter { (headSamples[$0]?.count ?? 0) < rule.minimumSamples || (baseSamples[$0]?.count ?? 0) < rule.minimumSamples }
        let noise = needNoise.isEmpty ? [:] : try self.noise(along: baseCommit, machine: machine, metrics: Set(needNoise))
        comparison.rows = metrics.map { metric in
            let direction = readings[metric]?.direction ?? .neutral
            let base = baseSamples[metric] ?? [], head = headSamples[metric] ?? []
            return BranchComparison.Row(metric: metric, unit: units[metric] ?? readings[metric]?.unit, direction: direction,
                                        baseline: ComparisonVerdictRule.median(base), value: ComparisonVerdictRule.median(head),
                                        baselineSamples: base.count, valueSamples: head.count,
                                        verdict: rule.judge(base: base, head: head, noise: noise[metric], direction: direction))
        }
        return comparison
    }

    /// Compares names as a web address gives them (`PublicRevision` syntax only). Queues
    /// the merge base only when `mayQueue` or `base` names a tracked ref: anyone reading
    /// can then queue a fork point of a benchmarked branch, not any commit they like.
    func compare(publicBase base: String, publicHead head: String, rule: ComparisonVerdictRule, mayQueue: Bool,
                        now: Int64) throws -> BranchComparison {
        let baseCommit = try resolver.commit(public: base)
        let tracked = (try? resolver.ref(base))?.tracked == true
        return try compare(baseName: base, baseCommit: baseCommit, headName: head, headCommit: try resolver.commit(public: head),
                           rule: rule, mayQueue: mayQueue || tracked, now: now)
    }

    /// Compares names as the control socket gives them (any revision).
    func compare(base: String, head: String, rule: ComparisonVerdictRule, now: Int64) throws -> BranchComparison {
        try compare(baseName: base, baseCommit: try resolver.commit(base), headName: head, headCommit: try resolver.commit(head),
                    rule: rule, now: now)
    }

    /// Each metric's samples over `runs`: a run's raw samples where it kept them, else its value.
    static func samples(of runs: [RunValues]) -> [String: [Double]] {
        var result: [String: [Double]] = [:]
        for run in runs {
            for (metric, value) in run.values { result[metric, default: []] += run.samples[metric] ?? [value] }
        }
        return result
    }

    /// The noise of each of `metrics` on `machine` along the first-parent history from
    /// `tip`: the spread of successive differences of the per-commit medians; left out
    /// for metrics with fewer than 3 benchmarked commits there.
    func noise(along tip: String, machine: Machine, metrics: Set<String>) throws -> [String: Double] {
        let tipID = try store.commitID(of: tip)
        var noise: [String: Double] = [:]
        let key = machine.key
        for series in try store.detectionSeries(ref: "", tip: tipID, window: Self.noiseWindow) where metrics.contains(series.metric) {
            guard series.machine == key else { continue }
            let values = series.values
            guard values.count >= 3 else { continue }
            noise[series.metric] = RobustStatistics.differenceNoise(values[...])
        }
        return noise
    }
}
