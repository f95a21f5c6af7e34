// Each runner as pages show it: registered or seen, its state as `tjctl runners` names it, its run and live output.

/// A runner's state and what it is doing, from the runners table (tokens, last seen,
/// fingerprint) and the registry's memory of status calls since the daemon started.
struct RunnerOverview: Sendable {
    enum State: String, Sendable, CaseIterable {
        case idle, busy, working, offline
        /// Idle and taking no new work: a disk gate (`[runner] min-free`) is short of space.
        case paused
        case neverSeen = "never seen"

        /// The state of a runner the database last saw at `storedLastSeen`, whose status calls
        /// since the daemon started the registry summarises in `live`.
        init(storedLastSeen: Int64?, live: RunnerRegistry.Snapshot?) {
            self = switch live {
            case nil: storedLastSeen == nil ? .neverSeen : .offline
            case let live? where !live.alive: .offline
            case let live?:
                switch live.activity {
                case .idle: live.paused == nil ? .idle : .paused
                case .busy: .busy
                case .working: .working
                }
            }
        }
    }

    var name: String
    /// When its token was made (Unix milliseconds); nil for a runner seen with the shared token.
    var created: Int64?
    var state: State
    /// Unix milliseconds of its last status call.
    var lastSeen: Int64?
    var fingerprint: JSONValue?
    /// The run it works on, while it is alive.
    var run: RunAssignment?
    /// Why it takes no new work, while it is paused.
    var paused: PauseReason?
    /// The last lines of that run's output.
    var output: [LiveOutput.Line]

    /// Every runner with a token, and every runner seen with a shared token since the
    /// daemon started, by name.
    static func all(records: [RunnerRecord], live: [String: RunnerRegistry.Snapshot],
                           outputs: [String: LiveOutput.Entry]) -> [RunnerOverview] {
        var names = Set(records.map(\.name))
        names.formUnion(live.keys)
        let byName = Dictionary(records.map { ($0.name, $0) }) { first, _ in first }
        return names.sorted().map { name in
            let record = byName[name]
            let now = live[name]
            let state = State(storedLastSeen: record?.lastSeen, live: now)
            let lastSeen = Self.lastSeen(stored: record?.lastSeen, live: now)
            let run = state == .working ? now?.run : nil
            let output = run.flatMap { run in outputs[name].flatMap { $0.runID == run.runID ? $0.lines : nil } } ?? []
            return RunnerOverview(name: name, created: record?.created, state: state, lastSeen: lastSeen,
                                  fingerprint: now?.fingerprint ?? record?.fingerprint, run: run,
                                  paused: pauseReason(state: state, live: now), output: output)
        }
    }

    /// Why a runner in `state` takes no new work: its last call's reason, while it is paused.
    static func pauseReason(state: State, live: RunnerRegistry.Snapshot?) -> PauseReason? {
        state == .paused ? live?.paused : nil
    }

    /// The newer of the stored last-seen time (written every 30 s) and the registry's.
    static func lastSeen(stored: Int64?, live: RunnerRegistry.Snapshot?) -> Int64? {
        let newest = max(stored ?? 0, live?.lastSeen ?? 0)
        return newest == 0 ? nil : newest
    }

    /// Every runner, now.
    static func all(store: Store, runners: RunnerAPI, now: Int64) throws -> [RunnerOverview] {
        all(records: try store.runners(), live: runners.liveRunners(now: now), outputs: runners.liveOutput())
    }

    /// Runner `name`, if it has a token or was seen since the daemon started.
    static func named(_ name: String, store: Store, runners: RunnerAPI, now: Int64) throws -> RunnerOverview? {
        try all(store: store, runners: runners, now: now).first { $0.name == name }
    }

    /// The runner as the live-output API sends it (`GET /api/queue/live`).
    var json: JSONValue {
        ["name": .string(name), "state": .string(state.rawValue),
         "last_seen": lastSeen.map { JSONValue.string(Timestamp.rfc3339(milliseconds: $0)) } ?? .null,
         "run": run.map { run -> JSONValue in ["id": .string(run.runID), "hash": .string(run.hash)] } ?? .null,
         "paused": paused.map { .string($0.text) } ?? .null,
         "output": .array(output.map { line -> JSONValue in [.string(line.source.rawValue), .string(line.text)] })]
    }
}
