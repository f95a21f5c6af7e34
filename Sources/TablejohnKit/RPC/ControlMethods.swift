// Every JSON-RPC method of the control socket; documented in RPC.md at the repository's top.
import Foundation

/// The daemon's admin API. Each method reads its parameters with `RPCParams`, calls
/// the store or the sync loop, and returns plain JSON; domain errors become RPC
/// errors in one place (`translate`).
public struct ControlMethods: Sendable {
    public var store: Store
    /// Where exports read their pages: the shared pool, so a long export never holds
    /// the control socket's own connection.
    public var exportStore: Store
    public var sync: SyncService
    public var resolver: RevisionResolver
    public var repositoryPath: String
    public var databasePath: String
    /// The runner API's live state (what each runner is doing), for `runners.list`.
    public var runners: RunnerAPI?
    /// How `users.add` and `users.passwd` hash passwords; tests lower its cost.
    var passwordHasher = PasswordHasher()
    /// What `db.query` may cost (`[sql]` in the configuration).
    public var sqlLimits = UserQueryLimits()
    /// Where `runs.submit` is counted; nil: nowhere.
    public var metrics: DaemonMetrics?

    public init(store: Store, exportStore: Store? = nil, sync: SyncService, resolver: RevisionResolver, repositoryPath: String,
                databasePath: String, runners: RunnerAPI? = nil) {
        self.runners = runners
        self.store = store
        self.exportStore = exportStore ?? store
        self.sync = sync
        self.resolver = resolver
        self.repositoryPath = repositoryPath
        self.databasePath = databasePath
    }

    /// The largest page an export or listing returns.
    static let maximumPage: Int64 = 100_000

    /// A JSON-RPC handler for `JSONRPCProtocol`.
    public var handler: JSONRPCProtocol.Handler {
        { (method: String, params: JSONValue?) throws(RPCError) -> RPCResult in
            do {
                return try dispatch(method, params)
            } catch {
                throw Self.translate(error)
            }
        }
    }

    /// Calls a method and waits for its result, deferred or not (for tests).
    func call(_ method: String, _ params: JSONValue?) async throws -> JSONValue {
        switch try dispatch(method, params) {
        case .value(let value): return value
        case .deferred(let work): return try await work()
        case .stream(let result, let source):
            source.cancel()
            return result
        }
    }

    static func translate(_ error: any Error) -> RPCError {
        switch error {
        case let error as RPCError: error
        case let error as RevisionError:
            switch error {
            case .unknown(let name): .notFound("ref or commit", name)
            case .ambiguous(let name, let candidates): .ambiguous(name, candidates: candidates)
            case .notImported: .failed(error.description)
            }
        case RefError.unknown(let name): .notFound("ref", name)
        case RunFilterError.invalidTime(let key):
            .invalidParams("\"\(key)\" must be \(RunFilterError.timeFormat)", data: ["parameter": .string(key)])
        case let error as RunError:
            switch error {
            case .unknownRun(let id): .notFound("run", id)
            case .unknownCommit(let hash): .notFound("commit", hash)
            case .incompatibleUnit(let cause): .invalidParams("\(cause); nothing was stored", data: ["parameter": "files"])
            }
        case let error as RunnerError:
            switch error {
            case .invalidName: .invalidParams(error.description, data: ["parameter": "name"])
            case .exists: .conflict(error.description)
            case .unknown(let name): .notFound("runner", name)
            }
        case ChangeError.unknown(let id): .notFound("change", String(id))
        case let error as ComparisonError: .failed(error.description)
        case let error as UserError:
            switch error {
            case .invalidName: .invalidParams(error.description, data: ["parameter": "name"])
            case .invalidPassword: .invalidParams(error.description, data: ["parameter": "password"])
            case .exists: .conflict(error.description)
            case .unknown(let name): .notFound("user", name)
            }
        case let error as UserQueryError:
            switch error {
            case .timedOut: .failed(error.description)
            case .unavailable: .tryAgain(error.description)
            default: .invalidParams(error.description, data: ["parameter": "sql"])
            }
        case DatabaseArchiveError.busy: .conflict(DatabaseArchiveError.busy.description)
        case let error as DatabaseArchiveError: .failed(error.description)
        case let error as BackupError:
            switch error {
            case .exists: .conflict(error.description, data: ["parameter": "path"])
            case .failed: .failed(error.description)
            default: .invalidParams(error.description, data: ["parameter": "path"])
            }
        case let error where StorageTrouble.isTransient(error): .tryAgain(StorageTrouble.message(error))
        default: .internalError("\(error)")
        }
    }

