import Foundation
import Testing
import TestSupport
@testable import TablejohnKit

/// A real server with two real runners that report different machines (`[runner] machine`):
/// bisection and confirmation of a change wait for the machine of its series, and are
/// given to anyone once that machine has been away for `[detect] affinity-timeout`.
@Suite("Machine affinity end to end", .serialized)
struct MachineAffinityEndToEndTests {
    let repo: TestRepository
    let config: String
    /// 141 commits whose benchmark reads value.txt: about 100 ms up to index 49, 110 ms
    /// from index 50 and 121 ms from index 121.
    let hashes: [String]

    init() throws {
        repo = try TestRepository()
        var hashes: [String] = []
        for index in 0..<141 {
            let jitter = Double((index * 37) % 11 - 5) * 0.1
            let value = (index < 50 ? 100.0 : index < 121 ? 110.0 : 121.0) + jitter
            try String(format: "%.2f\n", value).write(toFile: repo.path + "/value.txt", atomically: true, encoding: .utf8)
            try repo.git(["add", "value.txt"])
            hashes.append(try repo.commit("change \(index + 1)", file: "notes.txt"))
        }
        self.hashes = hashes
        config = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
        try """
            [web]
            runner-timeout = "2s"

            [bench]
            initial-backfill = 0
            method = "command"
            command = "printf '{\\"parse_time\\": {\\"value\\": %s, \\"unit\\": \\"ms\\"}}' $(cat value.txt) > \\"$TABLEJOHN_RESULTS\\""

            [detect]
            interval = "300ms"
            affinity-timeout = "3s"
            """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    func tjctl(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try runTjctl(arguments, in: repo.path)
    }

    func tjctl(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runTjctl(arguments, in: repo.path)
    }

    /// Polls (bounded: at most `rounds` times, 200 ms apart) until `condition` holds; whether it did.
    func eventually(rounds: Int = 600, _ condition: () throws -> Bool) async throws -> Bool {
        for _ in 0..<rounds {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try condition()
    }

    /// The rows of one read-only query, through `tjctl sql --json`.
    func rows(_ sql: String) throws -> [[JSONValue]] {
        let reply = try tjctl("sql", "--json", "--limit", "10000", sql)
        return try JSONValue.parse(Array(reply.stdout.utf8))["rows"]?.arrayValue?.map { $0.arrayValue ?? [] } ?? []
    }

    func count(_ sql: String) throws -> Int {
        Int(try rows(sql).first?.first?.intValue ?? -1)
    }

    /// `tablejohnd runner NAME` whose fingerprint carries `machine`, calling `server` every 200 ms.
    func runner(_ server: DaemonProcess, name: String, machine: String, token: String) throws -> DaemonProcess {
        let runnerConfig = try TemporaryFolder.make(prefix: "tj-runner") + "/runner.toml"
        try """
            [runner]
            ping-interval = "200ms"
            machine = "\(machine)"
            """.write(toFile: runnerConfig, atomically: true, encoding: .utf8)
        return try DaemonProcess(runner: ["--config", runnerConfig, "--name", name, "--server", "http://127.0.0.1:\(server.port)",
                                          "--token", token], in: repo.path)
    }

    /// The listed change at `commit` (default listing: reported and unconfirmable ones), polled
    /// until `condition` holds; nil when it never did.
    func waitForChange(at commit: String, state: String? = nil, rounds: Int = 600,
                       until condition: (JSONValue) -> Bool = { _ in true }) async throws -> JSONValue? {
        for _ in 0..<rounds {
            let listed = try tjctl(state.map { ["changes", "--json", "--state", $0] } ?? ["changes", "--json"])
            let change = (try? JSONValue.parse(Array(listed.stdout.utf8)))?.arrayValue?.first {
                $0["commit"] == .string(commit)
            }
            if let change, condition(change) { return change }
            try await Task.sleep(for: .milliseconds(200))
        }
        return nil
    }

    @Test("a step measured on runner A is bisected and confirmed on A while B takes ordinary work; once A is gone past the timeout its next change's runs go to B and the change is unconfirmable on A")
    func affinityEndToEnd() async throws {
        // Given a server, the metric lower-is-better, and runner tokens for bench-a and bench-b
        let server = try DaemonProcess(serve: ["--config", config], in: repo.path)
        try await server.waitUntilServing()
        #expect(try tjctl("metric", "set", "parse_time", "--direction", "lower").status == 0)
        let tokenA = try tjctl("runner", "add", "bench-a").stdout.trimmingCharacters(in: .newlines)
        let tokenB = try tjctl("runner", "add", "bench-b").stdout.trimmingCharacters(in: .newlines)

        // When runner A measures every fourth commit of the first 101 (the step lies between indices 48 and 52)
        for index in stride(from: 0, through: 100, by: 4) {
            #expect(try tjctl("queue", "add", hashes[index]).status == 0)
        }
        var runnerA: DaemonProcess? = try runner(server, name: "bench-a", machine: "A", token: tokenA)
        #expect(try await eventually { try count("SELECT count(*) FROM queue WHERE priority = 0") == 0 },
                "runner A never measured the sampled commits; log:\n\(server.log)")
        // And runner B, another machine, joins with ordinary work: the odd commits before the step
        var runnerB: DaemonProcess? = try runner(server, name: "bench-b", machine: "B", token: tokenB)
        let ordinary = Array(stride(from: 1, through: 47, by: 2))
        for index in ordinary {
            #expect(try tjctl("queue", "add", hashes[index]).status == 0)
        }

        // Then the step is pinned to index 50 and confirmed by re-runs on A
        let confirmed = try #require(try await waitForChange(at: hashes[50], state: "confirmed"),
                                     "no confirmed change; log:\n\(server.log)")
        #expect(confirmed["base"] == .string(hashes[49]))
        #expect(confirmed["runner"] == "bench-a")
        let evidence = try #require(confirmed["confirmation"])
        let parentRuns = try #require(evidence["parent_runs"]?.intValue), commitRuns = try #require(evidence["commit_runs"]?.intValue)
        let runsOnA = try rows("""
            SELECT c.hash, r.runner_name, r.start_time, m.value FROM runs r JOIN commits c ON c.id = r.commit_id JOIN measurements m ON m.run_id = r.id
            WHERE c.hash IN ('\(hashes[49])', '\(hashes[50])') ORDER BY r.start_time
            """)
        // (identical re-runs tie: the test needs 4 + 5 of them at 0.99)
        #expect(parentRuns >= 4 && commitRuns >= 4 && abs(parentRuns - commitRuns) <= 1, "\(evidence) \(runsOnA)")
        #expect(parentRuns <= 10 && commitRuns <= 10, "within the default budget of 9 re-runs each")
        #expect((evidence["p"]?.doubleValue ?? 1) <= 0.01)
        #expect(abs((evidence["change"]?.doubleValue ?? 0) - 0.10) < 0.02)
        #expect(confirmed["unconfirmable"] == .null)
        // And every run of the step's commit and its parent is A's (one more may land: its pair was queued when the test decided)
        for (hash, counted) in [(hashes[50], commitRuns), (hashes[49], parentRuns)] {
            #expect(try count("SELECT count(*) FROM runs r JOIN commits c ON c.id = r.commit_id WHERE c.hash = '\(hash)' AND r.runner_name <> 'bench-a'") == 0)
            let onA = try count("SELECT count(*) FROM runs r JOIN commits c ON c.id = r.commit_id WHERE c.hash = '\(hash)' AND r.runner_name = 'bench-a'")
            #expect(onA >= Int(counted) && onA <= Int(counted) + 1)
        }
        // And the commit page says how it was confirmed
        let page = try await server.waitForPage("/commit/\(hashes[50])/", until: { $0.contains("confirmed: ") })
        #expect(page.contains("confirmed: \(parentRuns == commitRuns ? "\(parentRuns) runs each" : "\(parentRuns) + \(commitRuns) runs"), p = "))

        // And B took ordinary work, and only that: nothing pinned to A
        #expect(try await eventually { try count("SELECT count(*) FROM queue") == 0 }, "the queue never emptied; log:\n\(server.log)")
        let ordinaryList = ordinary.map { "'\(hashes[$0])'" }.joined(separator: ", ")
        #expect(try count("SELECT count(*) FROM runs WHERE runner_name = 'bench-b'") >= 1, "B was never handed ordinary work; log:\n\(server.log)")
        #expect(try count("""
            SELECT count(*) FROM runs r JOIN commits c ON c.id = r.commit_id WHERE r.runner_name = 'bench-b' AND c.hash NOT IN (\(ordinaryList))
            """) == 0, "B ran a commit pinned to A")

        // When both runners stop, and results measured on A's machine earlier arrive for every other newer commit (a second step at index 121)
        _ = try await runnerA?.stop()
        runnerA = nil
        _ = try await runnerB?.stop()
        runnerB = nil
        let fingerprintA = try #require(try rows("SELECT runner_fingerprint FROM runs WHERE runner_name = 'bench-a' LIMIT 1").first?.first?.stringValue)
        let encoded = try #require(fingerprintA.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let authorization = "Basic " + Data("bench-a:\(tokenA)".utf8).base64EncodedString()
        for index in stride(from: 104, through: 140, by: 2) {
            let value = String(format: "%.2f", (index < 121 ? 110.0 : 121.0) + Double((index * 37) % 11 - 5) * 0.1)
            let reply = try await server.post("/api/runs?commit=\(hashes[index])&fingerprint=\(encoded)",
                                              body: Data(#"{"parse_time": {"value": \#(value), "unit": "ms"}}"#.utf8),
                                              authorization: authorization)
            #expect(reply.status == 200, "\(reply.body)")
        }

        // Then the new step's midpoint (index 121, between 120 and 122) is queued for bench-a, as tjctl queue and /queue/ show
        var pinned: JSONValue?
        for _ in 0..<300 where pinned == nil {
            let queue = try JSONValue.parse(Array(try tjctl("queue", "--json").stdout.utf8)).arrayValue ?? []
            pinned = queue.first { $0["hash"] == .string(hashes[121]) }
            if pinned == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        let diagnosis = """
            the midpoint was never queued; changes: \(try tjctl("changes", "--json", "--state", "any").stdout)
            queue: \(try tjctl("queue").stdout)
            fingerprints: \(try rows("SELECT DISTINCT runner_name, runner_fingerprint FROM runs"))
            """
        let entry = try #require(pinned, "\(diagnosis)")
        #expect(entry["machine"]?["runner"] == "bench-a")
        #expect(entry["machine"]?["fingerprint"] == .string(fingerprintA))
        #expect(try tjctl("queue").stdout.contains("bench-a"))
        let queuePage = try await server.get("/queue/")
        #expect(queuePage.body.contains("only bench-a"))

        // When only B comes back: A has been away past the affinity timeout
        runnerB = try runner(server, name: "bench-b", machine: "B", token: tokenB)

        // Then the change is marked unconfirmable on bench-a, listed by default, and B runs the midpoint
        let unconfirmable = try #require(try await waitForChange(at: hashes[122], until: { $0["unconfirmable"] != .null }),
                                         "the change was never marked unconfirmable; log:\n\(server.log)")
        #expect(unconfirmable["unconfirmable"]?["machine"] == "bench-a")
        #expect(unconfirmable["base"] == .string(hashes[120]))
        #expect(unconfirmable["state"] == "bisecting")
        #expect(try await eventually(rounds: 300) {
            try count("SELECT count(*) FROM runs r JOIN commits c ON c.id = r.commit_id WHERE c.hash = '\(hashes[121])'") > 0
        }, "nobody ran the released midpoint; log:\n\(server.log)")
        let midpointRuns = try rows("""
            SELECT r.runner_name, r.start_time, ch.unconfirmable FROM runs r JOIN commits c ON c.id = r.commit_id
            CROSS JOIN changes ch ON ch.high_commit = (SELECT id FROM commits WHERE hash = '\(hashes[122])')
            WHERE c.hash = '\(hashes[121])'
            """)
        #expect(midpointRuns.count == 1, "\(midpointRuns)")
        #expect(midpointRuns.first?[0] == "bench-b")
        // handed out only once the release was written
        #expect((midpointRuns.first?[1].intValue ?? 0) >= (midpointRuns.first?[2].intValue ?? .max))
        // And the commit page and tjctl changes say so; the confirmed change is untouched
        let commitPage = try await server.waitForPage("/commit/\(hashes[122])/", until: { $0.contains("unconfirmable on bench-a") })
        #expect(commitPage.contains("unconfirmable on bench-a"))
        #expect(try tjctl("changes").stdout.contains("unconfirmable on bench-a"))
        let stillConfirmed = try #require(try await waitForChange(at: hashes[50], state: "confirmed", rounds: 1))
        #expect(stillConfirmed["unconfirmable"] == .null)
        _ = try await runnerB?.stop()
        _ = try await server.stop()
    }
}
