// Detected changes: the series the detector reads, the tracker's actions written in one
// transaction, listings for pages and RPC, acknowledgements and webhook deliveries.
import GRDB

/// A change as users see it (SPEC §9).
struct PerformanceChange: Sendable, Equatable {
    var id: Int64
    var ref: String
    var metric: String
    var runnerName: String?
    /// The first commit at the new level (once bisection is done, the commit that changed it).
    var commit: String
    var summary: String
    /// The last commit at the old level (once bisection is done, `commit`'s first parent).
    var base: String
    var before: Double
    var after: Double
    var magnitude: Double
    var kind: ChangeKind
    var confidence: Double
    var state: ChangeState
    /// Unix milliseconds.
    var detected: Int64
    var acked: Int64?
    /// What the re-runs of a regression's parent and commit said, once confirmation began.
    var evidence: ConfirmationEvidence? = nil
    /// When its machine was given up on (Unix milliseconds): its bisection or confirmation
    /// runs waited longer than `[detect] affinity-timeout` for a runner of that machine.
    var unconfirmable: Int64? = nil
}

/// Which changes a listing shows.
struct ChangeFilter: Sendable, Equatable {
    var states: [ChangeState] = [.confirmed, .detected]
    /// Also changes marked unconfirmable on their machine, whatever their state.
    var includeUnconfirmable = false
    var includeAcked = true
    var commit: String?
    var id: Int64?
    /// Only changes of this kind.
    var kind: ChangeKind?
    /// Only changes on refs tracked now.
    var trackedRefsOnly = false
    var limit = 50

    init(states: [ChangeState] = [.confirmed, .detected], includeAcked: Bool = true, commit: String? = nil, limit: Int = 50) {
        self.states = states
        // The default listing shows what needs a person: reported changes, and those
        // whose machine went away before they could be confirmed.
        self.includeUnconfirmable = states == [.confirmed, .detected]
        self.includeAcked = includeAcked
        self.commit = commit
        self.limit = limit
    }

    /// Lists the states a `state` parameter names: one state, or `any` for all (and, with
    /// the states named, no longer the unconfirmable changes of other states); false, and
    /// nothing changed, for any other name (changes.list, `GET /api/changes`, `tjctl changes --state`).
    mutating func select(stateNamed name: String) -> Bool {
        guard let named = name == "any" ? ChangeState.allCases : ChangeState(rawValue: name).map({ [$0] }) else { return false }
        states = named
        includeUnconfirmable = false
        return true
    }

    /// What a `state` parameter accepts, for messages.
    static var stateNames: String { (ChangeState.allCases.map(\.rawValue) + ["any"]).joined(separator: ", ") }

    /// The largest page of changes one request may ask for.
    static let maximumLimit = 100_000
}

/// A webhook POST still to be made.
struct HookDelivery: Sendable, Equatable {
    var changeID: Int64
    var url: String
    var attempts: Int
}

enum ChangeError: Error, Equatable, CustomStringConvertible {
    case unknown(Int64)
    var description: String {
        switch self {
        case .unknown(let id): "no change with id \(id)"
        }
    }
}

extension Store {
    /// `line(id, depth)`: the first-parent history from the commit with id `?`, at most `?` commits deep.
    static let firstParentLine = FirstParentLine.sql(count: "?")

    /// The changes of one machine (`MachineKey`), with `changeOnMachineArguments`: a change
    /// stores its series' fingerprint text ('' for none) and runner name, and the name
    /// counts only without a fingerprint.
    static let changeOnMachine = "fingerprint = ? AND (? <> '' OR runner_name IS ?)"

    static func changeOnMachineArguments(_ machine: MachineKey) -> StatementArguments {
        [machine.fingerprint, machine.fingerprint, machine.runner]
    }