    func dispatch(_ method: String, _ params: JSONValue?) throws -> RPCResult {
        if method == "repo.fetch" { return fetch(try RPCParams(params, names: [])) }
        if method == "users.add" { return try userAdd(RPCParams(params, names: ["name", "password", "admin"])) }
        if method == "compare" { return try compare(RPCParams(params, names: ["base", "head", "threshold"])) }
        if method == "db.query" { return try dbQuery(RPCParams(params, names: ["sql", "limit", "offset"])) }
        if method == "db.backup" { return try dbBackup(RPCParams(params, names: ["path", "force"])) }
        if method == "archive.move" { return try archiveMove(RPCParams(params, names: ["before", "ref", "keep_last"])) }
        if method == "archive.restore" { return try archiveRestore(RPCParams(params, names: ["before", "after"])) }
        if method == "users.passwd" { return try userPasswd(RPCParams(params, names: ["name", "password"])) }
        if method == "runs.export", params?["stream"] == .bool(true) {
            return try exportStream(RPCParams(params, names: ["format", "stream"] + Self.filterNames))
        }
        return .value(try value(method, params))
    }

    private func value(_ method: String, _ params: JSONValue?) throws -> JSONValue {
        switch method {
        case "status": return try status(RPCParams(params, names: []))
        case "refs.list": return try refsList(RPCParams(params, names: ["tracked"]))
        case "refs.track": return try track(RPCParams(params, names: ["ref"]), true)
        case "refs.untrack": return try track(RPCParams(params, names: ["ref"]), false)
        case "queue.list": return try queueList(RPCParams(params, names: ["limit"]))
        case "queue.add": return try queueAdd(RPCParams(params, names: ["rev", "priority"]))
        case "queue.remove": return try queueRemove(RPCParams(params, names: ["rev"]))
        case "queue.prioritize": return try queuePrioritize(RPCParams(params, names: ["rev", "priority"]))
        case "queue.backfill": return try backfill(RPCParams(params, names: ["ref", "last", "priority"]))
        case "runs.list": return try runsList(RPCParams(params, names: Self.filterNames + ["limit", "cursor"]))
        case "runs.get": return try runGet(RPCParams(params, names: ["id", "include_archive"]))
        case "archive.status": return try archiveStatus(RPCParams(params, names: []))
        case "runs.delete": return try runDelete(RPCParams(params, names: ["id"]))
        case "runs.submit": return try runSubmit(RPCParams(params, names: ["commit", "files", "names", "format", "runner", "fingerprint"]))
        case "runs.import": return try runImport(RPCParams(params, names: ["runs"]))
        case "runs.export": return try export(RPCParams(params, names: ["format", "stream"] + Self.filterNames + ["limit", "cursor"]))
        case "metrics.list": return try metricsList(RPCParams(params, names: []))
        case "metrics.set": return try metricSet(RPCParams(params, names: ["name", "unit", "direction"]))
        case "runners.list": return try runnersList(RPCParams(params, names: []))
        case "runners.add": return try runnerAdd(RPCParams(params, names: ["name"]))
        case "runners.revoke": return try runnerRevoke(RPCParams(params, names: ["name"]))
        case "changes.list": return try changesList(RPCParams(params, names: ["state", "all", "commit", "kind", "tracked", "limit"]))
        case "changes.ack": return try changeAck(RPCParams(params, names: ["id"]))
        case "users.list": return try usersList(RPCParams(params, names: []))
        case "users.remove": return try userRemove(RPCParams(params, names: ["name"]))
        default: throw RPCError.methodNotFound(method)
        }
    }

