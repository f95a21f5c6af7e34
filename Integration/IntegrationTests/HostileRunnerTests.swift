import Foundation
import TablejohnKit
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
            for fd in 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do
              (eval "true <&$fd") 2>/dev/null && echo "inherited $fd"
            done ;;
          escape) setsid sleep 100000 & echo started ;;
          flood) head -c 4000000 /dev/zero | tr '\000' '\001' ;;
          huge) truncate -s 64G "$TABLEJOHN_RESULTS"; exit 0 ;;
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

            [runner]
            ping-interval = "200ms"
            """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    func tjctl(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try runTjctl(arguments, in: repo.path)
    }

    /// Commits `mode` as the next commit, queues it, and returns its hash.
    func queue(mode: String) throws -> String {
        try mode.write(toFile: repo.path + "/mode", atomically: true, encoding: .utf8)
        try repo.git(["add", "mode"])
        try repo.git(["commit", "-q", "-m", "mode \(mode)"])
        let hash = try repo.head()
        #expect(try tjctl("queue", "add", hash).status == 0)
        return hash
    }

    func output(_ run: JSONValue) -> [String] {
        (run["output"]?.arrayValue ?? []).compactMap { $0.arrayValue?.last?.stringValue }
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
        #expect(!output(run).contains { $0.hasPrefix("inherited") }, "\(output(run))")
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
        #expect(!server.log.contains("413"))
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
        let token = try tjctl("runner", "add", "box").stdout.trimmingCharacters(in: .newlines)
        let workDir = try TemporaryFolder.make(prefix: "tj-work")
        let arguments = ["--config", config, "--name", "box", "--server", "http://127.0.0.1:\(server.port)", "--token", token,
                         "--work-dir", workDir]
        let runner = try DaemonProcess(runner: arguments, in: repo.path)
        let hash = try queue(mode: "slow2")
        try await runner.waitForLog("run started")
        #expect(try await server.stop(signal: SIGKILL) == SIGKILL)
        try await runner.waitForLog("run finished")
        try await runner.waitForLog("status call failed")
        #expect(try await runner.stop(signal: SIGKILL) == SIGKILL)
        #expect(try FileManager.default.contentsOfDirectory(atPath: workDir + "/pending").count == 1)

        let restarted = try DaemonProcess(serve: ["--config", config], in: repo.path, port: server.port)
        try await restarted.waitUntilServing()
        let again = try DaemonProcess(runner: arguments, in: repo.path)
        try await again.waitForLog("pending result restored")
        let runs = try await waitForRuns(1, in: repo.path, logs: "server:\n\(restarted.log)\nrunner:\n\(again.log)")
        try await again.waitForLog("result delivered")
        #expect(runs.first?["commit"] == .string(hash))
        #expect(runs.first?["exit_code"] == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: workDir + "/pending") == [])
        // Exactly once, and the commit left the queue.
        try await Task.sleep(for: .seconds(1))
        #expect(try storedRuns(in: repo.path).count == 1)
        #expect(try tjctl("queue", "--json").stdout == "[]\n")
        _ = try await again.stop()
        _ = try await restarted.stop()
    }
}