    /// The tracked refs' tips, by name.
    func trackedTips() throws -> [(name: String, commitID: Int64)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, commit_id FROM refs WHERE tracked = 1 ORDER BY name").map { ($0[0], $0[1]) }
        }
    }

    /// Every metric on every machine along the last `window` commits of the first-parent
    /// history from `tip` (those in `scope`): the series the detector scans for `ref`.
    func detectionSeries(ref: String, tip: Int64, window: Int, scope: DetectionScope = .all) throws -> [TrackedSeries] {
        guard scope != .nothing else { return [] }
        return try read { db in
            let chain = try Int64.fetchAll(db, sql: Self.firstParentLine + " SELECT id FROM line ORDER BY depth DESC",
                                           arguments: [tip, window])
            var position: [Int64: Int] = [:]
            for (index, id) in chain.enumerated() { position[id] = index }
            var grouped: [SeriesKey: (runner: String?, runs: [Int: [Double]])] = [:]
            // Only the touched machines' runs and metrics' measurements are read (bounded lists;
            // past them, all of them): reading rows is most of a round's time.
            var metricFilter = ""
            var arguments: StatementArguments = [tip, window]
            if case .touched(let keys) = scope {
                // A superset of the touched machines' runs: `scope.includes` below decides.
                let fingerprints = Set(keys.map(\.machine.fingerprint))
                if fingerprints.count <= 50 {
                    metricFilter += " AND coalesce(r.runner_fingerprint, '') IN ("
                        + Array(repeating: "?", count: fingerprints.count).joined(separator: ", ") + ")"
                    arguments += StatementArguments(fingerprints.sorted())
                }
                let metrics = Set(keys.map(\.metric))
                if metrics.count <= 200 {
                    metricFilter += " AND m.metric IN (" + Array(repeating: "?", count: metrics.count).joined(separator: ", ") + ")"
                    arguments += StatementArguments(metrics.sorted())
                }
            }
            // Runs of the window's commits, oldest first, so each commit's list ends with its latest run.
            let rows = try Row.fetchCursor(db, sql: Self.firstParentLine + """
                SELECT r.commit_id, m.metric, r.runner_fingerprint, r.runner_name, m.value
                FROM line CROSS JOIN runs r ON r.commit_id = line.id CROSS JOIN measurements m ON m.run_id = r.id
                WHERE r.exit_code = 0\(metricFilter) ORDER BY r.start_time, r.id
                """, arguments: arguments)
            while let row = try rows.next() {
                guard let at = position[row[0]] else { continue }
                let key = SeriesKey(metric: row[1], fingerprint: row[2], runner: row[3])
                guard scope.includes(key) else { continue }
                grouped[key, default: (row[3], [:])].runs[at, default: []].append(row[4])
            }
            let order = { (key: SeriesKey) in (key.metric, key.machine.fingerprint, key.machine.runner ?? "") }
            return grouped.sorted { order($0.key) < order($1.key) }.map { key, entry in
                let positions = entry.runs.keys.sorted()
                return TrackedSeries(ref: ref, metric: key.metric, fingerprint: key.machine.fingerprint, runnerName: entry.runner,
                                     chain: chain, positions: positions, runs: positions.map { entry.runs[$0]! })
            }
        }
    }

    /// The stored changes of one series.
    func trackedChanges(ref: String, metric: String, machine: MachineKey) throws -> [TrackedChange] {
        try read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, low_commit, high_commit, before, after, magnitude, direction, confidence, state, requeues,
                       confirm_parent_runs, confirm_commit_runs, confirm_p, confirm_change, unconfirmable
                FROM changes WHERE ref = ? AND metric = ? AND \(Self.changeOnMachine)
                """), arguments: [ref, metric] + Self.changeOnMachineArguments(machine)).map { row in
                TrackedChange(id: row[0], fields: ChangeFields(
                    lowCommit: row[1], highCommit: row[2], before: row[3], after: row[4], magnitude: row[5],
                    kind: ChangeKind(rawValue: row[6]) ?? .neutral, confidence: row[7],
                    state: ChangeState(rawValue: row[8]) ?? .detected, requeues: row[9], evidence: Self.evidence(row, from: 10)),
                              unconfirmable: row[14])
            }
        }
    }

    /// The evidence stored in `confirm_parent_runs`, `confirm_commit_runs`, `confirm_p` and
    /// `confirm_change`, read from column `index` on; nil before confirmation began.
    static func evidence(_ row: Row, from index: Int) -> ConfirmationEvidence? {
        guard let parent = row[index] as Int?, let commit = row[index + 1] as Int?, let p = row[index + 2] as Double? else { return nil }
        return ConfirmationEvidence(parentRuns: parent, commitRuns: commit, pValue: p, change: row[index + 3])
    }

    /// The ids of every queued commit.
    func queuedCommitIDs() throws -> Set<Int64> {
        try read { db in Set(try Int64.fetchAll(db, sql: "SELECT commit_id FROM queue")) }
    }

    /// Writes the tracker's actions for `series` in one transaction. A change that becomes
    /// confirmed gets a delivery per webhook URL. Returns how many changes became reportable.
    @discardableResult
    func apply(_ actions: [ChangeAction], for series: TrackedSeries, priority: Int, hooks: [String], now: Int64) throws -> Int {
        try writer.write { db in
            var reported = 0
            func deliver(_ id: Int64, _ fields: ChangeFields) throws {
                guard fields.state == .confirmed || fields.state == .detected else { return }
                reported += 1
                guard fields.state == .confirmed else { return }
                for url in hooks {
                    try db.execute(sql: "INSERT OR IGNORE INTO hook_deliveries (change_id, url, next_attempt) VALUES (?, ?, ?)",
                                   arguments: [id, url, now])
                }
            }
            for action in actions {
                switch action {
                case .enqueue(let commit):
                    // On the series' machine; a series of imported runs has none and takes any runner.
                    let pinned = !series.fingerprint.isEmpty || series.runnerName != nil
                    try Self.queueCommit(db, commit, priority: priority, now: now,
                                         affinity: pinned ? MachineAffinity(fingerprint: series.fingerprint, runner: series.runnerName) : nil,
                                         conflict: .raisePriority)
                case .insert(let fields):
                    try db.execute(sql: """
                        INSERT INTO changes (ref, metric, fingerprint, runner_name, low_commit, high_commit, before, after,
                                             magnitude, direction, confidence, state, requeues, detected, updated,
                                             confirm_parent_runs, confirm_commit_runs, confirm_p, confirm_change)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [series.ref, series.metric, series.fingerprint, series.runnerName, fields.lowCommit,
                                         fields.highCommit, fields.before, fields.after, fields.magnitude, fields.kind.rawValue,
                                         fields.confidence, fields.state.rawValue, fields.requeues, now, now,
                                         fields.evidence?.parentRuns, fields.evidence?.commitRuns, fields.evidence?.pValue,
                                         fields.evidence?.change])
                    try deliver(db.lastInsertedRowID, fields)
                case .update(let id, let fields):
                    let previous = try String.fetchOne(db, sql: "SELECT state FROM changes WHERE id = ?", arguments: [id])
                    try db.execute(sql: """
                        UPDATE changes SET low_commit = ?, high_commit = ?, before = ?, after = ?, magnitude = ?, direction = ?,
                                           confidence = ?, state = ?, requeues = ?, updated = ?,
                                           confirm_parent_runs = ?, confirm_commit_runs = ?, confirm_p = ?, confirm_change = ?
                        WHERE id = ?
                        """, arguments: [fields.lowCommit, fields.highCommit, fields.before, fields.after, fields.magnitude,
                                         fields.kind.rawValue, fields.confidence, fields.state.rawValue, fields.requeues, now,
                                         fields.evidence?.parentRuns, fields.evidence?.commitRuns, fields.evidence?.pValue,
                                         fields.evidence?.change, id])
                    if previous != fields.state.rawValue { try deliver(id, fields) }
                case .withdraw(let commit):
                    // Only an entry queued for this series' machine: one queued by hand stays.
                    try db.execute(sql: """
                        DELETE FROM queue WHERE commit_id = ? AND affinity_fingerprint IS ? AND affinity_runner IS ?
                        """, arguments: [commit, series.fingerprint, series.runnerName])
                case .delete(let id):
                    try db.execute(sql: "DELETE FROM changes WHERE id = ?", arguments: [id])
                }
            }
            return reported
        }
    }

    /// Changes matching `filter`, newest first.
    func changes(_ filter: ChangeFilter = ChangeFilter()) throws -> [PerformanceChange] {
        try read { db in
            let inStates = "ch.state IN (\(filter.states.map { "'\($0.rawValue)'" }.joined(separator: ", ")))"
            var conditions = [filter.includeUnconfirmable ? "(\(inStates) OR ch.unconfirmable IS NOT NULL)" : inStates]
            var arguments: StatementArguments = []
            if !filter.includeAcked { conditions.append("ch.acked IS NULL") }
            if let id = filter.id {
                conditions.append("ch.id = ?")
                arguments += [id]
            }
            if let commit = filter.commit {
                conditions.append("ch.high_commit = (SELECT id FROM commits WHERE hash = ?)")
                arguments += [commit]
            }
            if let kind = filter.kind {
                conditions.append("ch.direction = ?")
                arguments += [kind.rawValue]
            }
            if filter.trackedRefsOnly { conditions.append("ch.ref IN (SELECT name FROM refs WHERE tracked = 1)") }
            arguments += [filter.limit]
            return try Row.fetchAll(db, sql: """
                SELECT ch.id, ch.ref, ch.metric, ch.runner_name, hi.hash, substr(hi.message, 1, 400), lo.hash, ch.before, ch.after, ch.magnitude,
                       ch.direction, ch.confidence, ch.state, ch.detected, ch.acked,
                       ch.confirm_parent_runs, ch.confirm_commit_runs, ch.confirm_p, ch.confirm_change, ch.unconfirmable
                FROM changes ch CROSS JOIN commits hi ON hi.id = ch.high_commit CROSS JOIN commits lo ON lo.id = ch.low_commit
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY ch.detected DESC, ch.id DESC LIMIT ?
                """, arguments: arguments).map { row in
                PerformanceChange(id: row[0], ref: row[1], metric: row[2], runnerName: row[3], commit: row[4],
                                  summary: CommitText.summary(of: row[5]), base: row[6], before: row[7], after: row[8],
                                  magnitude: row[9], kind: ChangeKind(rawValue: row[10]) ?? .neutral, confidence: row[11],
                                  state: ChangeState(rawValue: row[12]) ?? .detected, detected: row[13], acked: row[14],
                                  evidence: Self.evidence(row, from: 15), unconfirmable: row[19])
            }
        }
    }

    /// Marks a change as seen; acknowledging twice keeps the first time.
    func acknowledgeChange(_ id: Int64, now: Int64) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE changes SET acked = coalesce(acked, ?) WHERE id = ?", arguments: [now, id])
            guard db.changesCount == 1 else { throw ChangeError.unknown(id) }
        }
    }

    /// Webhook POSTs due at `now`.
    func dueDeliveries(now: Int64, limit: Int = 100) throws -> [HookDelivery] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT change_id, url, attempts FROM hook_deliveries WHERE delivered IS NULL AND next_attempt <= ?
                ORDER BY next_attempt LIMIT ?
                """, arguments: [now, limit]).map { HookDelivery(changeID: $0[0], url: $0[1], attempts: $0[2]) }
        }
    }

    /// Records how a delivery went: delivered, or failed and due again at `retryAt`.
    func deliveryFinished(_ delivery: HookDelivery, error: String?, retryAt: Int64, now: Int64) throws {
        try writer.write { db in
            if let error {
                try db.execute(sql: """
                    UPDATE hook_deliveries SET attempts = attempts + 1, next_attempt = ?, last_error = ? WHERE change_id = ? AND url = ?
                    """, arguments: [retryAt, error, delivery.changeID, delivery.url])
            } else {
                try db.execute(sql: """
                    UPDATE hook_deliveries SET attempts = attempts + 1, delivered = ?, last_error = NULL WHERE change_id = ? AND url = ?
                    """, arguments: [now, delivery.changeID, delivery.url])
            }
        }
    }

    /// The reported changes of one metric, for marks on its graph: (machine, commit time in seconds, change).
    func reportedChanges(metric: String) throws -> [(machine: MachineKey, time: Int64, change: PerformanceChange)] {
        let ids = try read { db in
            try Row.fetchAll(db, sql: """
                SELECT ch.id, ch.fingerprint, ch.runner_name, c.committer_time FROM changes ch CROSS JOIN commits c ON c.id = ch.high_commit
                WHERE ch.metric = ? AND ch.state IN ('confirmed', 'detected')
                """, arguments: [metric]).map { (id: $0[0] as Int64, machine: MachineKey(runner: $0[2], fingerprint: $0[1]), time: $0[3] as Int64) }
        }
        return try ids.compactMap { entry in try change(id: entry.id).map { (entry.machine, entry.time, $0) } }
    }

    /// One change by id, in any state.
    func change(id: Int64) throws -> PerformanceChange? {
        var filter = ChangeFilter(states: ChangeState.allCases, limit: 1)
        filter.id = id
        return try changes(filter).first
    }
}