    // MARK: Status and sync

    func status(_ params: RPCParams) throws -> JSONValue {
        let counts = try store.commitCounts()
        let state = sync.status.snapshot
        var syncObject: JSONObject = ["rounds": JSONValue(state.rounds)]
        switch state.phase {
        case .waiting: syncObject["phase"] = "waiting"
        case .fetching: syncObject["phase"] = "fetching"
        case .importing(let commits):
            syncObject["phase"] = "importing"
            syncObject["commits_so_far"] = JSONValue(commits)
        }
        syncObject["last_success"] = JSONValue(state.lastSuccess.map { Timestamp.rfc3339(milliseconds: Int64($0.timeIntervalSince1970 * 1000)) })
        syncObject["last_error"] = JSONValue(state.lastError)
        let refs = try store.refs().values
        return [
            "repository": .string(repositoryPath),
            "database": .string(databasePath),
            "commits": JSONValue(counts.total),
            "reachable_commits": JSONValue(counts.reachable),
            "refs": JSONValue(refs.count),
            "tracked_refs": .array(refs.filter(\.tracked).map(\.name).sorted().map(JSONValue.string)),
            "queue_length": JSONValue(try store.queueLength()),
            "runs": JSONValue(try store.runCount()),
            "sync": .object(syncObject),
        ]
    }

    /// Waits for a whole sync round, off the connection's event loop.
    func fetch(_ params: RPCParams) -> RPCResult {
        .deferred { [sync] () async throws(RPCError) -> JSONValue in
            guard let report = await sync.runRound() else {
                throw RPCError.failed("sync failed: \(sync.status.snapshot.lastError ?? "interrupted")")
            }
            return ["new_commits": JSONValue(report.newCommits), "refs_changed": JSONValue(report.refsChanged),
                    "queued": JSONValue(report.queued)]
        }
    }

    // MARK: Refs

    func refsList(_ params: RPCParams) throws -> JSONValue {
        let onlyTracked = try params.bool("tracked")
        return .array(try store.refSummaries().filter { onlyTracked == nil || $0.tracked == onlyTracked }.map(Self.json))
    }

    func track(_ params: RPCParams, _ tracked: Bool) throws -> JSONValue {
        let ref = try resolver.ref(try params.requiredString("ref"))
        try store.setTracked(ref.name, tracked)
        return ["ref": .string(ref.name), "tracked": .bool(tracked), "hash": .string(ref.hash)]
    }

    static func json(_ ref: RefSummary) -> JSONValue {
        ["name": .string(ref.name), "tracked": .bool(ref.tracked), "hash": .string(ref.hash),
         "summary": .string(ref.summary), "author": .string(ref.authorName),
         "committer_time": Timestamp.rfc3339(commitSeconds: ref.committerTime).map(JSONValue.string) ?? .null]
    }

    // MARK: Queue

    func queueList(_ params: RPCParams) throws -> JSONValue {
        let limit = try params.int("limit", range: 1...Self.maximumPage) ?? 1000
        return .array(try store.queue(limit: Int(limit)).map { entry in
            ["hash": .string(entry.hash), "priority": JSONValue(entry.priority), "summary": .string(entry.summary),
             "added": .string(Timestamp.rfc3339(milliseconds: entry.added)),
             "committer_time": Timestamp.rfc3339(commitSeconds: entry.committerTime).map(JSONValue.string) ?? .null,
             "machine": entry.affinity.map { ["runner": JSONValue($0.runner), "fingerprint": JSONValue($0.fingerprint)] } ?? .null]
        })
    }

    func queueAdd(_ params: RPCParams) throws -> JSONValue {
        let rev = try params.requiredString("rev")
        let priority = try params.int("priority", range: Store.queuePriorities) ?? 0
        let hashes = try resolver.commits(rev, limit: 10_001)
        guard hashes.count <= 10_000 else { throw RPCError.invalidParams("\(rev) names more than 10000 commits; narrow the range") }
        let added = try store.enqueue(hashes, priority: Int(priority), now: Self.now())
        return ["commits": .array(hashes.map(JSONValue.string)), "added": JSONValue(added.count),
                "already_queued": JSONValue(hashes.count - added.count), "priority": .integer(priority)]
    }

