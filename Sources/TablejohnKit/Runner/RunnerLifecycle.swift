// The runner's side of the protocol as a value: which server to call, what to say, what to do.

/// What a status call to one server says.
struct StatusPlan: Sendable {
    enum Activity: Sendable, Equatable {
        case idle
        /// Working for another server.
        case busy
        case working(RunOrder)
    }

    var server: Int
    var activity: Activity
    var requestRun: Bool
    /// Why an idle runner takes no new work (a disk gate), or nil.
    var paused: String?
    /// A finished run for this server, not yet acknowledged.
    var submission: FinishedRun?
    /// The encoded bytes the submission's output may take (less after a `413`).
    var outputBudget: Int = RunnerWire.outputBudget
}

/// What the runner must do after a reply.
enum RunnerAction: Sendable, Equatable {
    case start(RunOrder, server: Int)
    case abort(runID: String)
}

/// The run lifecycle on the runner (SPEC §5), without I/O:
///
/// - idle → a server's reply hands out a run → working (for that server; others hear `busy`);
/// - working → the run ends → its result waits, and is offered with every call to its
///   server until a reply acknowledges it (through connection loss and server restarts);
/// - working → the server says `abort_run` → the run is stopped and forgotten;
/// - idle and paused (a disk gate) → no new work is asked for; the calls go on, saying why.
///
/// Calls to a server that fail back off exponentially (up to `maximumBackoff`). An idle
/// runner asks for work from the servers in order of least time spent per weight, so
/// its time divides between servers by weight.
/// Times are Unix milliseconds.
struct RunnerLifecycle: Sendable {
    public struct Server: Sendable {
        var weight: Double
        var spent: Int64 = 0
        var nextCall: Int64 = 0
        var failures = 0
    }

    let pingInterval: Int64
    let maximumBackoff: Int64
    private(set) var servers: [Server]
    /// The run in progress and the server that handed it out.
    private(set) var current: (order: RunOrder, server: Int, started: Int64)?
    /// Finished runs waiting for their servers' acknowledgement, oldest first.
    private(set) var unacknowledged: [(run: FinishedRun, server: Int)] = []
    /// Why the runner takes no new work (a `min-free` path short of space), or nil.
    private(set) var paused: String?
    /// Runs whose submission was refused as too large, and how often: resent with less.
    private var shrunk: [String: Int] = [:]
    /// The output budget of a submission resent after a `413`.
    static let shrunkOutputBudget = 256 << 10
    /// The longest a server's `Retry-After` can delay the next call (ms).
    static let maximumRetryAfter: Int64 = 60_000

    init(weights: [Double], pingInterval: Int64, maximumBackoff: Int64 = 30_000) {
        self.servers = weights.map { Server(weight: $0) }
        self.pingInterval = pingInterval
        self.maximumBackoff = max(maximumBackoff, pingInterval)
    }

    /// Servers whose call is due at `now`, those with the least time spent per weight first.
    func due(now: Int64) -> [Int] {
        let load = { (server: Int) in Double(servers[server].spent) / servers[server].weight }
        return servers.indices.filter { servers[$0].nextCall <= now }.sorted { (load($0), $0) < (load($1), $1) }
    }

    /// When the next call is due.
    var nextCallTime: Int64 { servers.map(\.nextCall).min() ?? .max }

    /// What to tell `server` now.
    func plan(for server: Int) -> StatusPlan {
        let activity: StatusPlan.Activity = switch current {
        case nil: .idle
        case let current? where current.server == server: .working(current.order)
        case _?: .busy
        }
        let submission = unacknowledged.first { $0.server == server }?.run
        return StatusPlan(server: server, activity: activity, requestRun: current == nil && paused == nil,
                          paused: current == nil ? paused : nil, submission: submission,
                          outputBudget: submission.map { shrunk[$0.order.id] != nil } == true ? Self.shrunkOutputBudget : RunnerWire.outputBudget)
    }

    /// The disk gate's verdict before asking for work: a reason pauses the runner (it
    /// still calls its servers, says why, and delivers finished results), nil resumes it.
    mutating func pause(_ reason: String?) {
        paused = reason
    }

