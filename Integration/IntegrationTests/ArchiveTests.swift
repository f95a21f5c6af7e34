import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import TablejohnKit
import Testing
import TestSupport

/// tjctl archive on a real daemon: a move while clients submit, what pages and exports show,
/// and a restore that brings everything back.
@Suite("Archive", .serialized)
struct ArchiveTests {
    /// 1,200 runs from 2025 (three batches of a move), imported as another instance's export.
    static let oldRuns = 1200

    func oldRunsFile(_ hashes: [String]) throws -> String {
        let runs: [JSONValue] = (0..<Self.oldRuns).map { index in
            let start = 1_735_689_600_000 + Int64(index) * 60_000  // from 2025-01-01, a minute apart
            return ["id": .string("old-\(index)"), "commit": .string(hashes[index % hashes.count]), "bench_method": "command",
                    "runner": "old-box", "start": .string(Timestamp.rfc3339(milliseconds: start)),
                    "end": .string(Timestamp.rfc3339(milliseconds: start + 1000)), "exit_code": 0,
                    "measurements": ["old/time": ["value": .real(Double(100 + index % 7)), "unit": "ms"]]]
        }
        let file = try TemporaryFolder.make(prefix: "tj-old") + "/old.json"
        try JSONValue.array(runs).jsonString().write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// The distinct run ids in a CSV export, and whether any appeared twice.
    func exportedRuns(_ csv: String, prefix: String) -> (ids: Set<String>, repeated: Bool) {
        var ids = Set<String>()
        var repeated = false
        for line in csv.split(separator: "\n").dropFirst() where line.hasPrefix(prefix) {
            // One measurement per old run, so each id is on one line.
            repeated = !ids.insert(String(line.prefix(while: { $0 != "," }))).inserted || repeated
        }
        return (ids, repeated)
    }

    @Test("a move while 4 clients submit: every old run is in exactly one database at every moment; pages and exports leave archived runs out unless asked; restore brings all back")
    func moveUnderLoad() async throws {
        let repo = try TestRepository()
        let hashes = try repo.commits(4)
        let server = try DaemonProcess(serve: [], in: repo.path)
        try await server.waitUntilServing()
        _ = try await server.waitForPage("/") { $0.contains("4 commits") }
        let imported = try runTjctl(["import", try oldRunsFile(hashes)], in: repo.path)
        #expect(imported.status == 0, "\(imported.stderr)")

        let token = try runTjctl(["runner", "add", "ci-box"], in: repo.path).stdout.trimmingCharacters(in: .newlines)
        let authorization = "Basic " + Data("ci-box:\(token)".utf8).base64EncodedString()
        let ledger = Ledger()
        let port = server.port
        let clients = startSubmitting(4, port: port, authorization: authorization, hashes: hashes, prefix: "new", ledger: ledger)
        for _ in 0..<600 where await ledger.count < 40 { try await Task.sleep(for: .milliseconds(50)) }
        #expect(await ledger.count >= 40, "the clients did not get going:\n\(server.log)")

        // While the move runs, exports with the archive always hold each old run exactly once.
        let move = Task.detached { try runTjctl(["archive", "move", "--before", "2026-01-01"], in: repo.path) }
        var looks = 0
        while looks < 200 {
            looks += 1
            let export = try await server.get("/api/export.csv?archive=1&metric=old/time")
            let seen = exportedRuns(export.body, prefix: "old-")
            #expect(export.status == 200)
            #expect(seen.ids.count == Self.oldRuns && !seen.repeated, "look \(looks): \(seen.ids.count) old runs, repeated: \(seen.repeated)")
            if seen.ids.count != Self.oldRuns || seen.repeated { break }
            let status = try runTjctl(["archive", "--json"], in: repo.path).stdout
            if (try? JSONValue.parse(status))?["archive"]?["runs"] == .integer(Int64(Self.oldRuns)) { break }
        }
        let moved = try await move.value
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(moved.stdout.hasPrefix("moved \(Self.oldRuns) runs started before 2026-01-01 00:00 to the archive (3 batches, "), "\(moved.stdout)")
        await ledger.stop()
        for client in clients { await client.value }

        // Counts: every old run archived, every acknowledged new run live, nothing in both.
        let acknowledged = await ledger.count
        let status = try JSONValue.parse(try runTjctl(["archive", "--json"], in: repo.path).stdout)
        #expect(status["archive"]?["runs"] == .integer(Int64(Self.oldRuns)))
        #expect(status["live"]?["runs"] == .integer(Int64(acknowledged)))
        let table = try runTjctl(["archive"], in: repo.path).stdout
        #expect(table.contains("archive  1200 "), "\(table)")
        #expect(try runTjctl(["sql", "SELECT count(*) FROM runs JOIN archive.runs USING (id)"], in: repo.path).stdout == "count(*)\n0\n")

        // Exports and lists: without the archive no old run, with it all of them.
        let live = try await server.get("/api/export.csv?metric=old/time")
        #expect(exportedRuns(live.body, prefix: "old-").ids.isEmpty)
        let withArchive = try runTjctl(["export", "--include-archive", "--metric", "old/time"], in: repo.path).stdout
        #expect(exportedRuns(withArchive, prefix: "old-").ids.count == Self.oldRuns)
        let noneLive = try runTjctl(["runs", "--runner", "old-box"], in: repo.path).stdout
        #expect(!noneLive.contains("old-"), "\(noneLive)")
        #expect(try runTjctl(["runs", "--runner", "old-box", "--include-archive", "--limit", "5"], in: repo.path).stdout
            .split(separator: "\n").count == 6)

        // Pages: an archived run is found with ?archive=1, and the plain address says how.
        let hidden = try await server.get("/run/old-7/")
        #expect(hidden.status == 404)
        #expect(hidden.body.contains("It is in the archive: add ?archive=1 to the address to see it."))
        let shown = try await server.get("/run/old-7/?archive=1")
        #expect(shown.status == 200)
        #expect(shown.body.contains("id=\"archived\""))
        #expect(try await server.get("/api/graph/series?metric=old/time&refs=all").body.contains("\"lines\":[]"))
        let series = try JSONValue.parse(try await server.get("/api/graph/series?metric=old/time&refs=all&archive=1").body)
        #expect(series["lines"]?.arrayValue?.first?["in_range"] == 4, "one point per commit, the median of its runs")
        for path in ["/api/graph/series?metric=old/time&archive=yes", "/run/old-7/?archive=2", "/commit/\(hashes[0])/?archive=%00",
                     "/api/export.csv?archive=true"] {
            let refused = try await server.get(path)
            #expect(refused.status == 400, "\(path)")
            #expect(refused.body == "archive must be 0 or 1\n", "\(path)")
        }
        #expect(try await server.get("/graph/").body.contains("id=\"include-archive\""))
        let commit = try await server.get("/commit/\(hashes[0])/?archive=1")
        #expect(commit.body.contains("/run/old-1196/?archive=1"), "\(commit.body.split(separator: "\n").filter { $0.contains("/run/") }.prefix(3))")
        #expect(try runTjctl(["run", "old-7"], in: repo.path).status == 1)
        #expect(try runTjctl(["run", "old-7", "--include-archive"], in: repo.path).stdout.contains("run          old-7 (archived)"))

        // Restore: everything live again, the archive empty.
        let restored = try runTjctl(["archive", "restore"], in: repo.path)
        #expect(restored.stdout.hasPrefix("restored \(Self.oldRuns) runs from the archive"), "\(restored.stdout) \(restored.stderr)")
        let after = try JSONValue.parse(try runTjctl(["archive", "--json"], in: repo.path).stdout)
        #expect(after["archive"]?["runs"] == 0)
        #expect(after["live"]?["runs"] == .integer(Int64(acknowledged + Self.oldRuns)))
        #expect(exportedRuns(try await server.get("/api/export.csv?metric=old/time").body, prefix: "old-").ids.count == Self.oldRuns)
        #expect(try await server.get("/run/old-7/").status == 200)
        #expect(try await server.stop() == 0)
    }