    func queueRemove(_ params: RPCParams) throws -> JSONValue {
        let rev = try params.requiredString("rev")
        let hash = try resolver.commit(rev)
        guard try store.dequeue(hash) else { throw RPCError.conflict("\(rev) (\(hash.prefix(10))) is not queued", data: ["hash": .string(hash)]) }
        return ["removed": .string(hash)]
    }

    func queuePrioritize(_ params: RPCParams) throws -> JSONValue {
        let rev = try params.requiredString("rev")
        let priority = try params.requiredInt("priority", range: Store.queuePriorities)
        let hash = try resolver.commit(rev)
        guard try store.prioritize(hash, priority: Int(priority)) else {
            throw RPCError.conflict("\(rev) (\(hash.prefix(10))) is not queued", data: ["hash": .string(hash)])
        }
        return ["hash": .string(hash), "priority": .integer(priority)]
    }

    func backfill(_ params: RPCParams) throws -> JSONValue {
        let ref = try resolver.ref(try params.requiredString("ref"))
        let last = try params.requiredInt("last", range: 1...100_000)
        let priority = try params.int("priority", range: Store.queuePriorities) ?? -1
        let hashes = try store.firstParentCommitsWithoutRuns(from: ref.hash, count: Int(last))
        let added = try store.enqueue(hashes, priority: Int(priority), now: Self.now())
        return ["ref": .string(ref.name), "commits": .array(hashes.map(JSONValue.string)),
                "added": JSONValue(added.count), "priority": .integer(priority)]
    }

    // MARK: Runs

    static let filterNames = RunFilter.parameterNames + ["include_archive"]

    func filter(_ params: RPCParams) throws -> RunFilter {
        var filter = try resolver.runFilter { key in try params.string(key) }
        filter.includeArchive = try params.bool("include_archive") ?? false
        return filter
    }

    func runsList(_ params: RPCParams) throws -> JSONValue {
        let limit = Int(try params.int("limit", range: 1...Self.maximumPage) ?? 100)
        var cursor: RunCursor?
        if let token = try params.string("cursor") {
            guard let given = RunCursor(token: token) else { throw RPCError.invalidParams("\"cursor\" is not a cursor from runs.list") }
            cursor = given
        }
        let runs = try store.runs(try filter(params), limit: limit, after: cursor?.position)
        let next: JSONValue = runs.count == limit ? runs.last.map { .string(RunCursor(after: $0).token) } ?? .null : .null
        return ["runs": .array(runs.map { run in
            ["id": .string(run.id), "commit": .string(run.commit), "bench_method": .string(run.benchMethod),
             "runner": JSONValue(run.runnerName), "start": .string(Timestamp.rfc3339(milliseconds: run.start)),
             "end": .string(Timestamp.rfc3339(milliseconds: run.end)), "exit_code": JSONValue(run.exitCode),
             "origin": .string(run.origin.rawValue), "measurements": JSONValue(run.measurementCount)]
        }), "next_cursor": next]
    }

    func runGet(_ params: RPCParams) throws -> JSONValue {
        let id = try params.requiredString("id")
        let includeArchive = try params.bool("include_archive") ?? false
        if let run = try store.run(id: id) { return RunJSON.json(run, withOutput: true) }
        if includeArchive, let run = try store.archivedRun(id: id) {
            guard case .object(var object) = RunJSON.json(run, withOutput: true) else { return .null }
            object["archived"] = true
            return .object(object)
        }
        guard try store.archivedRun(id: id) == nil else {
            throw RPCError.notFound("run", id, hint: "it is in the archive; pass include_archive (tjctl: --include-archive)")
        }
        throw RPCError.notFound("run", id)
    }

    func runDelete(_ params: RPCParams) throws -> JSONValue {
        let id = try params.requiredString("id")
        try store.deleteRun(id: id)
        return ["deleted": .string(id)]
    }