    /// The server answered the call made from `plan`.
    mutating func replied(_ plan: StatusPlan, _ reply: RunnerProtocol.StatusReply, now: Int64) -> [RunnerAction] {
        let server = plan.server
        servers[server].failures = 0
        servers[server].nextCall = now + pingInterval
        if let submitted = plan.submission {
            unacknowledged.removeAll { $0.server == server && $0.run.order.id == submitted.order.id }
            shrunk[submitted.order.id] = nil
            // More results for this server: send the next one at once.
            if unacknowledged.contains(where: { $0.server == server }) { servers[server].nextCall = now }
        }
        var actions: [RunnerAction] = []
        if reply.abort, case .working(let order) = plan.activity, current?.order.id == order.id {
            current = nil
            actions.append(.abort(runID: order.id))
        }
        if let run = reply.run, current == nil, plan.requestRun {
            current = (run, server, now)
            actions.append(.start(run, server: server))
        }
        return actions
    }

    /// The call to `server` failed (no connection, timeout, a server error): try again
    /// later, after `retryAfter` (ms, capped at `maximumRetryAfter`) when the server named
    /// a time, else after an exponential backoff. Results are kept.
    mutating func failed(_ server: Int, now: Int64, retryAfter: Int64? = nil) {
        servers[server].failures += 1
        let backoff = min(pingInterval << Int64(min(servers[server].failures, 16)), maximumBackoff)
        servers[server].nextCall = now + (retryAfter.map { min(max($0, pingInterval), Self.maximumRetryAfter) } ?? backoff)
    }

    /// How many calls to `server` failed in a row.
    func failures(_ server: Int) -> Int { servers[server].failures }

    /// The server refused the call as too large (`413`). The first time for a run, its
    /// submission is resent at once with its output cut to `shrunkOutputBudget`
    /// (measurements kept); the second time without its measurements, with a line
    /// saying why, so the run is still stored (as a failed run) and its commit leaves
    /// the queue. Both: true. The third time it is dropped: false.
    mutating func tooLarge(_ plan: StatusPlan, now: Int64) -> Bool {
        guard let submitted = plan.submission else {
            failed(plan.server, now: now)
            return false
        }
        let id = submitted.order.id
        switch shrunk[id, default: 0] {
        case 0:
            shrunk[id] = 1
        case 1:
            shrunk[id] = 2
            if let index = unacknowledged.firstIndex(where: { $0.server == plan.server && $0.run.order.id == id }) {
                let dropped = unacknowledged[index].run.measurements.count
                unacknowledged[index].run.measurements = []
                unacknowledged[index].run.output.append((.internal, "tablejohn: the result was too large for the server even with its output cut; its \(dropped) measurements were dropped"))
                if unacknowledged[index].run.exitCode == 0 { unacknowledged[index].run.exitCode = 1 }
            }
        default:
            rejected(plan, now: now)
            return false
        }
        servers[plan.server].nextCall = now
        return true
    }

    /// A result finished before a restart and not acknowledged then: offered again.
    mutating func restore(_ run: FinishedRun, server: Int) {
        guard !unacknowledged.contains(where: { $0.server == server && $0.run.order.id == run.order.id }) else { return }
        unacknowledged.append((run, server))
    }

    /// The server refused a submission as invalid (`400`): retrying cannot help, so it is dropped.
    mutating func rejected(_ plan: StatusPlan, now: Int64) {
        if let submitted = plan.submission {
            unacknowledged.removeAll { $0.server == plan.server && $0.run.order.id == submitted.order.id }
            shrunk[submitted.order.id] = nil
        }
        failed(plan.server, now: now)
    }

    /// The run in progress ended with `run`; it is kept until its server acknowledges it.
    mutating func runEnded(_ run: FinishedRun, now: Int64) {
        guard let current, current.order.id == run.order.id else { return }
        servers[current.server].spent += max(0, now - current.started)
        servers[current.server].nextCall = now
        unacknowledged.append((run, current.server))
        self.current = nil
    }
}
