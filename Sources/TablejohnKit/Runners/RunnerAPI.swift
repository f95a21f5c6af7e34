// The server side of POST /api/runner/status: reads the request and writes the reply with RunnerProtocol; the registry, the store.
import Foundation
import Synchronization

/// Why an authenticated status call was refused: bad content (400), a run or name that
/// is another runner's (403), its name in use (409), or the server's own storage trouble
/// (503: the runner keeps its result and tries again).
struct RunnerAPIError: Error, Equatable, CustomStringConvertible {
    enum Kind: Sendable { case badRequest, forbidden, conflict, notFound, unprocessable, unavailable }
    var kind: Kind
    var message: String

    var description: String { message }

    static func bad(_ message: String) -> RunnerAPIError { RunnerAPIError(kind: .badRequest, message: message) }

    /// `error` as the runner API answers it: storage trouble is 503, anything else 400.
    static func from(_ error: any Error) -> RunnerAPIError {
        if let error = error as? RunnerAPIError { return error }
        if StorageTrouble.isTransient(error) { return RunnerAPIError(kind: .unavailable, message: StorageTrouble.message(error)) }
        return .bad("\(error)")
    }
}

/// Answers runners' status calls (SPEC §5; every field is described in RUNNERS.md).
/// Calls are already authenticated; this checks their content, stores submitted runs
/// (idempotent by run id, so a retried submission lands once), and asks the registry
/// what the runner should do next.
final class RunnerAPI: Sendable {
    /// Status call bodies larger than this are refused with 413.
    static let maximumBodyBytes = 8 << 20
    /// A runner's last-seen time is written to the database at most this often (ms);
    /// in between it lives in the registry, so status calls need no write.
    static let lastSeenPersistInterval: Int64 = 30_000

    private let store: Store
    private let recorder: RunRecorder
    private let registry: Mutex<RunnerRegistry>
    private let bench: TablejohnConfiguration.Bench
    private let repository: GitRepository?
    private let benchRepository: GitRepository?
    private let archiveLimits: TreeArchiveLimits
    private let sharedTokenDigests: [Data]
    /// The local runner of `serve --local-runner`: its name and the digest of its token.
    private let localRunner: (name: String, digest: Data)?
    private let persisted = Mutex<[String: (time: Int64, fingerprint: JSONValue?)]>([:])
    private let outputs = Mutex(LiveOutput())
    /// When queue entries pinned to a machine go to any runner (`[detect] affinity-timeout`).
    private let affinityRelease: AffinityRelease
    /// Where submissions are counted and timed; nil: nowhere.
    let metrics: DaemonMetrics?

    /// - Parameters:
    ///   - repository: the watched repository, for tree archives.
    ///   - benchRepository: the `bench-repo` method's repository.
    ///   - sharedTokens: tokens accepted under any runner name without a token of its own
    ///     (the config's `runner-token`).
    ///   - localRunner: the local runner's name and token, accepted under that name only.
    ///   - archiveLimits: how large a tree archives may expand to.
    init(store: Store, bench: TablejohnConfiguration.Bench = .init(), repository: GitRepository? = nil,
                benchRepository: GitRepository? = nil, sharedTokens: [String] = [], localRunner: (name: String, token: String)? = nil,
                reservationTimeout: Duration = .seconds(60), archiveLimits: TreeArchiveLimits = TreeArchiveLimits(),
                metrics: DaemonMetrics? = nil, affinityTimeout: Duration = .seconds(3600)) {
        self.metrics = metrics
        self.affinityRelease = AffinityRelease(timeout: affinityTimeout.milliseconds)
        self.archiveLimits = archiveLimits
        self.store = store
        self.recorder = RunRecorder(store: store)
        self.registry = Mutex(RunnerRegistry(timeout: reservationTimeout.milliseconds))
        self.bench = bench
        self.repository = repository
        self.benchRepository = benchRepository
        self.sharedTokenDigests = sharedTokens.map(RunnerToken.digest)
        self.localRunner = localRunner.map { ($0.name, RunnerToken.digest($0.token)) }
    }

