import Foundation
import GRDB
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

/// archive.move, archive.restore and archive.status on a database file, as the daemon has one:
/// what the RPC replies, lists and exports show before, during and after a move.
@Suite("Archive methods")
struct ArchiveMethodsTests {
    let repo: TestRepository
    let folder: String
    let store: Store
    var methods: ControlMethods
    let hashes: [String]
    /// 2026-01-01T00:00:00Z.
    static let newYear: Int64 = 1_767_225_600_000
    static let day: Int64 = 86_400_000

    init() async throws {
        repo = try TestRepository()
        hashes = try repo.commits(6)
        folder = try TemporaryFolder.make(prefix: "tj-archive")
        store = try Store(path: folder + "/tablejohn.db")
        let git = try GitRepository(opening: repo.path)
        let sync = SyncService(repository: git, store: store, remote: nil, interval: .seconds(60), logger: Logger(label: "test"))
        methods = ControlMethods(store: store, sync: sync, resolver: RevisionResolver(store: store, repository: git),
                                 repositoryPath: repo.path, databasePath: folder + "/tablejohn.db")
        _ = try await methods.call("repo.fetch", nil)
        // Six runs a day apart, the first three in 2025, the last three in 2026; one failed.
        for (index, hash) in hashes.enumerated() {
            let start = Self.newYear + Int64(index - 3) * Self.day
            try store.record(Run(id: "run\(index)", commit: hash, benchMethod: "internal", runnerName: "alpha", fingerprint: ["cpu": "x"],
                                 start: start, end: start + 1000, exitCode: index == 4 ? 1 : 0, origin: .runner,
                                 measurements: [try Measurement(metric: "lines", value: Double(10 + index), unit: "lines"),
                                                try Measurement(metric: "files", value: 2, unit: "files")],
                                 output: [(.stdout, "hello \(index)"), (.stderr, "line two")]))
        }
    }

    func call(_ method: String, _ params: JSONObject = [:]) async throws -> JSONValue {
        try await methods.call(method, .object(params))
    }

    /// The error a call fails with as a client sees it (translated, after its deferred work).
    func rpcError(_ method: String, _ params: JSONObject) async -> RPCError? {
        do {
            if case .deferred(let work) = try methods.handler(method, .object(params)) { _ = try await work() }
            return nil
        } catch {
            return error
        }
    }

