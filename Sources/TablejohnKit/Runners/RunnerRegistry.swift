// Which runner works on what: secrets, reservations, timeouts and aborts, without I/O.

/// What a runner says it is doing in a status call.
enum RunnerActivity: Sendable, Equatable {
    case idle
    /// Working for another server.
    case busy
    case working(runID: String, hash: String)
}

/// One authenticated status call, as the registry needs it.
struct RunnerStatusCall: Sendable, Equatable {
    var name: String
    var secret: String
    var activity: RunnerActivity
    var requestRun: Bool
    /// Why the runner takes no new work (a disk gate); a paused runner is handed nothing.
    var paused: PauseReason?
    /// The fingerprint it reported, as JSON text (how runs store it): which queue entries
    /// pinned to a machine (`MachineAffinity`) it may take.
    var fingerprint: String?

    init(name: String, secret: String, activity: RunnerActivity, requestRun: Bool, paused: PauseReason? = nil,
                fingerprint: String? = nil) {
        self.name = name
        self.secret = secret
        self.activity = activity
        self.requestRun = requestRun
        self.paused = paused
        self.fingerprint = fingerprint
    }
}

/// A commit handed to a runner under a new run id.
struct RunAssignment: Sendable, Equatable {
    var runID: String
    var hash: String
}

/// The registry's answer to a status call.
enum RunnerDecision: Sendable, Equatable {
    /// Another process uses this runner name with another secret and is still alive.
    case refused(String)
    /// `run`: a commit to start; `abort`: stop the run it reported.
    case reply(run: RunAssignment?, abort: Bool)
}

/// The server's view of its runners, fed by their status calls (SPEC §5).
///
/// - The first call under a name fixes its secret; a call with another secret is
///   refused while the first is alive, and takes the name over once it has been
///   silent for longer than `timeout`.
/// - A commit handed to a runner is reserved for it while it keeps reporting it; a
///   runner silent for longer than `timeout` loses its reservations to others.
/// - A run is aborted when its commit leaves the queue, or when another live runner
///   has worked on the same commit for longer.
/// - A runner that says it is paused (a disk gate) is handed no run.
/// - A commit pinned to a machine (`MachineAffinity`) is handed only to a runner of that
///   machine; others skip it and take the next. Once no runner of that machine has been
///   seen for the release timeout (`AffinityRelease`), `releasable` names it for release.
///
/// - Run ids are bound to the runner they were handed to (the last `maximumIssued`):
///   only that runner may submit them.
/// - At most `maximumNames` names are followed: a new name beyond that takes the place
///   of the one silent the longest, or is refused while all of them are alive.
///
/// Times are milliseconds on one clock; the registry does no I/O and keeps no time itself.
struct RunnerRegistry: Sendable {
    let timeout: Int64
    /// The most runner names followed at once.
    static let maximumNames = 1_000
    /// How many handed-out run ids are remembered with their runner.
    static let maximumIssued = 10_000

    struct Reservation: Equatable {
        var runID: String
        var hash: String
        var since: Int64
    }

    struct Entry {
        var secret: String
        var lastSeen: Int64
        var activity: RunnerActivity
        var reservation: Reservation?
        var paused: PauseReason?
        var fingerprint: String?
    }

    private(set) var entries: [String: Entry] = [:]
    /// Handed-out run ids and their runners, and the ids oldest first (to forget them).
    private var issued: [String: String] = [:]
    private var issuedOrder: [String] = []
    /// When the first status call came: runners not seen before it may still be alive.
    private var watchingSince: Int64?

    init(timeout: Int64 = 60_000) {
        self.timeout = timeout
    }

    /// Answers a status call made at `now`. `queue` is the queued commits in the order
    /// runners should take them; `isQueued` says whether any commit is still queued.
    mutating func status(_ call: RunnerStatusCall, now: Int64, queue: [String], isQueued: (String) -> Bool,
                                newRunID: () -> String) -> RunnerDecision {
        status(call, now: now, from: queue.map { QueuedCommit(hash: $0) }, isQueued: isQueued, newRunID: newRunID)
    }

