import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
@testable import TablejohnKit
import Testing
import TestSupport

/// Operating a real daemon: tjctl sql, tjctl backup under load, and /metrics.
@Suite("Operations", .serialized)
struct OperationsTests {
    /// A daemon on a fresh repository of `commits` commits, serving.
    func serve(commits: Int = 3, config: String? = nil, pagesPublic: Bool = true) async throws -> (TestRepository, [String], DaemonProcess) {
        let repo = try TestRepository()
        let hashes = try repo.commits(commits)
        var arguments: [String] = []
        if let config {
            let file = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
            try config.write(toFile: file, atomically: true, encoding: .utf8)
            arguments = ["--config", file]
        }
        let server = try DaemonProcess(serve: arguments, in: repo.path)
        try await server.waitUntilServing()
        if pagesPublic { _ = try await server.waitForPage("/") { $0.contains("\(commits) commits") } }
        return (repo, hashes, server)
    }

    /// Runs tjctl on a thread of its own, so the test's tasks keep running meanwhile.
    func tjctlInBackground(_ arguments: [String], in directory: String) async -> (status: Int32, stdout: String, stderr: String) {
        await withCheckedContinuation { done in
            DispatchQueue.global().async {
                done.resume(returning: (try? runTjctl(arguments, in: directory)) ?? (-1, "", "could not start tjctl"))
            }
        }
    }

    @Test("tjctl sql prints a table, CSV or JSON; refuses a DELETE with nothing changed")
    func sqlOutput() async throws {
        let (repo, _, server) = try await serve()
        let results = try TemporaryFolder.make(prefix: "tj-results") + "/bench.json"
        try #"{"build/time": {"value": 12.5, "unit": "s"}, "size": {"value": 3, "unit": "B, packed"}}"#
            .write(toFile: results, atomically: true, encoding: .utf8)
        #expect(try runTjctl(["submit", "--commit", "HEAD", "--runner", "ci", results], in: repo.path).status == 0)

        let table = try runTjctl(["sql", "SELECT metric, value, unit FROM measurements ORDER BY metric"], in: repo.path)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout == """
            metric      value  unit
            build/time  12.5   s
            size        3.0    B, packed

            """)
        let csv = try runTjctl(["sql", "--csv", "SELECT metric, value, unit, NULL AS empty FROM measurements ORDER BY metric"], in: repo.path)
        #expect(csv.stdout == "metric,value,unit,empty\nbuild/time,12.5,s,\nsize,3.0,\"B, packed\",\n")
        let json = try JSONValue.parse(try runTjctl(["sql", "--json", "SELECT count(*) AS runs FROM runs"], in: repo.path).stdout)
        #expect(json["columns"] == ["runs"])
        #expect(json["rows"] == [[1]])

        let paged = try runTjctl(["sql", "--limit", "1", "SELECT metric FROM measurements ORDER BY metric"], in: repo.path)
        #expect(paged.stdout == "metric\nbuild/time\n")
        #expect(paged.stderr == "tjctl: more rows follow; --offset 1 shows the next page, --all every page\n")
        let all = try runTjctl(["sql", "--limit", "1", "--all", "SELECT metric FROM measurements ORDER BY metric"], in: repo.path)
        #expect(all.stdout == "metric\nbuild/time\nsize\n")

