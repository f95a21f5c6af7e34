// Runner API figures: status calls per second and run submissions (20 measurements each)
// per second, loaded by wrk over keep-alive loopback connections.
import ArgumentParser
import Foundation
import TablejohnKit

struct RunnerBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runners",
        abstract: "Runner status calls and run submissions per second (wrk, keep-alive) against a running tablejohnd.")

    @Option(help: "Seconds per wrk measurement.") var seconds: Int = 5
    @Option(help: "wrk connections (keep-alive).") var connections: Int = 16
    @Option(help: "Repetitions (the median is reported).") var runs: Int = 5
    @OptionGroup var work: WorkFolder

    static let token = "bench-shared-token-0123456789abcdef"

    func run() throws {
        guard (try? Shell.run(["sh", "-c", "command -v wrk"])) != nil else {
            throw BenchError("wrk is not installed: bash contrib/setup.sh installs it")
        }
        // A small repository: its import is over before the load starts.
        let repo = try RepositoryGenerator.ensure(commits: 1000, in: work)
        let database = try work.path("runners.db")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        let config = try work.path("runners.toml")
        try "[web]\nrunner-token = \"\(Self.token)\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try DaemonUnderTest(repo: repo, database: database, socket: try work.path("runners.sock"), arguments: ["--config", config])
        defer { daemon.stop() }
        let url = "http://127.0.0.1:\(daemon.port)"
        let control = try RPCClient(socketPath: try work.path("runners.sock"))
        var waited = 0
        while (try control.call("status", [:]))["commits"]?.doubleValue ?? 0 < 1 {
            guard waited < 300 else { throw BenchError("the repository was not imported within 30 s") }
            usleep(100_000)
            waited += 1
        }
        let hash = try GitRepository(opening: repo).resolve("HEAD").hex
        let authorization = "Basic " + Data("bench-runner:\(Self.token)".utf8).base64EncodedString()

        let statusScript = try work.path("status.lua")
        try """
            wrk.method = "POST"
            wrk.path = "/api/runner/status"
            wrk.headers["Content-Type"] = "application/json"
            wrk.headers["Authorization"] = "\(authorization)"
            wrk.body = '{"secret":"bench-secret-0001","status":{"type":"idle"},"request_run":true,"fingerprint":{"cpu":"bench","cores":2}}'
            """.write(toFile: statusScript, atomically: true, encoding: .utf8)
        let measurements = (0..<20).map { "\"suite/case-\($0)/ns_per_op\":{\"value\":\(1000 + $0).5,\"unit\":\"ns\",\"samples\":[\(1000 + $0),\(1001 + $0)]}" }
            .joined(separator: ",")
        let submitScript = try work.path("submit.lua")
        try """
            local threads = {}
            function setup(thread)
              table.insert(threads, thread)
              thread:set("tid", #threads)
            end
            local counter = 0
            local prefix = ""
            function init(args)
              prefix = args[1] .. "-t" .. tid .. "-"
            end
            local headers = {["Content-Type"] = "application/json", ["Authorization"] = "\(authorization)"}
            local template = '{"secret":"bench-secret-0001","status":{"type":"idle"},"submit_run":{"id":"%s","hash":"\(hash)",' ..
              '"bench_method":"command","start":"2026-11-23T00:00:00Z","end":"2026-11-23T00:00:01Z","exit_code":0,' ..
              '"output":[["stdout","ok"]],"measurements":{\(measurements)}}}'
            function request()
              counter = counter + 1
              return wrk.format("POST", "/api/runner/status", headers, string.format(template, prefix .. counter))
            end
            """.write(toFile: submitScript, atomically: true, encoding: .utf8)

        var report = Report()
        let floor = Measure.median(try (0..<runs).map { _ in try wrk(url + "/no-such-page", expectErrors: true).rate })
        let status = Measure.median(try (0..<runs).map { _ in try wrk(url, script: statusScript).rate })
        report.add("runner status calls (idle, asking for work), wrk keep-alive, \(connections) connections", "\(Int(status)) calls/s",
                   target: ">= 15000 calls/s", met: status >= 15_000, reference: "404 from the same server: \(Int(floor)) req/s")
        var submitted = 0
        let submissions = Measure.median(try (0..<runs).map { repetition in
            let result = try wrk(url, script: submitScript, arguments: ["rep\(repetition)"])
            submitted += result.requests
            return result.rate
        })
        // Every acknowledged submission must be a stored run (wrk stops counting with a
        // few requests still in flight, which are stored too).
        let stored = Int(try Shell.run(["sqlite3", database, "SELECT count(*) FROM runs"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        guard stored >= submitted else { throw BenchError("\(submitted) submissions acknowledged but only \(stored) runs stored") }
        report.add("run submissions, 20 measurements each, wrk keep-alive, \(connections) connections", "\(Int(submissions)) runs/s",
                   target: ">= 3000 runs/s", met: submissions >= 3000, reference: "\(submitted) acknowledged, \(stored) stored")
        report.print()
    }

    /// Runs wrk for `seconds` and returns requests per second and the request count.
    private func wrk(_ url: String, script: String? = nil, arguments: [String] = [], expectErrors: Bool = false) throws -> (rate: Double, requests: Int) {
        var command = ["wrk", "-t2", "-c\(connections)", "-d\(seconds)s"]
        if let script { command += ["-s", script] }
        command.append(url)
        if !arguments.isEmpty { command += ["--"] + arguments }
        let output = try Shell.run(command)
        if !expectErrors, output.contains("Non-2xx") { throw BenchError("wrk saw error replies:\n\(output)") }
        guard let rateLine = output.split(separator: "\n").first(where: { $0.contains("Requests/sec:") }),
              let rate = Double(rateLine.split(separator: " ").last ?? ""),
              let countLine = output.split(separator: "\n").first(where: { $0.contains("requests in") }),
              let requests = Int(countLine.split(separator: " ").first ?? "") else {
            throw BenchError("cannot read wrk's output:\n\(output)")
        }
        return (rate, requests)
    }
}