    /// Whether `token` is runner `name`'s own token, the local runner's under its name,
    /// or a shared one and `name` has no token of its own. Constant time in the token.
    func authenticate(name: String, token: String) throws -> Bool {
        guard RunnerToken.isValidName(name) else { return false }
        let digest = RunnerToken.digest(token)
        var shared = false
        for candidate in sharedTokenDigests where RunnerToken.equalInConstantTime(digest, candidate) { shared = true }
        // The local runner's token works under its own name only, registered or not.
        if let localRunner, RunnerToken.equalInConstantTime(digest, localRunner.digest) { return name == localRunner.name }
        // From memory (`RunnerTokenTable`): a status call reads no token from the database.
        let own = try store.runnerTokenDigests()[name]
        // A missing runner costs the same comparison as a wrong token.
        if RunnerToken.equalInConstantTime(digest, own ?? Data(count: 32)), own != nil { return true }
        // A shared token acts only under names that have no token of their own.
        return shared && own == nil
    }

    /// The bench method of a new run, as the reply hands it out: the bench repository at its HEAD now.
    private func benchMethod() throws(RunnerAPIError) -> RunOrder.Method {
        switch bench.method {
        case .internalStatistics: return .internal
        case .command(let command): return .command(command)
        case .benchRepo(_, let entry):
            guard let benchRepository, let head = try? benchRepository.resolve("HEAD") else {
                throw .bad("the bench repository has no HEAD commit")
            }
            return .benchRepo(hash: head.hex, entry: entry)
        }
    }

    /// The tree of commit `hash` of the watched repository (or of the bench repository) as
    /// a tar.gz stream, after checking it against the archive limits (422 past one).
    /// Blocking: call it from `GitWorkers`.
    func treeArchive(hash: String, benchRepo: Bool) throws(RunnerAPIError) -> TreeArchiveStream {
        guard let oid = GitOID(hex: hash.lowercased()) else { throw .bad("\(hash.debugDescription) is not a full commit hash") }
        guard let repository = benchRepo ? benchRepository : repository else {
            throw RunnerAPIError(kind: .notFound, message: benchRepo ? "this server has no bench repository" : "no repository")
        }
        do {
            return try repository.treeArchiveStream(commit: oid, limits: archiveLimits)
        } catch let error as TreeArchiveLimitError {
            throw RunnerAPIError(kind: .unprocessable, message: error.description)
        } catch let error as GitError where error.isNotFound {
            throw RunnerAPIError(kind: .notFound, message: "no commit \(oid.hex) in the \(benchRepo ? "bench " : "")repository")
        } catch {
            throw .bad("\(error)")
        }
    }

    /// Stores a run produced elsewhere (`POST /api/runs`), in the same batches as submissions.
    func record(_ run: Run) async throws -> Bool {
        let started = ContinuousClock.now
        do {
            let stored = try await recorder.record(run)
            metrics?.submission(.api, stored ? .stored : .duplicate, duration: ContinuousClock.now - started)
            return stored
        } catch {
            metrics?.submission(.api, .refused, duration: ContinuousClock.now - started)
            throw error
        }
    }

    /// Runners seen since this process started: what each is doing, for `runners.list`.
    func liveRunners(now: Int64) -> [String: RunnerRegistry.Snapshot] {
        var live = registry.withLock { $0.snapshot(now: now) }
        persisted.withLock { persisted in
            for (name, seen) in persisted { live[name]?.fingerprint = seen.fingerprint }
        }
        return live
    }

    /// The last output lines of each runner's run in progress, by runner name.
    func liveOutput() -> [String: LiveOutput.Entry] {
        outputs.withLock { $0.entries }
    }

