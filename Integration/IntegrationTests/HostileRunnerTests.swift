import Foundation
import Hummingbird
import Synchronization
@testable import TablejohnKit
import Testing
import TestSupport

/// Holds the write lock of a SQLite database from a `sqlite3` shell of its own until released.
final class DatabaseLock {
    private let process = Process()
    private let input = Pipe()

    init(_ path: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nSELECT 1;\n".utf8))
    }

    func release() {
        input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}

/// Processes whose command line contains `text`.
private func processes(containing text: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { Int($0) != nil }.compactMap { pid in
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
        return line.contains(text) ? "\(pid): \(line)" : nil
    }
}

/// Bench scripts that attack the runner, under a real daemon; each commit's `mode` file picks the attack.
@Suite("Hostile runner", .serialized)
struct HostileRunnerTests {
    let repo: TestRepository
    let config: String

    static let benchScript = #"""
        #!/bin/sh
        mode=$(cat mode)
        case "$mode" in
          fds)
            echo "fds: $(ls /proc/self/fd | tr '\n' ' ')"
            # What a script could reach: sockets (the HTTP listener, the control socket,
            # connections) and the database, by descriptor.
            echo "sockets: $(ls -l /proc/self/fd | grep -c 'socket:')"
            echo "database: $(ls -l /proc/self/fd | grep -c 'tablejohn.db')" ;;
          escape) setsid sleep 100000 & echo started ;;
          flood) head -c 4000000 /dev/zero | tr '\000' '\001' ;;
          huge) truncate -s 64G "$TABLEJOHN_RESULTS"; exit 0 ;;
          many)
            # 9,000 measurements (a run may hold 10,000) of 60 samples each: about 12 MB on
            # disk (the runner reads up to 16 MiB), about 10 MB sent, over the server's 8 MiB.
            awk 'BEGIN { printf "{"; for (i = 0; i < 9000; i++) { printf "%s\"metric-%d\": {\"value\": %d, \"samples\": [", (i ? ", " : ""), i, i
              for (j = 0; j < 60; j++) printf "%s%.12f", (j ? ", " : ""), i * 1000 + j + 0.123456789012; printf "]}" }; printf "}" }' \
              > "$TABLEJOHN_RESULTS"
            exit 0 ;;
          slow*) echo "sleeping"; sleep ${mode#slow} ;;
        esac
        printf '{"ok": {"value": 1}}' > "$TABLEJOHN_RESULTS"
        """#

    init() throws {
        repo = try TestRepository()
        try Self.benchScript.write(toFile: repo.path + "/bench.sh", atomically: true, encoding: .utf8)
        try repo.git(["add", "bench.sh"])
        try repo.commit("first", file: "mode")
        config = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
        try """
            [web]
            runner-timeout = "1s"

            [bench]
            command = "sh bench.sh"
            timeout = 60
            initial-backfill = 0

            [runner]
            ping-interval = "200ms"
            """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    func tjctl(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try runTjctl(arguments, in: repo.path)
    }

    /// Commits `mode` as the next commit on main, which a fetch queues, and returns its hash.
    func queue(mode: String) throws -> String {
        try mode.write(toFile: repo.path + "/mode", atomically: true, encoding: .utf8)
        try repo.git(["add", "mode"])
        try repo.git(["commit", "-q", "-m", "mode \(mode)"])
        #expect(try tjctl("fetch").status == 0)
        return try repo.head()
    }

    func output(_ run: JSONValue) -> [String] {
        (run["output"]?.arrayValue ?? []).compactMap { $0.arrayValue?.last?.stringValue }
    }

    /// Runner `box`'s token for `server` and the arguments of a runner process with a work
    /// directory of its own, so a restart with the same arguments finds what it left there.
    func keptRunner(for server: DaemonProcess) throws -> (arguments: [String], workDir: String) {
        let token = try tjctl("runner", "add", "box").stdout.trimmingCharacters(in: .newlines)
        let workDir = try TemporaryFolder.make(prefix: "tj-work")
        return (["--config", config, "--name", "box", "--server", "http://127.0.0.1:\(server.port)", "--token", token,
                 "--work-dir", workDir], workDir)
    }

    @Test("under serve --local-runner a bench script gets no descriptor of the daemon's: not its listening socket, not its database")
    func noInheritedDescriptors() async throws {
        let server = try DaemonProcess(serve: ["--config", config, "--local-runner"], in: repo.path)
        try await server.waitUntilServing()
        // The daemon itself holds sockets (HTTP, control) and the database.
        let daemonFDs = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(server.process.processIdentifier)/fd").compactMap {
            try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(server.process.processIdentifier)/fd/\($0)")
        }
        #expect(daemonFDs.contains { $0.hasPrefix("socket:") })
        #expect(daemonFDs.contains { $0.hasSuffix("tablejohn.db") })

        _ = try queue(mode: "fds")
        let run = try #require(try await waitForRuns(1, in: repo.path, logs: server.log).first)
        // ls's own: 0, 1, 2 and 3, the directory it lists; nothing else can be opened.
        #expect(output(run).contains("fds: 0 1 2 3 "), "\(output(run))")
        #expect(output(run).contains("sockets: 0"), "\(output(run))")
        #expect(output(run).contains("database: 0"), "\(output(run))")
        #expect(run["exit_code"] == 0)
        // The daemon still answers.
        #expect(try await server.get("/").status == 200)
        _ = try await server.stop()
    }

    @Test("a script that leaves a setsid'd descendant behind: the run lands with its output and the descendant is gone")
    func escapedDescendant() async throws {
        let server = try DaemonProcess(serve: ["--config", config, "--local-runner"], in: repo.path)
        try await server.waitUntilServing()
        _ = try queue(mode: "escape")
        let run = try #require(try await waitForRuns(1, in: repo.path, logs: server.log).first)
        #expect(output(run).contains("started"))
        #expect(run["exit_code"] == 0)
        #expect(processes(containing: "sleep 100000") == [])
        _ = try await server.stop()
    }

    @Test("4 MB of control bytes on stdout: the run lands with its output truncated and a line saying so")
    func controlByteFlood() async throws {
        let server = try DaemonProcess(serve: ["--config", config, "--local-runner"], in: repo.path)
        try await server.waitUntilServing()
        _ = try queue(mode: "flood")
        let run = try #require(try await waitForRuns(1, in: repo.path, logs: server.log).first)
        #expect(output(run).contains { $0.hasPrefix("tablejohn: output truncated to fit the server's size limit;") }, "\(server.log)")
        #expect(run["measurements"]?["ok"]?["value"] == .real(1))
        #expect(!server.log.contains(#/\b413\b/#))  // a status, not digits of a port
        _ = try await server.stop()
    }

    @Test("a 64 GiB sparse results file fails the run with a message instead of exhausting memory")
    func hugeResultsFile() async throws {
        let server = try DaemonProcess(serve: ["--config", config, "--local-runner"], in: repo.path)
        try await server.waitUntilServing()
        _ = try queue(mode: "huge")
        let run = try #require(try await waitForRuns(1, in: repo.path, logs: server.log).first)
        #expect(run["exit_code"] == 1)
        #expect(output(run).contains("tablejohn: no results read: the results file has 68719476736 bytes, more than the 16 MiB limit"),
                "\(output(run))")
        #expect(try await server.get("/").status == 200)
        _ = try await server.stop()
    }

    @Test("while another process holds the database's write lock: the submission is retried (503) and lands after; POST /api/runs is 503 with Retry-After; tjctl exits 75")
    func lockedDatabase() async throws {
        let server = try DaemonProcess(serve: ["--config", config], in: repo.path)
        try await server.waitUntilServing()
        let token = try tjctl("runner", "add", "box").stdout.trimmingCharacters(in: .newlines)
        let runner = try DaemonProcess(runner: ["--config", config, "--name", "box", "--server", "http://127.0.0.1:\(server.port)",
                                                "--token", token], in: repo.path)
        let hash = try queue(mode: "slow2")
        try await runner.waitForLog("run started")
        let lock = try DatabaseLock(repo.path + "/.git/tablejohn/tablejohn.db")

        try await runner.waitForLog("run finished")
        try await runner.waitForLog("503 the server's database is busy or unavailable", seconds: 60)
        #expect(try storedRuns(in: repo.path).isEmpty)

        // External results: the same answer, with a time to come back.
        let folder = try TemporaryFolder.make(prefix: "tj-post")
        try Data("{\"x\": {\"value\": 1}}".utf8).write(to: URL(fileURLWithPath: folder + "/body"))
        let curl = try runProgram(URL(fileURLWithPath: "/usr/bin/curl"),
                                  ["-s", "--max-time", "60", "-D", "-", "-o", "/dev/null", "-u", "box:\(token)", "--data-binary", "@body",
                                   "http://127.0.0.1:\(server.port)/api/runs?commit=\(hash)"], in: folder)
        #expect(curl.stdout.hasPrefix("HTTP/1.1 503"), "\(curl.stdout)")
        #expect(curl.stdout.lowercased().contains("retry-after: 5"), "\(curl.stdout)")
        // tjctl: a write that cannot get the lock says to try again, with exit 75.
        let queued = try tjctl("queue", "add", hash)
        #expect(queued.status == 75, "\(queued.stderr)")
        #expect(queued.stderr.contains("try again later"))

        lock.release()
        let runs = try await waitForRuns(1, in: repo.path, logs: "server:\n\(server.log)\nrunner:\n\(runner.log)")
        #expect(runs.count == 1)
        #expect(runs.first?["commit"] == .string(hash))
        #expect(runs.first?["runner"] == "box")
        try await runner.waitForLog("result delivered")
        _ = try await runner.stop()
        _ = try await server.stop()
    }

    @Test("a finished run survives the runner's kill -9 while its server is away, and lands exactly once after both restart")
    func resultSurvivesRunnerRestart() async throws {
        let server = try DaemonProcess(serve: ["--config", config], in: repo.path)
        try await server.waitUntilServing()
        let (arguments, workDir) = try keptRunner(for: server)
        let runner = try DaemonProcess(runner: arguments, in: repo.path)
        let hash = try queue(mode: "slow4")
        try await runner.waitForLog("run started")
        // The server goes away only once the script runs (its tree fetched): its first line
        // has reached the server's live view.
        for _ in 0..<100 where !(try await server.get("/api/queue/live").body.contains("sleeping")) {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try await server.stop(signal: SIGKILL) == SIGKILL)
        try await runner.waitForLog("run finished")
        try await runner.waitForLog("status call failed")
        #expect(try await runner.stop(signal: SIGKILL) == SIGKILL)
        #expect(try FileManager.default.contentsOfDirectory(atPath: workDir + "/pending").filter { $0.hasSuffix(".json") }.count == 1)

        let restarted = try DaemonProcess(serve: ["--config", config], in: repo.path, port: server.port)
        try await restarted.waitUntilServing()
        let again = try DaemonProcess(runner: arguments, in: repo.path)
        try await again.waitForLog("pending result restored")
        let runs = try await waitForRuns(1, in: repo.path, logs: "server:\n\(restarted.log)\nrunner:\n\(again.log)")
        try await again.waitForLog("result delivered")
        #expect(runs.first?["commit"] == .string(hash))
        #expect(runs.first?["exit_code"] == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: workDir + "/pending").filter { $0.hasSuffix(".json") } == [])
        // Exactly once, and the commit left the queue.
        try await Task.sleep(for: .seconds(1))
        #expect(try storedRuns(in: repo.path).count == 1)
        #expect(try tjctl("queue", "--json").stdout == "[]\n")
        _ = try await again.stop()
        _ = try await restarted.stop()
    }

    @Test("runner identity over HTTP: another runner's run id is 403 and the real result lands; the shared token cannot act as a registered runner; odd names are 401")
    func identity() async throws {
        let shared = "shared-token-for-tests"
        try (try String(contentsOfFile: config, encoding: .utf8)).replacingOccurrences(of: "[web]\n", with: "[web]\nrunner-token = \"\(shared)\"\n")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let server = try DaemonProcess(serve: ["--config", config], in: repo.path)
        try await server.waitUntilServing()
        let token = try tjctl("runner", "add", "victim").stdout.trimmingCharacters(in: .newlines)
        let hash = try queue(mode: "fds")
        func call(_ name: String, _ token: String, _ body: JSONValue) async throws -> (status: Int, body: String) {
            try await server.post("/api/runner/status", body: Data(try body.serialized()),
                                  authorization: "Basic " + Data("\(name):\(token)".utf8).base64EncodedString())
        }
        let handed = try await call("victim", token, ["secret": "victim-secret", "status": ["type": "idle"], "request_run": true])
        let runID = try #require(try JSONValue.parse(handed.body)["run"]?["id"]?.stringValue, "\(handed)")
        func submission(_ files: Double) -> JSONValue {
            ["id": .string(runID), "hash": .string(hash), "bench_method": "internal", "start": "2026-12-01T00:00:00Z",
             "end": "2026-12-01T00:00:01Z", "exit_code": 0, "measurements": ["files": ["value": .real(files)]]]
        }
        // The shared token under the victim's registered name: 401.
        #expect(try await call("victim", shared, ["secret": "evil-secret-1", "status": ["type": "idle"]]).status == 401)
        // Under a name of its own it may call, but not submit the victim's run.
        let hijack = try await call("evil", shared, ["secret": "evil-secret-1", "status": ["type": "idle"], "submit_run": submission(666)])
        #expect(hijack.status == 403)
        #expect(hijack.body.trimmingCharacters(in: .newlines) == "submit_run: run \(runID) was handed to another runner; nothing was stored")
        #expect(try storedRuns(in: repo.path).isEmpty)
        // Names with control characters, '/' or ':' never authenticate; a Unicode host name does.
        for name in ["a/b", "tab\tname", String(repeating: "n", count: 65)] {
            #expect(try await call(name, shared, ["secret": "some-secret-1", "status": ["type": "idle"]]).status == 401, "\(name)")
        }
        #expect(try await call("büro-ρ", shared, ["secret": "some-secret-2", "status": ["type": "idle"]]).status == 200)

        // The victim's own result lands, and its resend is acknowledged without a second run.
        #expect(try await call("victim", token, ["secret": "victim-secret", "status": ["type": "idle"], "submit_run": submission(7)]).status == 200)
        #expect(try await call("victim", token, ["secret": "victim-secret", "status": ["type": "idle"], "submit_run": submission(8)]).status == 200)
        let runs = try storedRuns(in: repo.path)
        #expect(runs.count == 1)
        #expect(runs.first?["runner"] == "victim")
        #expect(runs.first?["measurements"]?["files"]?["value"] == .real(7))
        _ = try await server.stop()
    }

    @Test("a malicious server's replies (huge, negative or non-numeric time limits, odd ids and hashes) never crash the runner; it keeps calling")
    func maliciousServer() async throws {
        let calls = Mutex(0)
        let hash = String(repeating: "a", count: 40)
        let replies: [String] = [
            #"{"run": {"id": "r1", "hash": "\#(hash)", "start": "x", "timeout_s": 1e300, "bench_method": {"type": "internal"}}, "abort_run": false}"#,
            #"{"run": {"id": "r2", "hash": "\#(hash)", "start": "x", "timeout_s": -1, "bench_method": {"type": "internal"}}}"#,
            #"{"run": {"id": "r3", "hash": "\#(hash)", "start": "x", "timeout_s": "NaN", "bench_method": {"type": "internal"}}}"#,
            #"{"run": {"id": "r4", "hash": "../../x", "start": "x", "timeout_s": 1, "bench_method": {"type": "internal"}}}"#,
            #"{"run": {"id": "\#(String(repeating: "i", count: 100_000))", "hash": "\#(hash)", "start": "x", "timeout_s": 1, "bench_method": {"type": "internal"}}}"#,
            #"{"run": {"id": "r6", "hash": "\#(hash)", "start": "x", "timeout_s": 9223372036854775807, "bench_method": {"type": "bench_repo", "hash": "\#(hash)", "entry": "../../../bin/sh"}}}"#,
            #"[1, 2, 3]"#,
        ]
        let router = Router()
        router.post("/api/runner/status") { _, _ -> Response in
            let index = calls.withLock { count in
                defer { count += 1 }
                return count
            }
            let body = index < replies.count ? replies[index] : #"{"run": null, "abort_run": false}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let port = try FreePort.find()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        let serving = Task { try await app.runService() }
        defer { serving.cancel() }

        let runner = try DaemonProcess(runner: ["--config", config, "--name", "box", "--server", "http://127.0.0.1:\(port)", "--token", "t"],
                                       in: repo.path)
        // Bounded: each reply is answered within a few ping intervals (200 ms), or after a backoff of at most 2 s.
        for _ in 0..<600 where calls.withLock({ $0 }) < replies.count + 3 {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(calls.withLock { $0 } >= replies.count + 3, "\(runner.log)")
        #expect(runner.process.isRunning, "\(runner.log)")
        #expect(runner.log.contains("the reply's timeout_s must be a positive number of seconds"))
        #expect(runner.log.contains("the reply's run hash is not a full commit hash"))
        #expect(runner.log.contains("a bench_repo entry must be a relative path inside the bench repository"))
        #expect(runner.process.isRunning)
        _ = try await runner.stop()
    }

    @Test("a result too large for the server even with its output cut (9,000 measurements of 60 samples) lands as a failed run without them; the runner goes on")
    func tooLargeEvenTruncated() async throws {
        let server = try DaemonProcess(serve: ["--config", config, "--local-runner"], in: repo.path)
        try await server.waitUntilServing()
        let hash = try queue(mode: "many")
        let run = try #require(try await waitForRuns(1, in: repo.path, logs: server.log).first)
        #expect(run["commit"] == .string(hash))
        #expect(run["exit_code"] == 1)
        #expect(run["measurements"]?.objectValue?.keys == [])
        #expect(output(run).contains("tablejohn: 9000 measurements read from the results file as tablejohn JSON / Bencher Metric Format"))
        #expect(output(run).contains("tablejohn: the result was too large for the server even with its output cut; its 9000 measurements were dropped"))
        #expect(server.log.contains("the server refused a result as too large; resending it"))
        // The commit left the queue, and the next one is benchmarked as usual.
        #expect(try tjctl("queue", "--json").stdout == "[]\n")
        _ = try queue(mode: "after")
        let runs = try await waitForRuns(2, in: repo.path, logs: server.log)
        #expect(runs.first?["measurements"]?["ok"]?["value"] == .real(1))
        _ = try await server.stop()
    }

    @Test("bench processes a runner killed with SIGKILL left running are killed when it starts again")
    func leftoversOfAKilledRunner() async throws {
        let server = try DaemonProcess(serve: ["--config", config], in: repo.path)
        try await server.waitUntilServing()
        let (arguments, _) = try keptRunner(for: server)
        let runner = try DaemonProcess(runner: arguments, in: repo.path)
        _ = try queue(mode: "slow100007")
        try await runner.waitForLog("run started")
        for _ in 0..<100 where processes(containing: "sleep 100007").isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try await runner.stop(signal: SIGKILL) == SIGKILL)
        // The script outlives its runner.
        #expect(processes(containing: "sleep 100007").count == 1)

        let again = try DaemonProcess(runner: arguments, in: repo.path)
        try await again.waitForLog("killed bench processes a previous runner left running")
        #expect(processes(containing: "sleep 100007") == [])
        _ = try await again.stop()
        _ = try await server.stop()
    }
}