    func listedIDs(includeArchive: Bool = false) async throws -> [String] {
        let reply = try await call("runs.list", includeArchive ? ["include_archive": true] : [:])
        return reply["runs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    func exportCSV(includeArchive: Bool = false) async throws -> String {
        try await call("runs.export", includeArchive ? ["include_archive": true] : [:])["data"]?.stringValue ?? ""
    }

    @Test("a move takes the runs before the date; lists, runs.get and exports leave them out unless asked; restore brings all back")
    func moveAndRestore() async throws {
        let exportBefore = try await exportCSV()
        let jsonBefore = try await call("runs.export", ["format": "json"])["runs"]
        #expect(exportBefore.split(separator: "\n").count == 13)

        let moved = try await call("archive.move", ["before": "2026-01-01"])
        #expect(moved["moved"] == 3)
        #expect(moved["before"] == "2026-01-01T00:00:00.000Z")
        #expect(try await listedIDs() == ["run5", "run4", "run3"])
        #expect(try await listedIDs(includeArchive: true) == ["run5", "run4", "run3", "run2", "run1", "run0"])

        let status = try await call("archive.status")
        #expect(status["live"]?["runs"] == 3)
        #expect(status["archive"]?["runs"] == 3)
        #expect(status["archive"]?["measurements"] == 6)
        #expect(status["archive"]?["output_lines"] == 6)
        #expect(status["archive"]?["oldest"] == "2025-12-29T00:00:00.000Z")
        #expect(status["live"]?["oldest"] == "2026-01-01T00:00:00.000Z")
        #expect(status["path"] == .string(folder + "/tablejohn.archive.db"))
        #expect(FileManager.default.fileExists(atPath: folder + "/tablejohn.archive.db"))

        let hidden = await rpcError("runs.get", ["id": "run1"])
        #expect(hidden?.message == "no run named run1: it is in the archive; pass include_archive (tjctl: --include-archive)")
        let archived = try await call("runs.get", ["id": "run1", "include_archive": true])
        #expect(archived["archived"] == true)
        #expect(archived["measurements"]?["lines"]?["value"] == .real(11))
        #expect(archived["output"] == [["stdout", "hello 1"], ["stderr", "line two"]])

        // Exports: the live runs alone, or every row exactly as before the move.
        let liveExport = try await exportCSV()
        #expect(liveExport.split(separator: "\n").count == 7)
        #expect(!liveExport.contains("run1,"))
        #expect(try await exportCSV(includeArchive: true) == exportBefore)
        #expect(try await call("runs.export", ["format": "json", "include_archive": true])["runs"] == jsonBefore)

        // The graph's series: live values only, or all of them with the archive.
        #expect(try store.seriesPoints(metric: "lines").map(\.value).sorted() == [13, 15])
        #expect(try store.seriesPointsIncludingArchive(metric: "lines").map(\.value).sorted() == [10, 11, 12, 13, 15])

        let restored = try await call("archive.restore")
        #expect(restored["restored"] == 3)
        #expect(try await listedIDs() == ["run5", "run4", "run3", "run2", "run1", "run0"])
        #expect(try await exportCSV() == exportBefore)
        #expect(try await call("archive.status")["archive"]?["runs"] == 0)
        #expect(try store.run(id: "run1")?.output.map(\.text) == ["hello 1", "line two"])
    }

    @Test("--keep-last keeps the newest runs of the selection; --ref narrows it to a branch's line")
    func keepLastAndRef() async throws {
        let moved = try await call("archive.move", ["before": "2027-01-01", "ref": "main", "keep_last": 2])
        #expect(moved["moved"] == 4)
        #expect(try await listedIDs() == ["run5", "run4"])
        let none = try await call("archive.move", ["before": "2027-01-01", "keep_last": 10])
        #expect(none["moved"] == 0)
        #expect(try await call("archive.restore", ["after": "2025-12-31", "before": "2026-01-02"])["restored"] == 2)
        #expect(try await listedIDs() == ["run5", "run4", "run3", "run2"])
    }

    @Test("bad dates and options are refused and nothing moves")
    func refused() async throws {
        for before in ["yesterday", "", "0d", "99999999d", "2026-13-01", "180", "1e400d", "-5d", "180d; DROP TABLE runs"] {
            let error = await rpcError("archive.move", ["before": .string(before)])
            #expect(error?.code == -32602, "\(before.debugDescription)")
        }
        #expect(await rpcError("archive.move", [:])?.code == -32602)
        #expect(await rpcError("archive.move", ["before": "2026-01-01", "keep_last": -1])?.code == -32602)
        let unknownRef = await rpcError("archive.move", ["before": "2026-01-01", "ref": "no-such-branch"])
        #expect(unknownRef?.code == -32001, "\(String(describing: unknownRef))")
        #expect(await rpcError("archive.restore", ["after": "soon"])?.code == -32602)
        #expect(await rpcError("archive.move", ["before": "2026-01-01", "extra": 1])?.code == -32602)
        #expect(try await call("archive.status")["archive"]?["runs"] == 0)
        #expect(try await listedIDs().count == 6)
    }

    @Test("an age such as 180d counts back from now; the runs are in exactly one database afterwards")
    func age() async throws {
        #expect(ArchiveCutoff.parse("180d", now: Self.newYear) == Self.newYear - 180 * Self.day)
        #expect(ArchiveCutoff.parse("2w", now: Self.newYear) == Self.newYear - 14 * Self.day)
        #expect(ArchiveCutoff.parse("2026-01-01T00:00:00Z", now: 0) == Self.newYear)
        #expect(ArchiveCutoff.parse("36501d", now: Self.newYear) == nil)
        let moved = try await call("archive.move", ["before": "1d"])
        #expect(moved["moved"] == 6)
        let overlap = try await store.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM main.runs JOIN archive.runs USING (id)") }
        #expect(overlap == 0)
    }

    @Test("a batch cut short by a crash (copied but not removed) is repaired on opening: the live copy stays")
    func crashBetweenCopyAndRemoval() async throws {
        _ = try await call("archive.move", ["before": "2025-12-31"])  // run0, run1 archived
        // What a crash after a restore's copy leaves: run0 in both; after a move's copy: run3 in both.
        try await store.writer.write { db in
            try db.execute(sql: "INSERT INTO main.runs (\(Store.runColumns)) SELECT \(Store.runColumns) FROM archive.runs WHERE id = 'run0'")
            try db.execute(sql: "INSERT INTO main.measurements (\(Store.measurementColumns)) SELECT \(Store.measurementColumns) FROM archive.measurements WHERE run_id = 'run0'")
            try db.execute(sql: "INSERT INTO archive.runs (\(Store.runColumns)) SELECT \(Store.runColumns) FROM main.runs WHERE id = 'run3'")
            try db.execute(sql: "INSERT INTO archive.measurements (\(Store.measurementColumns)) SELECT \(Store.measurementColumns) FROM main.measurements WHERE run_id = 'run3'")
        }
        let reopened = try Store(path: folder + "/tablejohn.db")
        let status = try reopened.archiveStatus()
        #expect(status.live.runs == 5)
        #expect(status.archive.runs == 1)
        #expect(status.archive.measurements == 2)
        #expect(try reopened.archivedRun(id: "run1") != nil)
        #expect(try reopened.run(id: "run0")?.measurements.count == 2)
        #expect(try reopened.archivedRun(id: "run3") == nil)
    }

    @Test("a run the archive refuses stops the move with its name; the runs before it stay moved, it stays live")
    func refusedRow() async throws {
        try await store.writer.write { db in
            try db.execute(sql: "CREATE TRIGGER archive.refuse BEFORE INSERT ON runs WHEN NEW.id = 'run2' BEGIN SELECT RAISE(IGNORE); END")
        }
        let error = await #expect(throws: DatabaseArchiveError.self) {
            try await store.archiveRuns(ArchiveSelection(before: Self.newYear), batchSize: 1)
        }
        guard case .refused(let run, _)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(run == "run2")
        #expect(try store.archiveStatus().archive.runs == 2)
        #expect(try store.run(id: "run2") != nil)
        let reply = await rpcError("archive.move", ["before": "2026-01-01"])
        #expect(reply?.code == -32000)
        #expect(reply?.message.contains("run2 could not be moved") == true)
    }