    static let settings: [(line: String, key: String, accepted: Bool)] = [
        ("after = \"180d\"", "after", true), ("after = \"26w\"", "after", true), ("after = \"2026-01-01\"", "after", false),
        ("after = 180", "after", false), ("after = \"0d\"", "after", false), ("after = \"1e400d\"", "after", false),
        ("after = \"180d\\u0000\"", "after", false), ("after = \"36501d\"", "after", false),
        ("keep-last = 200", "keep-last", true), ("keep-last = -1", "keep-last", false), ("keep-last = 1e12", "keep-last", false),
        ("keep-last = \"x\"", "keep-last", false), ("keep-last = 100000001", "keep-last", false), ("keep-last = 2.5", "keep-last", false),
    ]

    @Test("[archive] after and keep-last are checked when the daemon starts: an age, a whole number in range")
    func configuration() throws {
        let repo = try TestRepository()
        _ = try repo.commits(1)
        for (line, key, accepted) in Self.settings {
            let file = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
            try "[archive]\n\(line)\n".write(toFile: file, atomically: true, encoding: .utf8)
            let checked = try runTjctl(["check-config", file], in: repo.path)
            #expect((checked.status == 0) == accepted, "\(line): \(checked.stdout) \(checked.stderr)")
            if !accepted { #expect(checked.stderr.contains(key), "\(line): \(checked.stderr)") }
        }
    }
}
