// `tablejohnd runner`: the loop that calls servers, starts and stops runs, and delivers results.
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A runner process (or the local runner inside `serve --local-runner`).
///
/// Each round it calls every server whose turn has come (RunnerLifecycle decides
/// whom and what to say), starts a run when a reply hands one out, stops it on
/// `abort_run`, and offers each finished run to its server until acknowledged.
public final class RunnerDaemon: Service, Sendable {
    public struct Settings: Sendable {
        var name: String
        var info: String?
        var fingerprint: JSONValue
        /// Where runs are unpacked; nil: a new temporary directory, removed on exit.
        var workDirectory: String?
        var pingInterval: Duration
        var servers: [TablejohnConfiguration.Runner.Server]
        /// Where unacknowledged results are kept; nil: `pending/` in the work directory, or
        /// with a temporary one, `tablejohn-runner-pending-NAME` in the temporary directory.
        var pendingDirectory: String?
        /// `[runner] min-free`: no new work while a path has less free space than its threshold.
        var diskGate: DiskGate

        public init(name: String, info: String? = nil, fingerprint: JSONValue = MachineFingerprint.current(), workDirectory: String? = nil,
                    pingInterval: Duration, servers: [TablejohnConfiguration.Runner.Server], minFree: [DiskThreshold] = []) {
            self.name = name
            self.diskGate = DiskGate(minFree)
            self.info = info
            self.fingerprint = fingerprint
            self.workDirectory = workDirectory
            self.pingInterval = pingInterval
            self.servers = servers
        }

        /// Settings from a configuration's `[runner]` section (name defaults to the host name).
        init(_ runner: TablejohnConfiguration.Runner) {
            self.init(name: runner.name ?? Self.hostName, info: runner.info,
                      fingerprint: MachineFingerprint.current(extra: runner.machine.map { ["machine": .string($0)] } ?? [:]),
                      workDirectory: runner.workDirectory,
                      pingInterval: runner.pingInterval, servers: runner.servers, minFree: runner.minFree)
        }

        /// The host name, reduced to the characters runner names allow.
        static var hostName: String {
            var cleaned = ""
            for character in ProcessInfo.processInfo.hostName.prefix(64) {
                let kept = RunnerToken.isValidName(String(character)) ? character : "-"
                guard cleaned.utf8.count + String(kept).utf8.count <= 256 else { break }
                cleaned.append(kept)
            }
            return RunnerToken.isValidName(cleaned) ? cleaned : "runner"
        }
    }

