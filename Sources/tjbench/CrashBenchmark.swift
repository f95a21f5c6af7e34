// tjbench crash: kill -9 the daemon under submission load, restart it, and check that
// every acknowledged submission is stored and the database is intact (SPEC §12).
import ArgumentParser
import Foundation
import TablejohnKit

struct CrashBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash",
        abstract: "Kill -9 tablejohnd while clients submit runs; after a restart, count lost acknowledged runs and check the database.",
        discussion: """
            Each trial starts tablejohnd serve on a fresh database, queues the repository's commits, \
            runs the clients (runners through /api/runner/status, uploads through /api/runs), kills \
            the daemon at a moment drawn from --seed, restarts it, and asks it for every run it \
            acknowledged (runs.get), then runs PRAGMA integrity_check. Exits non-zero when a run \
            was lost or the database is damaged.
            """)

    @Option(help: "Trials (daemon kills).") var trials: Int = 10
    @Option(help: "Concurrent clients.") var clients: Int = 8
    @Option(help: "Seed for the kill moments (default: from the clock; printed either way).") var seed: UInt64?
    @Option(help: "Latest kill moment after the load starts, in milliseconds.") var maxKillMs: Int = 2000
    @OptionGroup var work: WorkFolder

    static let token = "crash-shared-token-0123456789abcdef"

    func validate() throws {
        guard trials >= 1 else { throw ValidationError("--trials must be at least 1") }
        guard (1...64).contains(clients) else { throw ValidationError("--clients must be from 1 to 64") }
        guard (10...60_000).contains(maxKillMs) else { throw ValidationError("--max-kill-ms must be from 10 to 60000") }
    }

    struct Outcome {
        var killedAfterMs: Int
        var acknowledged: Int
        var uploads: Int
        var lost: [String]
        var integrity: String
        var refusals: [String]
    }

    func run() throws {
        let seed = self.seed ?? UInt64(Date().timeIntervalSince1970 * 1000)
        print("seed \(seed) (repeat with --seed \(seed))")
        var random = SplitMix(seed: seed)
        let repo = try RepositoryGenerator.ensure(commits: 3000, in: work)
        let hash = try GitRepository(opening: repo).resolve("main").hex
        let config = try work.path("crash.toml")
        try "[web]\nrunner-token = \"\(Self.token)\"\n".write(toFile: config, atomically: true, encoding: .utf8)

        var outcomes: [Outcome] = []
        for trial in 1...trials {
            let killAfter = 1 + Int(random.next() % UInt64(maxKillMs))
            let outcome = try runTrial(trial, repo: repo, config: config, commit: hash, killAfterMs: killAfter)
            print(String(format: "trial %3d: killed after %5d ms, %6d acknowledged, %d lost, integrity %@", trial, killAfter,
                         outcome.acknowledged, outcome.lost.count, outcome.integrity))
            for id in outcome.lost.prefix(5) { print("  lost: \(id)") }
            if !outcome.lost.isEmpty || outcome.integrity != "ok" { print("  kept: \(try work.path("crash-\(trial).db")) and its log") }
            outcomes.append(outcome)
        }
        report(outcomes, seed: seed)
        let lost = outcomes.reduce(0) { $0 + $1.lost.count }
        let damaged = outcomes.filter { $0.integrity != "ok" }.count
        if lost > 0 || damaged > 0 {
            throw BenchError("\(lost) acknowledged runs lost, \(damaged) damaged databases (seed \(seed))")
        }
    }

    private func runTrial(_ trial: Int, repo: String, config: String, commit: String, killAfterMs: Int) throws -> Outcome {
        let database = try work.path("crash-\(trial).db")
        let socket = try work.path("crash.sock")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        let log = try work.path("crash-\(trial).log")
        var daemon = try CrashDaemon(repo: repo, database: database, socket: socket, config: config, log: log)
        let control = try daemon.waitForImport()
        _ = try control.call("queue.backfill", ["ref": "main", "last": 100_000])

        let load = CrashLoad(port: daemon.port, token: Self.token, commit: commit, marker: "\(trial)")
        let threads = load.start(clients: clients)
        usleep(useconds_t(killAfterMs) * 1000)
        daemon.kill()
        load.stop()
        while threads.contains(where: { !$0.isFinished }) { usleep(10_000) }

        daemon = try CrashDaemon(repo: repo, database: database, socket: socket, config: config, log: log)
        defer { daemon.stop() }
        let restarted = try daemon.waitForImport()
        var lost: [String] = []
        for id in load.acknowledgedRuns {
            do {
                _ = try restarted.call("runs.get", ["id": .string(id)])
            } catch let error as RPCError where error.code == RPCError.notFound("run", id).code {
                lost.append(id)
            }
        }
        let integrity = try Shell.run(["sqlite3", database, "PRAGMA integrity_check"])
        if lost.isEmpty && integrity == "ok" {
            // Only a failed trial's database and log are worth keeping.
            daemon.stop()
            for path in [database, database + "-wal", database + "-shm", database + ".lock", log] { try? FileManager.default.removeItem(atPath: path) }
        }
        return Outcome(killedAfterMs: killAfterMs, acknowledged: load.acknowledgedRuns.count,
                       uploads: load.acknowledgedUploads, lost: lost, integrity: integrity,
                       refusals: load.refusals)
    }

    private func report(_ outcomes: [Outcome], seed: UInt64) {
        let kills = outcomes.map(\.killedAfterMs).sorted()
        let acknowledged = outcomes.map(\.acknowledged)
        var report = CrashReport()
        report.add("trials", "\(outcomes.count)")
        report.add("seed", "\(seed)")
        report.add("kill moments after the load started", "\(kills.first ?? 0)–\(kills.last ?? 0) ms, median \(Int(Measure.median(kills.map(Double.init)))) ms")
        let uploads = outcomes.reduce(0) { $0 + $1.uploads }
        report.add("acknowledged submissions", "\(acknowledged.reduce(0, +)) (per trial \(acknowledged.min() ?? 0)–\(acknowledged.max() ?? 0))")
        report.add("… of which runner submit_run / POST /api/runs", "\(acknowledged.reduce(0, +) - uploads) / \(uploads)")
        report.add("acknowledged but lost", "\(outcomes.reduce(0) { $0 + $1.lost.count })")
        report.add("integrity check failures", "\(outcomes.filter { $0.integrity != "ok" }.count)")
        let refusals = outcomes.flatMap(\.refusals)
        report.add("refused submissions (whole non-200 replies)", "\(refusals.count)")
        report.print()
        for refusal in Set(refusals).sorted().prefix(5) { print("  refused: \(refusal)") }
    }
}