    /// Answers a status call made at `now`. `queue` is the queued commits in the order
    /// runners should take them, with the machines they wait for.
    mutating func status(_ call: RunnerStatusCall, now: Int64, from queue: [QueuedCommit], isQueued: (String) -> Bool,
                                newRunID: () -> String) -> RunnerDecision {
        if watchingSince == nil { watchingSince = now }
        if let known = entries[call.name], known.secret != call.secret, isAlive(known, now: now) {
            return .refused("runner \(call.name) is already connected from another process; "
                + "give each runner its own name, or stop the other one")
        }
        if entries[call.name] == nil, entries.count >= Self.maximumNames {
            guard let silent = entries.filter({ !isAlive($0.value, now: now) }).min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key else {
                return .refused("this server follows \(Self.maximumNames) live runners already; runner \(call.name) cannot join until one goes silent")
            }
            entries[silent] = nil
        }
        var entry = entries[call.name].flatMap { $0.secret == call.secret ? $0 : nil }
            ?? Entry(secret: call.secret, lastSeen: now, activity: call.activity, reservation: nil)
        entry.lastSeen = now
        entry.activity = call.activity
        entry.paused = call.paused
        // A call without one (its caller saw no pinned entries) keeps the last one known.
        if let fingerprint = call.fingerprint { entry.fingerprint = fingerprint }

        var abort = false
        switch call.activity {
        case .working(let runID, let hash):
            if entry.reservation?.runID != runID {
                // A run this registry did not hand out (the server restarted) or one whose
                // reservation lapsed: it counts from now.
                entry.reservation = Reservation(runID: runID, hash: hash, since: now)
            }
            abort = !isQueued(hash) || workedLongerByOther(than: call.name, reservation: entry.reservation!, now: now)
            if abort { entry.reservation = nil }
        case .idle, .busy:
            entry.reservation = nil
        }

        var assignment: RunAssignment?
        if call.requestRun, call.activity == .idle, call.paused == nil {
            let taken = Set(entries.filter { $0.key != call.name && isAlive($0.value, now: now) }.compactMap { $0.value.reservation?.hash })
            if let hash = queue.first(where: { queued in
                !taken.contains(queued.hash) && queued.affinity?.admits(name: call.name, fingerprint: call.fingerprint) != false
            })?.hash {
                let run = RunAssignment(runID: newRunID(), hash: hash)
                entry.reservation = Reservation(runID: run.runID, hash: hash, since: now)
                assignment = run
                remember(run.runID, for: call.name)
            }
        }
        entries[call.name] = entry
        return .reply(run: assignment, abort: abort)
    }

    /// The pinned commits of `queue` that no runner of their machine has been seen for
    /// within `rule`'s timeout, as of `call` at `now` (its runner counts as seen now):
    /// the commits to hand to any runner from now on.
    mutating func releasable(_ queue: [QueuedCommit], for call: RunnerStatusCall, now: Int64, rule: AffinityRelease) -> [String] {
        if watchingSince == nil { watchingSince = now }
        let since = watchingSince ?? now
        var lastSeen: [MachineAffinity: Int64?] = [:]
        return queue.compactMap { queued in
            guard let affinity = queued.affinity else { return nil }
            let seen = lastSeen[affinity] ?? {
                var latest = entries.filter { affinity.admits(name: $0.key, fingerprint: $0.value.fingerprint) }.map(\.value.lastSeen).max()
                if affinity.admits(name: call.name, fingerprint: call.fingerprint) { latest = now }
                lastSeen[affinity] = .some(latest)
                return latest
            }()
            return rule.isReleased(pinnedSince: queued.pinnedSince, lastSeenMatching: seen, watchingSince: since, now: now) ? queued.hash : nil
        }
    }

    /// The runner run `runID` was handed to, if this registry handed it out (and still remembers).
    func owner(ofRun runID: String) -> String? {
        issued[runID]
    }

    private mutating func remember(_ runID: String, for name: String) {
        issued[runID] = name
        issuedOrder.append(runID)
        if issuedOrder.count > 2 * Self.maximumIssued {
            for old in issuedOrder.prefix(Self.maximumIssued) { issued[old] = nil }
            issuedOrder.removeFirst(Self.maximumIssued)
        }
    }

    /// Forgets the reservation of a run once its result is stored.
    mutating func finished(runID: String) {
        for (name, entry) in entries where entry.reservation?.runID == runID {
            entries[name]?.reservation = nil
        }
    }

    /// Whether a live runner other than `name` has been on the same commit since before `reservation`.
    private func workedLongerByOther(than name: String, reservation: Reservation, now: Int64) -> Bool {
        entries.contains { other in
            other.key != name && isAlive(other.value, now: now) && other.value.reservation.map {
                $0.hash == reservation.hash && $0.since < reservation.since
            } == true
        }
    }

    private func isAlive(_ entry: Entry, now: Int64) -> Bool {
        now - entry.lastSeen <= timeout
    }

    /// A runner as `tjctl runners` and the runner pages show it.
    struct Snapshot: Sendable, Equatable {
        var activity: RunnerActivity
        var alive: Bool
        var lastSeen: Int64
        var run: RunAssignment?
        /// Why it takes no new work, as its last call said.
        var paused: PauseReason?
        /// Filled in by `RunnerAPI`: the fingerprint of the runner's last call.
        var fingerprint: JSONValue?
    }

    /// What each runner is doing.
    func snapshot(now: Int64) -> [String: Snapshot] {
        entries.mapValues { entry in
            Snapshot(activity: entry.activity, alive: isAlive(entry, now: now), lastSeen: entry.lastSeen,
                     run: entry.reservation.map { RunAssignment(runID: $0.runID, hash: $0.hash) }, paused: entry.paused)
        }
    }
}