    private let settings: Settings
    private let httpClient = RunnerServerClient.makeHTTPClient()
    private let clients: [RunnerServerClient]
    private let secret = RunnerToken.generate()
    private let probe = DiskProbe()
    private let logger: Logger

    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.clients = settings.servers.map { [httpClient] in RunnerServerClient(url: $0.url, name: settings.name, token: $0.token, client: httpClient) }
        self.logger = logger
    }

    /// Where a run's task leaves its result for the loop.
    private final class EndedRun: Sendable {
        private let slot = Mutex<FinishedRun?>(nil)
        func put(_ run: FinishedRun) { slot.withLock { $0 = run } }
        func take() -> FinishedRun? { slot.withLock { $0.take() } }
    }

    /// A run in progress: its task (cancelled to abort) and its output.
    private struct Active {
        var task: Task<Void, Never>
        var execution: BenchExecution
    }

    public func run() async throws {
        let (workDirectory, temporary) = try prepareWorkDirectory()
        defer { if temporary { try? FileManager.default.removeItem(atPath: workDirectory) } }
        let ping = settings.pingInterval.milliseconds
        var lifecycle = RunnerLifecycle(weights: settings.servers.map(\.weight), pingInterval: ping,
                                        maximumBackoff: ping >= 3_000 ? 30_000 : 10 * ping)  // no overflow for a huge interval
        let ended = EndedRun()
        var active: Active?
        let pending = openPendingResults()
        if let pending {
            restore(from: pending, into: &lifecycle)
            killLeftovers(markFile: pending.markFile)
        }
        logger.info("runner started", metadata: ["name": "\(settings.name)", "servers": "\(clients.map(\.url).joined(separator: " "))",
                                                 "work-dir": "\(workDirectory)",
                                                 "min-free": "\(settings.diskGate.thresholds.map(\.description).joined(separator: " "))"])

        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if let finished = ended.take() {
                if lifecycle.current?.order.id == finished.order.id {
                    active = nil
                    if let pending, let server = lifecycle.current?.server {
                        do {
                            try pending.save(finished, server: clients[server].url)
                        } catch {
                            logger.error("the result cannot be kept on disk; it is kept in memory only", metadata: ["run": "\(finished.order.id)", "error": "\(error)"])
                        }
                    }
                }
                lifecycle.runEnded(finished, now: Timestamp.now())
                logger.info("run finished", metadata: ["run": "\(finished.order.id)", "exit-code": "\(finished.exitCode)"])
            }
            let due = lifecycle.due(now: Timestamp.now())
            if !due.isEmpty, lifecycle.current == nil { await checkDisk(&lifecycle, workDirectory: workDirectory) }
            for server in due {
                let plan = lifecycle.plan(for: server)
                let body = RunnerWire.statusBody(plan, secret: secret, info: settings.info, fingerprint: settings.fingerprint,
                                                 lastOutput: active?.execution.output.lastLines ?? [], outputBudget: plan.outputBudget)
                let forget = { (run: FinishedRun) in
                    if let pending { pending.remove(run.order.id, server: self.clients[server].url) }
                }
                do {
                    let reply = try await clients[server].status(body)
                    if let submitted = plan.submission {
                        logger.info("result delivered", metadata: ["run": "\(submitted.order.id)", "server": "\(clients[server].url)"])
                        forget(submitted)
                    }
                    for action in lifecycle.replied(plan, reply, now: Timestamp.now()) {
                        switch action {
                        case .start(let order, let server):
                            active = start(order, from: clients[server], workDirectory: workDirectory, markFile: pending?.markFile, ended: ended)
                        case .abort(let runID):
                            logger.info("run aborted by the server", metadata: ["run": "\(runID)"])
                            active?.task.cancel()
                            active = nil
                        }
                    }
                } catch let error as RunnerClientError where [400, 403].contains(error.status) && plan.submission != nil {
                    // It would never be accepted: content the server refuses, or a run that is not this runner's.
                    logger.error("the server refused a result; dropping it", metadata: ["error": "\(error)"])
                    lifecycle.rejected(plan, now: Timestamp.now())
                    if let submitted = plan.submission { forget(submitted) }
                } catch let error as RunnerClientError where error.status == 413 && plan.submission != nil {
                    if lifecycle.tooLarge(plan, now: Timestamp.now()) {
                        logger.warning("the server refused a result as too large; resending it with less output (then without measurements)",
                                       metadata: ["run": "\(plan.submission!.order.id)"])
                    } else {
                        logger.error("the server refused a result as too large even without output and measurements; dropping it",
                                     metadata: ["run": "\(plan.submission!.order.id)", "error": "\(error)"])
                        if let submitted = plan.submission { forget(submitted) }
                    }
                } catch let error as RunnerClientError where error.status == 200 {
                    // A 200 whose body cannot be used (out of range, malformed): the submission it
                    // carried is acknowledged all the same; the rest of the reply is ignored.
                    logger.error("the server's reply is unusable; ignoring it", metadata: ["server": "\(clients[server].url)", "error": "\(error)"])
                    if let submitted = plan.submission {
                        logger.info("result delivered", metadata: ["run": "\(submitted.order.id)", "server": "\(clients[server].url)"])
                        forget(submitted)
                    }
                    _ = lifecycle.replied(plan, RunnerProtocol.StatusReply(run: nil, abort: false), now: Timestamp.now())
                } catch let error as RunnerClientError {
                    lifecycle.failed(server, now: Timestamp.now(), retryAfter: error.retryAfter)
                    logger.warning("status call failed; retrying", metadata: ["error": "\(error)", "attempts": "\(lifecycle.failures(server))"])
                } catch {
                    lifecycle.failed(server, now: Timestamp.now())
                    logger.warning("status call failed; retrying", metadata: ["error": "\(error)", "attempts": "\(lifecycle.failures(server))"])
                }
            }
            let wait = min(max(lifecycle.nextCallTime - Timestamp.now(), 10), 100)
            try? await Task.sleep(for: .milliseconds(wait))
        }
        if let active {
            active.task.cancel()
            await active.task.value
        }
        try? await httpClient.shutdown()
        logger.info("runner stopped", metadata: ["unacknowledged-results": "\(lifecycle.unacknowledged.count)"])
    }

    /// Starts a run. The task is unstructured on purpose: an abort cancels this one run
    /// while the loop goes on calling servers; the loop awaits it before returning.
    private func start(_ order: RunOrder, from client: RunnerServerClient, workDirectory: String, markFile: String?,
                       ended: EndedRun) -> Active {
        logger.info("run started", metadata: ["run": "\(order.id)", "commit": "\(order.hash)", "method": "\(order.method.name)"])
        let execution = BenchExecution(order: order, client: client, workDirectory: workDirectory, markFile: markFile)
        let task = Task {
            let finished = await execution.run()
            if !Task.isCancelled { ended.put(finished) }
        }
        return Active(task: task, execution: execution)
    }

    /// The folder of results not yet acknowledged: `pending/` in the work directory, or,
    /// with a temporary work directory, a folder named after the runner in the system's
    /// temporary directory (it must outlive the process). Nil when it cannot be made.
    private func openPendingResults() -> PendingResults? {
        let safeName = String(settings.name.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? Character($0) : "-" })
        let directory = settings.pendingDirectory ?? settings.workDirectory.map { $0 + "/pending" }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("tablejohn-runner-pending-\(safeName)").path
        do {
            return try PendingResults(directory: directory, exclusive: true)
        } catch {
            logger.error("no folder for unacknowledged results; they live in memory only", metadata: ["folder": "\(directory)", "error": "\(error)"])
            return nil
        }
    }

    /// Measures the `min-free` paths before asking for work, and pauses or resumes. Only
    /// while no run is in progress; a path whose measurement hangs (a dead mount) reads
    /// as unknown after a few seconds, so the status calls go on.
    private func checkDisk(_ lifecycle: inout RunnerLifecycle, workDirectory: String) async {
        guard !settings.diskGate.thresholds.isEmpty else { return }
        let free = await probe.measure(settings.diskGate.paths(workDirectory: workDirectory))
        let reason = settings.diskGate.pauseReason(workDirectory: workDirectory) { free[$0] ?? .unknown("not measured") }
        guard reason != lifecycle.paused else { return }
        if let reason {
            logger.warning("paused: no new work until there is space", metadata: ["reason": "\(reason)"])
        } else {
            logger.info("space is back; taking work again")
        }
        lifecycle.pause(reason)
    }

    /// Kills the bench processes a previous runner process (killed with SIGKILL) left running.
    private func killLeftovers(markFile: String) {
        guard let mark = try? String(contentsOfFile: markFile, encoding: .utf8), !mark.isEmpty else { return }
        let count = BenchProcess.killLeftovers(marked: mark.trimmingCharacters(in: .whitespacesAndNewlines))
        try? FileManager.default.removeItem(atPath: markFile)
        if count > 0 { logger.warning("killed bench processes a previous runner left running", metadata: ["processes": "\(count)"]) }
    }

    /// Offers again the results a previous process finished but did not deliver.
    private func restore(from pending: PendingResults, into lifecycle: inout RunnerLifecycle) {
        let (runs, problems) = pending.load()
        for problem in problems { logger.warning("an unreadable pending result is left alone", metadata: ["file": "\(problem)"]) }
        for (run, url) in runs {
            guard let server = clients.firstIndex(where: { $0.url == url }) else {
                logger.warning("a pending result is for a server no longer configured; left alone", metadata: ["run": "\(run.order.id)", "server": "\(url)"])
                continue
            }
            lifecycle.restore(run, server: server)
            logger.info("pending result restored", metadata: ["run": "\(run.order.id)", "server": "\(url)"])
        }
    }

    private func prepareWorkDirectory() throws -> (String, temporary: Bool) {
        if let directory = settings.workDirectory {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return (directory, false)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tablejohn-runner-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return (directory, true)
    }

}