/// Two aligned columns: what, and the figure.
private struct CrashReport {
    private var rows: [(String, String)] = []

    mutating func add(_ what: String, _ value: String) { rows.append((what, value)) }

    func print() {
        let width = rows.map(\.0.count).max() ?? 0
        Swift.print("")
        for (what, value) in rows { Swift.print(what.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
    }
}

/// A `tablejohnd serve` that can be killed without warning.
private struct CrashDaemon {
    let process = Process()
    let port: Int
    let socket: String

    init(repo: String, database: String, socket: String, config: String, log: String) throws {
        port = try Self.freePort()
        self.socket = socket
        process.executableURL = URL(fileURLWithPath: SyncBenchmark.executable).deletingLastPathComponent().appendingPathComponent("tablejohnd")
        process.arguments = ["serve", "--repo", repo, "--db", database, "--socket", socket, "--address", "127.0.0.1:\(port)",
                             "--config", config]
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// Waits (at most 60 s) until the control socket answers and the repository is imported.
    func waitForImport() throws -> RPCClient {
        for _ in 0..<600 {
            guard process.isRunning else { throw BenchError("tablejohnd exited with status \(process.terminationStatus)") }
            if let client = try? RPCClient(socketPath: socket), let status = try? client.call("status"),
               (status["commits"]?.intValue ?? 0) > 0, status["sync"]?["phase"] == "waiting" {
                return client
            }
            usleep(100_000)
        }
        throw BenchError("tablejohnd did not import the repository within 60 s")
    }

    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    private static func freePort() throws -> Int {
        let fd = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard bound == 0 else { throw BenchError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