    /// The reply to runner `name`'s status call `body`, made at `now` (Unix milliseconds).
    func status(name: String, body: JSONValue, now: Int64) async throws(RunnerAPIError) -> JSONValue {
        let started = ContinuousClock.now
        let request: RunnerProtocol.StatusRequest
        do {
            request = try RunnerProtocol.StatusRequest(json: body, runner: name)
        } catch {
            if let submitted = body["submit_run"], submitted != .null {
                metrics?.submission(.runner, .refused, duration: ContinuousClock.now - started)
            }
            throw .bad(error.message)
        }
        let fingerprint = request.fingerprint
        let activity: RunnerActivity = switch request.status {
        case .idle: .idle
        case .busy: .busy
        case .working(let run): .working(runID: run.id, hash: run.hash)
        }
        let requestRun = request.requestRun
        let paused = request.paused.flatMap(PauseReason.init(untrusted:))

        do {
            if let run = request.submitRun {
                var outcome = DaemonMetrics.SubmissionOutcome.refused
                defer { metrics?.submission(.runner, outcome, duration: ContinuousClock.now - started) }
                // A run id handed to another runner is not this one's to submit.
                if let owner = registry.withLock({ $0.owner(ofRun: run.id) }), owner != name {
                    throw RunnerAPIError(kind: .forbidden, message: "submit_run: run \(run.id) was handed to another runner; nothing was stored")
                }
                let stored: Bool
                do {
                    stored = try await recorder.record(run)
                } catch RunError.unknownCommit(let hash) {
                    throw RunnerAPIError.bad("submit_run: commit \(hash) is not in this repository")
                } catch RunError.incompatibleUnit(let error) {
                    throw RunnerAPIError.bad("submit_run: \(error); nothing was stored")
                }
                // A run already stored: the same runner resending it is acknowledged again
                // (it may not have heard the first time); anyone else is refused.
                if !stored, let existing = try store.run(id: run.id), existing.runnerName != name {
                    throw RunnerAPIError(kind: .forbidden, message: "submit_run: a run \(run.id) from another runner is already stored; nothing was changed")
                }
                outcome = stored ? .stored : .duplicate
                registry.withLock { $0.finished(runID: run.id) }
                outputs.withLock { $0.finished(runID: run.id) }
            }
            // Read before taking the registry's lock, which other runners' calls wait on.
            let queue = try store.queuedCommits(limit: 100)
            var queued = Set(queue.map(\.hash))
            if case .working(_, let hash) = activity, !queued.contains(hash), try store.isQueued(hash) { queued.insert(hash) }
            // Known before the registry reserves a commit, so a bench method that cannot be
            // named (a bench repository without HEAD) refuses the call without a reservation.
            let method = requestRun && activity == .idle && paused == nil ? try benchMethod() : nil
            // The fingerprint's text names the machine for pinned entries; serialised only while
            // some are queued (the registry keeps a runner's last one), so plain calls stay cheap.
            let pinned = queue.contains { $0.affinity != nil }
            let call = RunnerStatusCall(name: name, secret: request.secret, activity: activity, requestRun: requestRun, paused: paused,
                                        fingerprint: pinned ? fingerprint.flatMap { try? $0.jsonString() } : nil)
            let (decision, released) = registry.withLock { registry in
                // Entries whose machine has been away too long go to whoever asks, this caller included.
                let released = pinned ? Set(registry.releasable(queue, for: call, now: now, rule: affinityRelease)) : []
                let open = released.isEmpty ? queue : queue.map { released.contains($0.hash) ? QueuedCommit(hash: $0.hash) : $0 }
                let decision = registry.status(call, now: now, from: open, isQueued: { queued.contains($0) },
                                               newRunID: { UUID().uuidString.lowercased() })
                return (decision, released)
            }
            if !released.isEmpty { try store.releaseAffinities(released.sorted(), now: now) }
            switch decision {
            case .refused(let message):
                throw RunnerAPIError(kind: .conflict, message: message)
            case .reply(let run, let abort):
                try noteSeen(name, now: now, fingerprint: fingerprint)
                outputs.withLock { live in
                    if case .working(let working) = request.status, !abort {
                        live.report(runner: name, runID: working.id, window: working.lastOutput)
                    } else {
                        live.clear(runner: name)
                    }
                }
                let order = run.flatMap { run in
                    method.map { method in
                        // The internal method reads no results, so it is sent no format.
                        RunOrder(id: run.runID, hash: run.hash, method: method, timeout: bench.timeout,
                                 start: Timestamp.rfc3339(milliseconds: now), format: method == .internal ? nil : bench.format)
                    }
                }
                return RunnerProtocol.StatusReply(run: order, abort: abort).json
            }
        } catch {
            throw .from(error)
        }
    }

    /// Writes last-seen and fingerprint when the fingerprint changed or the stored time is old.
    private func noteSeen(_ name: String, now: Int64, fingerprint: JSONValue?) throws {
        let due = persisted.withLock { persisted in
            guard let last = persisted[name], last.fingerprint == fingerprint, now - last.time < Self.lastSeenPersistInterval else {
                // Bounded like the registry: names not written for a while are forgotten here.
                if persisted[name] == nil, persisted.count >= 2 * RunnerRegistry.maximumNames {
                    persisted = persisted.filter { now - $0.value.time < Self.lastSeenPersistInterval }
                }
                persisted[name] = (now, fingerprint)
                return true
            }
            return false
        }
        if due { try store.runnerSeen(name, at: now, fingerprint: fingerprint) }
    }
}
