// Control-socket figures: small JSON-RPC calls per second on one connection, and
// CSV export rows per second beside the sqlite3 shell exporting the same rows.
import ArgumentParser
import Foundation
import Logging
import TablejohnKit

struct RPCBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc",
        abstract: "JSON-RPC calls per second and CSV export rows per second against a running tablejohnd.")

    @Option(help: "Measurement rows to export (runs of 20 measurements).") var rows: Int = 1_000_000
    @Option(help: "Calls per RPC measurement.") var calls: Int = 50_000
    @Option(help: "Repetitions (the median is reported).") var runs: Int = 5
    @OptionGroup var work: WorkFolder

    func run() throws {
        let repo = try RepositoryGenerator.ensure(commits: 100_000, in: work)
        let database = try work.path("rpc-\(rows).db")
        try seed(database: database, repo: repo)
        let socket = try work.path("rpc.sock")
        let daemon = try DaemonUnderTest(repo: repo, database: database, socket: socket)
        defer { daemon.stop() }

        var report = Report()
        let client = try RPCClient(socketPath: socket)
        // The floor: an unknown method costs framing, parsing and the socket, and no work.
        let floor = Measure.median(try (0..<runs).map { _ in try pipelined(client, "no.such.method", [:]) })
        let floorSequential = Measure.median(try (0..<runs).map { _ in try sequential(client, "no.such.method", [:]) })
        // Small calls, against the target: 64 in flight on the connection. One at a time, a
        // call cannot beat the socket's round trip, shown by the unknown method beside it.
        for (method, params) in [("queue.list", ["limit": 1] as JSONObject), ("runs.list", ["limit": 1])] {
            let rate = Measure.median(try (0..<runs).map { _ in try pipelined(client, method, params) })
            report.add("JSON-RPC \(method) (small call), one connection, 64 in flight", "\(Int(rate)) calls/s",
                       target: ">= 20000 calls/s", met: rate >= 20_000, reference: "unknown method: \(Int(floor)) calls/s")
            let sequentialRate = Measure.median(try (0..<runs).map { _ in try sequential(client, method, params) })
            report.add("JSON-RPC \(method) (small call), one connection, one at a time", "\(Int(sequentialRate)) calls/s",
                       target: "", met: nil, reference: "unknown method: \(Int(floorSequential)) calls/s")
        }
        let getRate = Measure.median(try (0..<runs).map { _ in try pipelined(client, "runs.get", ["id": "run-0000001"]) })
        report.add("JSON-RPC runs.get (a run with 20 measurements), 64 in flight", "\(Int(getRate)) calls/s", target: "", met: nil,
                   reference: "unknown method: \(Int(floor)) calls/s")

        let exported = try countMeasurements(database)
        let tjctl = URL(fileURLWithPath: SyncBenchmark.executable).deletingLastPathComponent().appendingPathComponent("tjctl").path
        let exportRates = try (0..<runs).map { _ in
            Double(exported) / (try Measure.child([tjctl, "export", "--csv", "--socket", socket, "-o", "/dev/null"]).seconds)
        }
        let httpRates = try (0..<runs).map { _ in
            Double(exported) / (try Measure.child(["curl", "-sf", "-o", "/dev/null", "http://127.0.0.1:\(daemon.port)/api/export.csv"]).seconds)
        }
        let sqliteRates = try (0..<runs).map { _ in
            Double(exported) / (try Measure.child(["sqlite3", "-csv", database, """
                SELECT m.run_id, c.hash, m.metric, m.value, m.unit, r.runner_name, r.bench_method,
                       strftime('%Y-%m-%dT%H:%M:%fZ', r.start_time / 1000.0, 'unixepoch'),
                       strftime('%Y-%m-%dT%H:%M:%fZ', r.end_time / 1000.0, 'unixepoch'), r.exit_code, r.origin
                FROM measurements m JOIN runs r ON r.id = m.run_id JOIN commits c ON c.id = r.commit_id
                ORDER BY m.run_id, m.metric
                """]).seconds)
        }
        let pageRates = try (0..<runs).map { _ in
            Double(exported) / (try Measure.seconds { try exportPages(client) })
        }
        let reference = "sqlite3 shell, same rows: \(Int(Measure.median(sqliteRates))) rows/s"
        report.add("CSV export, tjctl export --csv (RPC stream)", "\(Int(Measure.median(exportRates))) rows/s",
                   target: ">= 1000000 rows/s", met: Measure.median(exportRates) >= 1_000_000, reference: reference)
        report.add("CSV export, GET /api/export.csv", "\(Int(Measure.median(httpRates))) rows/s",
                   target: ">= 1000000 rows/s", met: Measure.median(httpRates) >= 1_000_000, reference: reference)
        report.add("CSV export, runs.export pages of 50000 rows (JSON)", "\(Int(Measure.median(pageRates))) rows/s",
                   target: "", met: nil, reference: "each page is a JSON string, parsed by jansson")
        print("")
        report.print()
    }

    /// The rows an export of everything writes, counted by the sqlite3 shell.
    private func countMeasurements(_ database: String) throws -> Int {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database, "SELECT count(*) FROM measurements"]
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let count = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw BenchError("cannot count measurements") }
        return count
    }

    /// Reads the whole CSV export as runs.export pages, as a script without `stream` would.
    private func exportPages(_ client: RPCClient) throws {
        var params: JSONObject = ["format": "csv", "limit": 50_000]
        while case .string(let cursor)? = try client.call("runs.export", params)["next_cursor"] {
            params["cursor"] = .string(cursor)
        }
    }

    /// Calls per second, waiting for each reply before the next call.
    private func sequential(_ client: RPCClient, _ method: String, _ params: JSONObject) throws -> Double {
        let request = try JSONValue.object(["jsonrpc": "2.0", "method": .string(method), "params": .object(params), "id": 1]).serialized()
        let seconds = try Measure.seconds { for _ in 0..<calls { _ = try client.exchange(request) } }
        return Double(calls) / seconds
    }

    /// Calls per second with up to 64 calls in flight on the connection.
    private func pipelined(_ client: RPCClient, _ method: String, _ params: JSONObject) throws -> Double {
        try RPCCalls.pipelined(client, method, params, calls: calls, window: 64)
    }

    /// A database with the generated repository's commits and `rows` measurements.
    private func seed(database: String, repo: String) throws {
        if FileManager.default.fileExists(atPath: database) { return }
        log("seeding \(rows) measurements into \(database)…")
        let store = try Store(path: database + ".tmp")
        let git = try GitRepository(opening: repo)
        _ = try Importer(repository: git, store: store, logger: Logger(label: "bench")).run()
        let hashes = try store.refSummaries().map(\.hash)
        let commits = try git.commits(from: GitOID(hex: hashes[0])!, excluding: nil, limit: 50_000).map(\.hex)
        for index in 0..<(rows / 20) {
            try store.record(Run(
                id: String(format: "run-%07d", index), commit: commits[index % commits.count], benchMethod: "internal",
                runnerName: "bench-\(index % 4)", fingerprint: nil,
                start: 1_700_000_000_000 + Int64(index) * 1000, end: 1_700_000_000_000 + Int64(index) * 1000 + 750,
                exitCode: 0, origin: .runner,
                measurements: try (0..<20).map { try Measurement(metric: "suite/benchmark-\($0)/ns_per_op", value: Double(index % 997) * 1.25 + Double($0), unit: "ns") }))
        }
        try FileManager.default.moveItem(atPath: database + ".tmp", toPath: database)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + ".tmp" + suffix) }
    }
}

/// A release tablejohnd started for a measurement.
final class DaemonUnderTest {
    let process = Process()
    let port: Int

    init(repo: String, database: String, socket: String, arguments: [String] = []) throws {
        port = 18000 + Int(getpid() % 1000)
        process.executableURL = URL(fileURLWithPath: SyncBenchmark.executable).deletingLastPathComponent().appendingPathComponent("tablejohnd")
        process.arguments = ["serve", "--repo", repo, "--db", database, "--socket", socket, "--address", "127.0.0.1:\(port)"] + arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<300 {
            if (try? RPCClient(socketPath: socket).call("queue.list", ["limit": 1])) != nil { return }
            usleep(100_000)
        }
        throw BenchError("tablejohnd did not start")
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