    func export(_ params: RPCParams) throws -> JSONValue {
        let format = try params.string("format") ?? "csv"
        _ = try params.bool("stream")  // true was dispatched to exportStream
        let filter = try filter(params)
        let cursor = try params.string("cursor")
        switch format {
        case "csv":
            let limit = Int(try params.int("limit", range: 1...Self.maximumPage) ?? 50_000)
            var after: ExportCursor?
            if let cursor {
                guard let parsed = ExportCursor(token: cursor) else { throw RPCError.invalidParams("\"cursor\" is not a cursor from runs.export") }
                after = parsed
            }
            var bytes = Array((after == nil ? Store.csvHeader : "").utf8)
            let page = try store.exportCSV(filter, after: after, limit: limit, into: &bytes)
            return ["format": "csv", "rows": JSONValue(page.rows), "data": .string(String(decoding: bytes, as: UTF8.self)),
                    "next_cursor": JSONValue(page.next?.token)]
        case "json":
            let limit = Int(try params.int("limit", range: 1...10_000) ?? 1000)
            let page = try store.exportRuns(filter, afterRunID: cursor, limit: limit)
            return ["format": "json", "rows": JSONValue(page.runs.count),
                    "runs": .array(page.runs.map { RunJSON.json($0, withOutput: false) }), "next_cursor": JSONValue(page.next)]
        default:
            throw RPCError.invalidParams("\"format\" must be csv or json", data: ["parameter": "format"])
        }
    }

    /// `runs.export` with `"stream": true`: the whole CSV export as raw chunks after the
    /// reply, produced by several threads; no JSON escaping on either side.
    func exportStream(_ params: RPCParams) throws -> RPCResult {
        guard (try params.string("format") ?? "csv") == "csv" else {
            throw RPCError.invalidParams("\"stream\" is for the csv format", data: ["parameter": "stream"])
        }
        let filter = try filter(params)
        return .stream(["format": "csv", "stream": "chunked"], CSVExportStream(store: exportStore, filter: filter))
    }

    // MARK: External runs

    /// `runs.submit`: a run from result files produced elsewhere (origin `import`).
    func runSubmit(_ params: RPCParams) throws -> JSONValue {
        let commit = try resolver.commit(try params.requiredString("commit"))
        guard let files = try params.strings("files"), !files.isEmpty else {
            throw RPCError.invalidParams("\"files\" must be a non-empty array of result file contents", data: ["parameter": "files"])
        }
        let format = try params.choice("format", ResultFormat.self)
        let runner = try params.string("runner")
        // File names (optional, one per file): some formats name their benchmark only there.
        let names = try params.strings("names")
        if let names, names.count != files.count {
            throw RPCError.invalidParams("\"names\" must hold one name per file", data: ["parameter": "names"])
        }
        // Paths as a file system has them: bounded, one line.
        if let bad = names?.first(where: { $0.isEmpty || $0.utf8.count > 4096 || $0.hasControlCharacters }) {
            throw RPCError.invalidParams("\"names\": \(String(bad.prefix(40)).debugDescription) is not a file name (1 to 4096 bytes, no control characters)",
                                         data: ["parameter": "names"])
        }
        let named = files.enumerated().map { (name: "file \($0.offset + 1)", bytes: Array($0.element.utf8)) }
        let fingerprint = try params.object("fingerprint")
        let built: (run: Run, formats: [ResultFormat])
        do throws(ExternalRunError) {
            built = try ExternalRun.fromResults(named, commit: commit, format: format, runner: runner,
                                                fingerprint: fingerprint, now: Self.now(), paths: names)
        } catch {
            metrics?.submission(.control, .refused, duration: nil)
            throw RPCError.invalidParams(error.message, data: ["parameter": "files"])
        }
        let started = ContinuousClock.now
        let stored: Bool
        do {
            stored = try store.record(built.run)
        } catch {
            metrics?.submission(.control, .refused, duration: ContinuousClock.now - started)
            throw error
        }
        metrics?.submission(.control, stored ? .stored : .duplicate, duration: ContinuousClock.now - started)
        return ["id": .string(built.run.id), "commit": .string(commit), "formats": .array(built.formats.map { .string($0.rawValue) }),
                "measurements": JSONValue(built.run.measurements.count)]
    }