    @Test("an import of an export taken with the archive stores no archived run a second time")
    func reimport() async throws {
        let export = try await call("runs.export", ["format": "json"])["runs"]!
        _ = try await call("archive.move", ["before": "2026-01-01"])
        let reply = try await call("runs.import", ["runs": export])
        #expect(reply["imported"] == 0)
        #expect(reply["skipped"] == 6)
        #expect(try store.archiveStatus().live.runs == 3)
    }

    @Test("a backup copies the archive beside the database from the same moment; tjctl sql reads archive.runs")
    func backupAndSQL() async throws {
        _ = try await call("archive.move", ["before": "2026-01-01"])
        let file = folder + "/copy.db"
        let report = try await call("db.backup", ["path": .string(file)])
        #expect(report["runs"] == 3)
        #expect(report["archived_runs"] == 3)
        #expect(report["archive_path"] == .string(file + ".archive"))
        let copy = try DatabaseQueue(path: file + ".archive")
        #expect(try await copy.read { try String.fetchAll($0, sql: "SELECT id FROM runs ORDER BY id") } == ["run0", "run1", "run2"])
        #expect(try await copy.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM measurements") } == 6)

        // An old FILE.archive is refused like FILE, and a forced backup of an empty archive removes it.
        let other = folder + "/other.db"
        _ = FileManager.default.createFile(atPath: other + ".archive", contents: Data("stale".utf8))
        #expect(await rpcError("db.backup", ["path": .string(other)])?.code == -32003)
        #expect(!FileManager.default.fileExists(atPath: other))
        _ = try await call("archive.restore")
        let forced = try await call("db.backup", ["path": .string(other), "force": true])
        #expect(forced["archive_path"] == .null)
        #expect(!FileManager.default.fileExists(atPath: other + ".archive"))
        _ = try await call("archive.move", ["before": "2026-01-01"])

        let rows = try await call("db.query", ["sql": "SELECT count(*) FROM archive.runs"])
        #expect(rows["rows"] == [[3]])
        let refused = await rpcError("db.query", ["sql": "DELETE FROM archive.runs"])
        #expect(refused?.code == -32602)
        #expect(try store.archiveStatus().archive.runs == 3)
    }
}
