// The server side of POST /api/runner/status: wire shapes in and out, the registry, the store.
import Foundation
import Synchronization

/// Why an authenticated status call was refused: bad content (400), a run or name that
/// is another runner's (403), its name in use (409), or the server's own storage trouble
/// (503: the runner keeps its result and tries again).
public struct RunnerAPIError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Sendable { case badRequest, forbidden, conflict, notFound, unprocessable, unavailable }
    public var kind: Kind
    public var message: String

    public var description: String { message }

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
public final class RunnerService: Sendable {
    /// Status call bodies larger than this are refused with 413.
    public static let maximumBodyBytes = 8 << 20
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
    public init(store: Store, bench: TablejohnConfiguration.Bench = .init(), repository: GitRepository? = nil,
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
    public func authenticate(name: String, token: String) throws -> Bool {
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

    /// The bench method of a new run, as its `bench_method` in a reply.
    private func benchMethod() throws(RunnerAPIError) -> JSONValue {
        var method: JSONObject
        switch bench.method {
        case .internalStatistics: return ["type": "internal"]
        case .command(let command): method = ["type": "command", "command": .string(command)]
        case .benchRepo(_, let entry):
            guard let benchRepository, let head = try? benchRepository.resolve("HEAD") else {
                throw .bad("the bench repository has no HEAD commit")
            }
            method = ["type": "bench_repo", "hash": .string(head.hex), "entry": .string(entry)]
        }
        if let format = bench.format { method["format"] = .string(format.rawValue) }
        return .object(method)
    }

    /// The tree of commit `hash` of the watched repository (or of the bench repository) as
    /// a tar.gz stream, after checking it against the archive limits (422 past one).
    /// Blocking: call it from `GitWorkers`.
    public func treeArchive(hash: String, benchRepo: Bool) throws(RunnerAPIError) -> TreeArchiveStream {
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
    public func record(_ run: Run) async throws -> Bool {
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
    public func liveRunners(now: Int64) -> [String: RunnerRegistry.Snapshot] {
        var live = registry.withLock { $0.snapshot(now: now) }
        persisted.withLock { persisted in
            for (name, seen) in persisted { live[name]?.fingerprint = seen.fingerprint }
        }
        return live
    }

    /// The last output lines of each runner's run in progress, by runner name.
    public func liveOutput() -> [String: LiveOutput.Entry] {
        outputs.withLock { $0.entries }
    }

    /// The reply to runner `name`'s status call `body`, made at `now` (Unix milliseconds).
    public func status(name: String, body: JSONValue, now: Int64) async throws(RunnerAPIError) -> JSONValue {
        guard case .object(let request) = body else { throw .bad("the body must be a JSON object") }
        guard case .string(let secret)? = request["secret"], (8...256).contains(secret.utf8.count) else {
            throw .bad("\"secret\" must be a string of 8 to 256 bytes, chosen at random when the runner starts")
        }
        let fingerprint = request["fingerprint"]
        if let fingerprint, fingerprint.objectValue == nil, fingerprint != .null { throw .bad("\"fingerprint\" must be an object") }
        let activity = try Self.activity(request["status"])
        let requestRun = try Self.bool(request["request_run"], "request_run")
        let paused = try Self.pauseReason(request["paused"])

        do {
            if let submitted = request["submit_run"], submitted != .null {
                let started = ContinuousClock.now
                var outcome = DaemonMetrics.SubmissionOutcome.refused
                defer { metrics?.submission(.runner, outcome, duration: ContinuousClock.now - started) }
                let run = try Self.run(submitted, runner: name, fingerprint: fingerprint)
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
            let method: JSONValue = requestRun && activity == .idle && paused == nil ? try benchMethod() : .null
            // The fingerprint's text names the machine for pinned entries; serialised only while
            // some are queued (the registry keeps a runner's last one), so plain calls stay cheap.
            let pinned = queue.contains { $0.affinity != nil }
            let call = RunnerStatusCall(name: name, secret: secret, activity: activity, requestRun: requestRun, paused: paused,
                                        fingerprint: pinned ? fingerprint.flatMap { $0 == .null ? nil : try? $0.jsonString() } : nil)
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
                try noteSeen(name, now: now, fingerprint: fingerprint == .null ? nil : fingerprint)
                outputs.withLock { live in
                    if case .working(let runID, _) = activity, !abort {
                        live.report(runner: name, runID: runID, window: LiveOutput.window(from: request["status"]))
                    } else {
                        live.clear(runner: name)
                    }
                }
                return ["run": run.map { run in
                    ["id": .string(run.runID), "hash": .string(run.hash), "bench_method": method,
                     "timeout_s": .integer(max(1, bench.timeout.milliseconds / 1000 + (bench.timeout.milliseconds % 1000 == 0 ? 0 : 1))), "start": .string(Timestamp.rfc3339(milliseconds: now))]
                } ?? .null, "abort_run": .bool(abort)]
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

    private static func bool(_ value: JSONValue?, _ key: String) throws(RunnerAPIError) -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let flag)?: return flag
        default: throw .bad("\"\(key)\" must be true or false")
        }
    }

    /// `paused`: absent, null, or a string (bounded and shown on one line by `PauseReason`).
    private static func pauseReason(_ value: JSONValue?) throws(RunnerAPIError) -> PauseReason? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return PauseReason(untrusted: text)
        default: throw .bad("\"paused\" must be a string saying why the runner takes no work, or null")
        }
    }

    private static func activity(_ value: JSONValue?) throws(RunnerAPIError) -> RunnerActivity {
        guard case .object(let status)? = value, case .string(let type)? = status["type"] else {
            throw .bad("\"status\" must be an object with \"type\": idle, busy or working")
        }
        switch type {
        case "idle": return .idle
        case "busy": return .busy
        case "working":
            guard case .string(let id)? = status["run"]?["id"], case .string(let hash)? = status["run"]?["hash"] else {
                throw .bad("a working status needs \"run\" with \"id\" and \"hash\"")
            }
            return .working(runID: id, hash: hash)
        default:
            throw .bad("status type \(type.debugDescription) is not idle, busy or working")
        }
    }

    /// A submitted run, checked field by field; `label` names it in errors.
    static func run(_ value: JSONValue, runner: String?, fingerprint: JSONValue?, label: String = "submit_run",
                    hashKey: String = "hash") throws(RunnerAPIError) -> Run {
        func string(_ key: String) throws(RunnerAPIError) -> String {
            guard case .string(let text)? = value[key], !text.isEmpty else { throw .bad("\(label): \"\(key)\" must be a non-empty string") }
            return text
        }
        func time(_ key: String) throws(RunnerAPIError) -> Int64 {
            guard let milliseconds = Timestamp.parse(try string(key)) else { throw .bad("\(label): \"\(key)\" must be an RFC 3339 time") }
            return milliseconds
        }
        let id = try string("id")
        guard id.utf8.count <= 128 else { throw .bad("\(label): \"id\" is longer than 128 bytes") }
        let hash = try string(hashKey).lowercased()
        guard hash.count == 40, hash.allSatisfy(\.isHexDigit) else { throw .bad("\(label): \"\(hashKey)\" must be a full commit hash") }
        guard case .integer(let exitCode)? = value["exit_code"], let code = Int(exactly: exitCode) else {
            throw .bad("\(label): \"exit_code\" must be an integer")
        }
        var measurements: [Measurement] = []
        if let given = value["measurements"], given != .null {
            guard case .object(let metrics) = given else { throw .bad("\(label): \"measurements\" must be an object") }
            do {
                try Measurement.check(count: metrics.entries.count)
                for (metric, fields) in metrics.entries {
                    guard case .object(let object) = fields else { throw ResultFormatError(.tablejohn, "\(metric.debugDescription) must be an object") }
                    measurements.append(try TablejohnJSONFormat.measurement(metric, object))
                }
            } catch let error as ResultFormatError {
                throw .bad("\(label): measurements: \(error.message)")
            } catch {
                throw .bad("\(label): measurements: \(error)")
            }
        }
        var output: [(source: OutputSource, text: String)] = []
        for line in value["output"]?.arrayValue ?? [] {
            guard case .string(let source)? = line.arrayValue?.first, let kind = OutputSource(rawValue: source),
                  case .string(let text)? = line.arrayValue?.last, line.arrayValue?.count == 2 else {
                throw .bad("\(label): each output line must be [\"stdout\"|\"stderr\"|\"internal\", text]")
            }
            output.append((kind, text))
        }
        var conditions: RunConditions?
        if let given = value["conditions"], given != .null {
            do throws(RunConditionsError) {
                conditions = try RunConditions(json: given)
            } catch {
                throw .bad("\(label): conditions: \(error.message)")
            }
        }
        return Run(id: id, commit: hash, benchMethod: try string("bench_method"), runnerName: runner,
                   fingerprint: fingerprint == .null ? nil : fingerprint, start: try time("start"), end: try time("end"),
                   exitCode: code, origin: .runner, measurements: measurements, output: output, conditions: conditions)
    }
}
