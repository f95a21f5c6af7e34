import Foundation
@testable import TablejohnKit
import Testing
import TestSupport

/// A real server and real `tablejohnd runner` processes on a repository whose commits
/// carry a bench script; each commit's `mode` file says how the script behaves.
@Suite("Runner process", .serialized)
struct RunnerProcessTests {
    let repo: TestRepository
    let config: String

    static let benchScript = """
        #!/bin/sh
        mode=$(cat mode)
        echo "benchmarking $TABLEJOHN_COMMIT as run $TABLEJOHN_RUN_ID"
        case "$mode" in
          crash) echo "about to crash" >&2; exit 3 ;;
          hang) echo "hanging"; sleep 600 ;;
          slow*) sleep ${mode#slow} ;;
        esac
        printf '{"size": {"value": %s, "unit": "bytes"}, "bmf": {"latency": {"value": 2.5, "lower_value": 2, "upper_value": 3}}}' \\
          "$(wc -c < mode)" > "$TABLEJOHN_RESULTS"
        """

    init() throws {
        repo = try TestRepository()
        try Self.benchScript.write(toFile: repo.path + "/bench.sh", atomically: true, encoding: .utf8)
        try repo.git(["add", "bench.sh"])
        try repo.commit("ok", file: "mode")
        config = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
        try """
            [web]
            runner-timeout = "1s"

            [bench]
            command = "sh bench.sh"
            timeout = 3

            [runner]
            ping-interval = "200ms"
            """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    func tjctl(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try runTjctl(arguments, in: repo.path)
    }

    /// Commits `mode` as the next commit and returns its hash.
    func commit(mode: String) throws -> String {
        try "\(mode)".write(toFile: repo.path + "/mode", atomically: true, encoding: .utf8)
        try repo.git(["add", "mode"])
        try repo.git(["commit", "-q", "-m", "mode \(mode)"])
        return try repo.head()
    }

    func serve() async throws -> DaemonProcess {
        let server = try DaemonProcess(serve: ["--config", config], in: repo.path)
        try await server.waitUntilServing()
        return server
    }

    func runner(_ server: DaemonProcess, name: String, token: String) throws -> DaemonProcess {
        try DaemonProcess(runner: ["--config", config, "--name", name, "--server", "http://127.0.0.1:\(server.port)", "--token", token],
                          in: repo.path)
    }

    /// Every run, newest first, with its output.
    func runs() throws -> [JSONValue] { try storedRuns(in: repo.path) }

    func waitForRuns(_ count: Int, _ server: DaemonProcess, _ runner: DaemonProcess) async throws -> [JSONValue] {
        try await IntegrationTests.waitForRuns(count, in: repo.path, logs: "server:\n\(server.log)\nrunner:\n\(runner.log)")
    }

    @Test("new commits on a tracked branch are benchmarked; a crash and a hang become failed runs and the queue moves on")
    func benchmarksTrackedCommits() async throws {
        let server = try await serve()
        let token = try tjctl("runner", "add", "box").stdout.trimmingCharacters(in: .newlines)
        let runner = try runner(server, name: "box", token: token)
        // New commits on main (tracked by default), seen by a fetch, are queued by the server.
        let good = try commit(mode: "ok-good")
        let crash = try commit(mode: "crash")
        let hang = try commit(mode: "hang")
        let last = try commit(mode: "ok-last")
        #expect(try tjctl("fetch").status == 0)

        let runs = try await waitForRuns(4, server, runner)
        let byCommit = Dictionary(uniqueKeysWithValues: runs.map { ($0["commit"]?.stringValue ?? "", $0) })
        for hash in [good, last] {
            let run = try #require(byCommit[hash])
            #expect(run["exit_code"] == 0)
            #expect(run["runner"] == "box")
            #expect(run["bench_method"] == "command")
            #expect(run["measurements"]?["size"]?["value"] == .real(7))
            #expect(run["measurements"]?["size"]?["unit"] == "bytes")
            #expect(run["measurements"]?["bmf/latency"]?["upper"] == .real(3))
            #expect(run["output"]?.arrayValue?.contains(["stdout", .string("benchmarking \(hash) as run \(run["id"]?.stringValue ?? "")")]) == true)
        }
        let crashed = try #require(byCommit[crash])
        #expect(crashed["exit_code"] == 3)
        #expect(crashed["output"]?.arrayValue?.contains(["stderr", "about to crash"]) == true)
        // Its page tells the streams apart.
        let page = try await server.get("/run/\(try #require(crashed["id"]?.stringValue))/").body
        #expect(page.contains("<span class=\"error\">failed, exit code 3</span>"))
        #expect(page.contains("<span class=\"stderr\"><span class=\"source\">err</span> about to crash</span>"))
        #expect(page.contains("<span class=\"stdout\"><span class=\"source\">out</span> benchmarking \(crash)"))
        #expect(page.contains("<span class=\"internal\"><span class=\"source\">tj </span> tablejohn: exited with code 3</span>"))
        let hung = try #require(byCommit[hang])
        #expect(hung["exit_code"] == 137)
        #expect(hung["output"]?.arrayValue?.contains(["stdout", "hanging"]) == true)
        #expect(hung["output"]?.arrayValue?.contains(["internal", "tablejohn: the run took longer than its 3.0 seconds limit; its process group was killed"]) == true)
        #expect(try tjctl("queue", "--json").stdout == "[]\n")
        let listed = try tjctl("runners")
        #expect(listed.stdout.contains("box"))
        #expect(listed.stdout.contains("idle"))
        _ = try await runner.stop()
        _ = try await server.stop()
    }

    @Test("a server killed mid-run and away longer than the runner timeout gets the run's result once it is back")
    func serverKilledMidRun() async throws {
        let server = try await serve()
        let token = try tjctl("runner", "add", "box").stdout.trimmingCharacters(in: .newlines)
        let runner = try runner(server, name: "box", token: token)
        let slow = try commit(mode: "slow2")
        #expect(try tjctl("fetch").status == 0)
        try await runner.waitForLog("run started")
        // Once the script runs (its tree fetched), its first line reaches the live view.
        for _ in 0..<100 where !(try await server.get("/api/queue/live").body.contains("benchmarking")) {
            try await Task.sleep(for: .milliseconds(100))
        }

        // SIGKILL mid-run; the run finishes while the server is gone, and stays away
        // for longer than the 1 s reservation timeout.
        #expect(try await server.stop(signal: SIGKILL) == SIGKILL)
        try await runner.waitForLog("run finished")
        try await runner.waitForLog("status call failed")
        try await Task.sleep(for: .seconds(2))

        let restarted = try DaemonProcess(serve: ["--config", config], in: repo.path, port: server.port)
        try await restarted.waitUntilServing()
        let runs = try await waitForRuns(1, restarted, runner)
        #expect(runs.count == 1)
        #expect(runs.first?["commit"] == .string(slow))
        #expect(runs.first?["exit_code"] == 0)
        try await runner.waitForLog("result delivered")
        // Delivered once: no second run, nothing left in the queue.
        try await Task.sleep(for: .seconds(1))
        #expect(try self.runs().count == 1)
        #expect(try tjctl("queue", "--json").stdout == "[]\n")
        _ = try await runner.stop()
        _ = try await restarted.stop()
    }

    @Test("a second runner process under a name in use is refused; the first keeps working")
    func sameNameRefused() async throws {
        let server = try await serve()
        let token = try tjctl("runner", "add", "box").stdout.trimmingCharacters(in: .newlines)
        let first = try runner(server, name: "box", token: token)
        try await first.waitForLog("runner started")
        try await Task.sleep(for: .seconds(1))
        let second = try runner(server, name: "box", token: token)
        try await second.waitForLog("409 runner box is already connected from another process")
        _ = try commit(mode: "ok-after")
        #expect(try tjctl("fetch").status == 0)
        let runs = try await waitForRuns(1, server, first)
        #expect(first.log.contains("run started"))
        #expect(!second.log.contains("run started"))
        #expect(runs.first?["runner"] == "box")
        _ = try await second.stop()
        _ = try await first.stop()
        _ = try await server.stop()
    }

    @Test("serve --local-runner benchmarks queued commits with no configuration")
    func localRunner() async throws {
        let server = try DaemonProcess(serve: ["--local-runner"], in: repo.path)
        try await server.waitUntilServing()
        let hash = try repo.head()
        #expect(try tjctl("queue", "add", hash).status == 0)
        let runs = try await waitForRuns(1, server, server)
        #expect(runs.first?["runner"] == "local")
        #expect(runs.first?["bench_method"] == "internal")
        // bench.sh and mode: two files, counted from the commit's real tree.
        #expect(runs.first?["measurements"]?["files"]?["value"] == .real(2))
        #expect(runs.first?["measurements"]?["files/sh"]?["value"] == .real(1))
        _ = try await server.stop()
    }
}

@Suite("Bench repository", .serialized)
struct BenchRepositoryTests {
    @Test("bench-repo: the bench repository's entry point at its HEAD runs against each commit's checkout")
    func benchRepo() async throws {
        let project = try TestRepository()
        try "one\ntwo\nthree\n".write(toFile: project.path + "/data.txt", atomically: true, encoding: .utf8)
        try project.git(["add", "data.txt"])
        try project.git(["commit", "-q", "-m", "data"])
        let bench = try TestRepository()
        try FileManager.default.createDirectory(atPath: bench.path + "/scripts", withIntermediateDirectories: true)
        try """
            #!/bin/sh
            echo "measuring $TABLEJOHN_COMMIT in $(pwd)"
            lines=$(wc -l < "$TABLEJOHN_REPO/data.txt")
            printf '{"data/lines": {"value": %s, "unit": "lines"}}' "$lines" > "$TABLEJOHN_RESULTS"
            """.write(toFile: bench.path + "/scripts/run.sh", atomically: true, encoding: .utf8)
        try bench.git(["add", "scripts/run.sh"])
        try bench.git(["commit", "-q", "-m", "bench script"])
        let config = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
        try """
            [bench]
            method = "bench-repo"
            repo = "\(bench.path)"
            entry = "scripts/run.sh"

            [runner]
            ping-interval = "200ms"
            """.write(toFile: config, atomically: true, encoding: .utf8)

        let server = try DaemonProcess(serve: ["--config", config, "--local-runner"], in: project.path)
        try await server.waitUntilServing()
        let head = try project.head()
        #expect(try runTjctl(["queue", "add", head], in: project.path).status == 0)
        let run = try await waitForRuns(1, in: project.path, logs: server.log)[0]
        #expect(run["bench_method"] == "bench-repo", "\(server.log)")
        #expect(run["exit_code"] == 0)
        #expect(run["measurements"]?["data/lines"]?["value"] == .real(3))
        #expect(run["output"]?.arrayValue?.contains { $0.arrayValue?.last?.stringValue?.hasPrefix("measuring \(head) in /") == true } == true)
        _ = try await server.stop()
    }
}