        let delete = try runTjctl(["sql", "DELETE FROM runs"], in: repo.path)
        #expect(delete.status == 1)
        #expect(delete.stderr == "tjctl: invalid params: refused: DELETE on runs is refused: tjctl sql only reads; nothing was changed\n")
        let twice = try runTjctl(["sql", "SELECT 1; DROP TABLE runs"], in: repo.path)
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("give exactly one statement"))
        #expect(try runTjctl(["sql", "SELECT count(*) FROM runs"], in: repo.path).stdout == "count(*)\n1\n")
        #expect(try runTjctl(["sql", "--csv", "--json", "SELECT 1"], in: repo.path).status == 2)
        _ = server
    }

    @Test("a recursive CTE that would run for minutes is stopped at 5 s; the socket and pages answer meanwhile")
    func sqlTimeLimit() async throws {
        let (repo, _, server) = try await serve()
        let runaway = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000000) SELECT count(*) FROM n"
        let tjctl = DaemonProcess.binary.deletingLastPathComponent().appendingPathComponent("tjctl")
        let query = Process()
        query.executableURL = tjctl
        query.arguments = ["sql", runaway]
        query.currentDirectoryURL = URL(fileURLWithPath: repo.path)
        let errors = Pipe()
        query.standardError = errors
        query.standardOutput = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["TABLEJOHN_SOCKET"] = nil
        query.environment = environment
        try query.run()
        // While the query runs: other admin calls, other SQL and pages are answered.
        try await server.waitForLog("tablejohn serving")
        let status = try runTjctl(["status", "--json"], in: repo.path)
        #expect(status.status == 0)
        #expect(try runTjctl(["sql", "SELECT 7"], in: repo.path).stdout == "7\n7\n")
        #expect(try await server.get("/").status == 200)
        #expect(query.isRunning, "the runaway query ended before the other calls were answered")
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        query.waitUntilExit()
        #expect(query.terminationStatus == 1)
        #expect(String(decoding: message, as: UTF8.self) == "tjctl: stopped after 5 s, the time limit ([sql] timeout); narrow the query\n")
        #expect(try runTjctl(["status"], in: repo.path).status == 0)
    }

    @Test("a backup taken while 4 clients submit runs opens, passes integrity_check and holds every run acknowledged before it")
    func backupUnderLoad() async throws {
        let (repo, hashes, server) = try await serve(commits: 4)
        let token = try runTjctl(["runner", "add", "ci-box"], in: repo.path).stdout.trimmingCharacters(in: .newlines)
        let authorization = "Basic " + Data("ci-box:\(token)".utf8).base64EncodedString()
        let ledger = Ledger()
        let port = server.port
        let clients = startSubmitting(4, port: port, authorization: authorization, hashes: hashes, prefix: "client", ledger: ledger)
        // Bounded: the clients have sent some runs before the backup starts.
        for _ in 0..<600 where await ledger.count < 40 { try await Task.sleep(for: .milliseconds(50)) }
        let before = await ledger.ids
        #expect(before.count >= 40, "the clients did not get going:\n\(server.log)")
        let file = try TemporaryFolder.make(prefix: "tj-backup") + "/copy.db"
        let backup = await tjctlInBackground(["backup", file], in: repo.path)
        let during = await ledger.count - before.count
        for _ in 0..<600 where await ledger.count < before.count + during + 20 { try await Task.sleep(for: .milliseconds(50)) }
        await ledger.stop()
        for client in clients { await client.value }
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(backup.stdout.hasPrefix("backed up "), "\(backup.stdout)")
        #expect(backup.stdout.hasSuffix("; integrity ok\n"))

        var readOnly = Configuration()
        readOnly.readonly = true
        let copy = try DatabaseQueue(path: file, configuration: readOnly)
        let problems: [String] = try await copy.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
        #expect(problems == ["ok"])
        let stored: Set<String> = Set(try await copy.read { try String.fetchAll($0, sql: "SELECT id FROM runs") })
        let missing = before.subtracting(stored)
        #expect(missing.isEmpty, "\(missing.count) acknowledged runs are missing from the backup")
        #expect(backup.stdout.hasPrefix("backed up \(stored.count) runs to \(file) "))
        // Submissions went on: the daemon acknowledged more runs after the backup than are in it.
        let all = await ledger.ids
        #expect(all.count > stored.count)
        let live = try runTjctl(["sql", "SELECT count(*) FROM runs"], in: repo.path).stdout
        #expect(live == "count(*)\n\(all.count)\n")

        let again = try runTjctl(["backup", file], in: repo.path)
        #expect(again.status == 1)
        #expect(again.stderr == "tjctl: \(file) exists; give --force (\"force\": true) to replace it\n")
        #expect(try runTjctl(["backup", "--force", file], in: repo.path).status == 0)
    }
}