    /// `runs.import`: runs from another instance's JSON export; runs already here are skipped.
    func runImport(_ params: RPCParams) throws -> JSONValue {
        guard let given = params.value("runs") else { throw RPCError.invalidParams("\"runs\" is required", data: ["parameter": "runs"]) }
        let runs: [Run]
        do throws(ExternalRunError) {
            runs = try ExternalRun.fromExport(given)
        } catch {
            throw RPCError.invalidParams(error.message, data: ["parameter": "runs"])
        }
        var imported = 0
        var skipped = 0
        var failed: [JSONValue] = []
        for (run, result) in zip(runs, try store.record(runs)) {
            switch result {
            case .success(true): imported += 1
            case .success(false): skipped += 1
            case .failure(let error): failed.append(["id": .string(run.id), "error": .string("\(error)")])
            }
        }
        return ["imported": JSONValue(imported), "skipped": JSONValue(skipped), "failed": .array(failed)]
    }

    // MARK: Runners

    /// Runners with tokens, and runners seen with the shared token since the daemon started.
    func runnersList(_ params: RPCParams) throws -> JSONValue {
        let live = runners?.liveRunners(now: Self.now()) ?? [:]
        var records = try store.runners()
        for name in live.keys where !records.contains(where: { $0.name == name }) {
            records.append(RunnerRecord(name: name, created: nil, lastSeen: nil, fingerprint: nil))
        }
        return .array(records.sorted { $0.name < $1.name }.map { runner in
            let now = live[runner.name]
            let state = RunnerOverview.State(storedLastSeen: runner.lastSeen, live: now)
            let lastSeen = RunnerOverview.lastSeen(stored: runner.lastSeen, live: now)
            return ["name": .string(runner.name), "created": JSONValue(runner.created.map(Timestamp.rfc3339(milliseconds:))),
                    "state": .string(state.rawValue), "last_seen": lastSeen.map { .string(Timestamp.rfc3339(milliseconds: $0)) } ?? .null,
                    "run": now?.run.map { ["id": .string($0.runID), "hash": .string($0.hash)] } ?? .null,
                    "paused": RunnerOverview.pauseReason(state: state, live: now).map { .string($0.text) } ?? .null,
                    "fingerprint": now?.fingerprint ?? runner.fingerprint ?? .null]
        })
    }

    func runnerAdd(_ params: RPCParams) throws -> JSONValue {
        let name = try params.requiredString("name")
        return ["name": .string(name), "token": .string(try store.addRunner(name, now: Self.now()))]
    }

    func runnerRevoke(_ params: RPCParams) throws -> JSONValue {
        let name = try params.requiredString("name")
        try store.revokeRunner(name)
        return ["revoked": .string(name)]
    }

    // MARK: Metrics

    func metricsList(_ params: RPCParams) throws -> JSONValue {
        .array(try store.metrics().map(Self.json))
    }

    func metricSet(_ params: RPCParams) throws -> JSONValue {
        let name = try params.requiredString("name")
        let unit = try params.string("unit")
        let direction = try params.choice("direction", MetricDirection.self)
        guard unit != nil || direction != nil else { throw RPCError.invalidParams("give \"unit\", \"direction\" or both") }
        do {
            try Measurement.check(metric: name)
            if let unit { try Measurement.check(unit: unit, metric: name) }
        } catch {
            throw RPCError.invalidParams(error.description)
        }
        return Self.json(try store.setMetric(name, unit: unit, direction: direction))
    }

    static func json(_ metric: MetricInfo) -> JSONValue {
        ["name": .string(metric.name), "unit": JSONValue(metric.unit), "direction": .string(metric.direction.rawValue),
         "measurements": JSONValue(metric.measurementCount)]
    }

    static func now() -> Int64 { Timestamp.now() }
}
