import Foundation
import GRDB
import Logging
@testable import TablejohnKit
import Testing
import TestSupport

@Suite("Exports", .serialized)
struct ExportTests {
    @Test("tjctl export and GET /api/export.csv give the 100,000 stored measurements exactly")
    func largeExport() async throws {
        // Given a database holding 10,000 runs of 10 measurements each
        let repo = try TestRepository()
        let hashes = try repo.commits(20)
        let state = try TemporaryFolder.make(prefix: "tj-export")
        let database = state + "/export.db"
        do {
            let store = try Store(path: database)
            _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "seed")).run()
            for index in 0..<10_000 {
                try store.record(Run(
                    id: String(format: "run-%05d", index), commit: hashes[index % 20], benchMethod: "internal",
                    runnerName: index % 3 == 0 ? "fast, box" : "slow", fingerprint: nil,
                    start: 1_700_000_000_000 + Int64(index) * 1000, end: 1_700_000_000_500 + Int64(index) * 1000,
                    exitCode: 0, origin: .runner,
                    measurements: (0..<10).map { try Measurement(metric: "metric/\($0)", value: Double(index) + Double($0) / 8, unit: "ns") }))
            }
        }
        let daemon = try DaemonProcess(serve: ["--db", database], in: repo.path)
        try await daemon.waitUntilServing()
        let socket = state + "/export.sock"

        // When exporting through tjctl and over HTTP
        let csvFile = state + "/out.csv"
        let result = try runTjctl(["export", "--csv", "--socket", socket, "-o", csvFile], in: state)
        #expect(result.status == 0, "\(result.stderr)")
        let exported = try String(contentsOfFile: csvFile, encoding: .utf8)
        let http = try await daemon.get("/api/export.csv")

        // Then both hold every stored row once, in (run, metric) order
        var readOnly = Configuration()
        readOnly.readonly = true
        let expected = try DatabaseQueue(path: database, configuration: readOnly).read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.run_id, c.hash, m.metric, m.value, r.runner_name FROM measurements m JOIN runs r ON r.id = m.run_id
                JOIN commits c ON c.id = r.commit_id ORDER BY m.run_id, m.metric
                """)
        }
        let lines = exported.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(expected.count == 100_000)
        #expect(lines.count == 100_001)
        #expect(lines.first == "run_id,commit,metric,value,unit,runner,bench_method,start,end,exit_code,origin")
        var mismatches = 0
        for (row, line) in zip(expected, lines.dropFirst()) {
            let runner: String = row[4]
            let quotedRunner = runner.contains(",") ? "\"\(runner)\"" : runner
            let prefix = "\(row[0] as String),\(row[1] as String),\(row[2] as String),\((row[3] as Double).description),ns,\(quotedRunner),internal,"
            if !line.hasPrefix(prefix) { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(lines[1].hasSuffix(",internal,2023-11-14T22:13:20.000Z,2023-11-14T22:13:20.500Z,0,runner"))
        #expect(http.status == 200)
        #expect(http.body == exported)

        // And a JSON export holds every run
        let jsonFile = state + "/out.json"
        #expect(try runTjctl(["export", "--json", "--socket", socket, "-o", jsonFile], in: state).status == 0)
        let runs = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: jsonFile))), limits: .init(maximumBytes: 1 << 30, maximumDepth: 8))
        #expect(runs.arrayValue?.count == 10_000)
        #expect(runs.arrayValue?.first?["measurements"]?["metric/1"]?["value"] == .real(0.125))

        // Filters narrow it down
        let filtered = try await daemon.get("/api/export.csv?metric=metric/3&runner=slow&since=2023-11-14T22:13:30Z")
        let slowRunsSince10: Int = (10..<10_000).filter { $0 % 3 != 0 }.count
        #expect(filtered.body.split(separator: "\n").count == 1 + slowRunsSince10)
        let badFilter = try await daemon.get("/api/export.csv?since=yesterday")
        #expect(badFilter.status == 400)
        #expect(badFilter.body == "since must be an RFC 3339 time or a date such as 2026-11-22\n")
        _ = try await daemon.stop()
    }
}