extension OperationsTests {
    /// One sample of the exposition as Prometheus' own parser reads it.
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// Parses Prometheus text with `prometheus_client.parser` (PyPI), the reference parser.
    static func parseExposition(_ text: String) throws -> [Sample] {
        let script = """
            import sys, json
            from prometheus_client.parser import text_string_to_metric_families
            print(json.dumps([[s.name, s.labels, s.value] for f in text_string_to_metric_families(sys.stdin.read()) for s in f.samples]))
            """
        let parsed = try runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script], in: "/", stdin: text)
        guard parsed.status == 0 else { throw TestFailure("prometheus_client could not parse /metrics: \(parsed.stderr)\n\(text)") }
        return try JSONValue.parse(parsed.stdout).arrayValue?.map { sample in
            let parts = sample.arrayValue ?? []
            var labels: [String: String] = [:]
            for (key, value) in parts[1].objectValue?.entries ?? [] { labels[key] = value.stringValue }
            return Sample(name: parts[0].stringValue ?? "", labels: labels, value: parts[2].doubleValue ?? .nan)
        } ?? []
    }

    func scrape(_ server: DaemonProcess) async throws -> [Sample] {
        let page = try await server.get("/metrics")
        guard page.status == 200 else { throw TestFailure("/metrics answered \(page.status): \(page.body)") }
        return try Self.parseExposition(page.body)
    }

    func value(_ samples: [Sample], _ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    @Test("/metrics parses as Prometheus text; the queue gauge follows the queue; routes are patterns, not paths")
    func metrics() async throws {
        let (repo, hashes, server) = try await serve(commits: 4)
        let first = try await scrape(server)
        #expect(value(first, "tablejohn_queue_length") == 0)
        #expect(value(first, "tablejohn_runs_stored") == 0)
        #expect(value(first, "tablejohn_webhook_deliveries_pending") == 0)
        #expect(value(first, "tablejohn_runners", ["state": "idle"]) == 0)
        #expect(value(first, "tablejohn_sync_rounds_total", ["result": "ok"]).map { $0 >= 1 } == true)
        #expect(value(first, "tablejohn_sync_last_success_timestamp_seconds").map { $0 > 1_700_000_000 } == true)
        #expect(value(first, "tablejohn_sync_duration_seconds_count").map { $0 >= 1 } == true)
        #expect(value(first, "tablejohn_submissions_total", ["source": "api", "outcome": "stored"]) == 0)

        // The queue gauge moves with the queue.
        #expect(try runTjctl(["queue", "add", "HEAD~2..HEAD"], in: repo.path).status == 0)
        #expect(value(try await scrape(server), "tablejohn_queue_length") == 2)
        #expect(try runTjctl(["queue", "remove", "HEAD"], in: repo.path).status == 0)
        #expect(value(try await scrape(server), "tablejohn_queue_length") == 1)

        // Pages by many addresses: one series per route pattern; made-up paths add none.
        for hash in hashes { _ = try await server.get("/commit/\(hash)/") }
        let made = (0..<20).map { _ in "/x-" + UUID().uuidString }
        for path in made { #expect(try await server.get(path).status == 404) }
        let token = try runTjctl(["runner", "add", "ci-box"], in: repo.path).stdout.trimmingCharacters(in: .newlines)
        let stored = try await server.post("/api/runs?commit=HEAD", body: Data(#"{"t": {"value": 1}}"#.utf8),
                                           authorization: "Basic " + Data("ci-box:\(token)".utf8).base64EncodedString())
        #expect(stored.status == 200)
        let samples = try await scrape(server)
        let routes = Set(samples.filter { $0.name == "tablejohn_http_request_duration_seconds_count" }.compactMap { $0.labels["route"] })
        #expect(!routes.contains { route in hashes.contains { route.contains($0) } || made.contains { route.contains($0) } }, "\(routes)")
        let commitPages = samples.filter { $0.name == "tablejohn_http_request_duration_seconds_count" && $0.labels["status"] == "200"
            && $0.labels["route"]?.hasPrefix("/commit/") == true }
        #expect(commitPages.count == 1, "\(commitPages)")
        #expect(commitPages.first?.value == 4)
        #expect(samples.filter { $0.name == "tablejohn_http_request_duration_seconds_count" && $0.labels["status"] == "404" }
            .reduce(0) { $0 + $1.value } == 20)
        #expect(samples.contains { $0.name == "tablejohn_http_request_duration_seconds_bucket" && $0.labels["le"] == "+Inf" })
        #expect(value(samples, "tablejohn_submissions_total", ["source": "api", "outcome": "stored"]) == 1)
        #expect(value(samples, "tablejohn_submission_duration_seconds_count", ["source": "api"]) == 1)
        #expect(value(samples, "tablejohn_runs_stored") == 1)
        #expect(value(samples, "tablejohn_runners", ["state": "never_seen"]) == 1)

        // Detection runs after new results (every 5 s by default): its rounds are counted and timed.
        var detection = samples
        for _ in 0..<150 where (value(detection, "tablejohn_detection_rounds_total", ["result": "ok"]) ?? 0) < 2 {
            try await Task.sleep(for: .milliseconds(200))
            detection = try await scrape(server)
        }
        #expect((value(detection, "tablejohn_detection_rounds_total", ["result": "ok"]) ?? 0) >= 2)
        #expect((value(detection, "tablejohn_detection_round_duration_seconds_count") ?? 0) >= 1)
    }

    @Test("a private instance serves /metrics only with the metrics token; [web] metrics = false turns it off")
    func metricsAccess() async throws {
        let secret = "0123456789abcdef0123456789abcdef"
        let (_, _, privateServer) = try await serve(config: "[web]\npublic = false\nmetrics-token = \"\(secret)\"\n", pagesPublic: false)
        let anonymous = try await privateServer.get("/metrics")
        #expect(anonymous.status == 401)
        #expect(anonymous.body == "this tablejohn is private: log in, or send Authorization: Bearer with [web] metrics-token\n")
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(privateServer.port)/metrics")!)
        request.setValue("Bearer \(secret)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(try value(Self.parseExposition(String(decoding: data, as: UTF8.self)), "tablejohn_queue_length") == 0)
        request.setValue("Bearer \(secret.dropLast())x", forHTTPHeaderField: "Authorization")
        #expect((try await URLSession.shared.data(for: request).1 as? HTTPURLResponse)?.statusCode == 401)

        let (_, _, quiet) = try await serve(config: "[web]\nmetrics = false\n")
        #expect(try await quiet.get("/metrics").status == 404)
    }
}

/// Run ids the daemon acknowledged, shared by the submitting clients.
actor Ledger {
    private(set) var ids: Set<String> = []
    private(set) var stopped = false
    var count: Int { ids.count }
    func acknowledged(_ id: String) { ids.insert(id) }
    func stop() { stopped = true }
}
