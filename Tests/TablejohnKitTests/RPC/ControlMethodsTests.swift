import Foundation
import GRDB
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Control methods")
struct ControlMethodsTests {
    let repo: TestRepository
    let store: Store
    let methods: ControlMethods
    let hashes: [String]

    init() async throws {
        repo = try TestRepository()
        hashes = try repo.commits(6)
        try repo.git(["tag", "v1", hashes[2]])
        try repo.git(["branch", "v1", hashes[3]])  // a branch and a tag with one name
        store = try Store.inMemory()
        let git = try GitRepository(opening: repo.path)
        let sync = SyncService(repository: git, store: store, remote: nil, interval: .seconds(60), logger: Logger(label: "test"))
        methods = ControlMethods(store: store, sync: sync, resolver: RevisionResolver(store: store, repository: git),
                                 repositoryPath: repo.path, databasePath: ":memory:")
        _ = try await methods.call("repo.fetch", nil)
    }

    func call(_ method: String, _ params: JSONValue? = nil) async throws -> JSONValue {
        try await methods.call(method, params)
    }

    /// The error a call fails with, after any deferred work.
    func rpcError(_ method: String, _ params: JSONValue? = nil) async -> RPCError? {
        do {
            if case .deferred(let work) = try methods.handler(method, params) { _ = try await work() }
            return nil
        } catch {
            return error
        }
    }

    func record(_ id: String, commit: String, metrics: [String: Double], runner: String = "r1", start: Int64) throws {
        try store.record(Run(id: id, commit: commit, benchMethod: "internal", runnerName: runner, fingerprint: ["cpu": "x"],
                             start: start, end: start + 1000, exitCode: 0, origin: .runner,
                             measurements: metrics.map { try Measurement(metric: $0.key, value: $0.value, unit: "ns") },
                             output: [(.stdout, "hello")]))
    }

    @Test("status reports counts and the sync state")
    func status() async throws {
        let status = try await call("status")
        #expect(status["commits"] == 6)
        #expect(status["tracked_refs"] == ["refs/heads/main"])
        #expect(status["queue_length"] == 0)
        #expect(status["sync"]?["phase"] == "waiting")
        #expect(status["sync"]?["rounds"] == 1)
    }

    @Test("short names resolve, and ambiguous ones list their candidates")
    func names() async throws {
        let resolver = methods.resolver
        #expect(try resolver.commit("main") == hashes[5])
        #expect(try resolver.commit(String(hashes[1].prefix(12))) == hashes[1])
        #expect(try resolver.commit("HEAD~3") == hashes[2])
        #expect(try resolver.commits("main~3..main", limit: 10) == Array(hashes[3...].reversed()))
        #expect(throws: RevisionError.ambiguous("v1", candidates: ["refs/heads/v1", "refs/tags/v1"])) { try resolver.commit("v1") }
        #expect(throws: RevisionError.unknown("nope")) { try resolver.commit("nope") }
        #expect(try resolver.commit("refs/tags/v1") == hashes[2])

        let error = await rpcError("refs.track", ["ref": "v1"])
        #expect(error?.code == -32002)
        #expect(error?.data?["candidates"] == ["refs/heads/v1", "refs/tags/v1"])
    }

    @Test("track and untrack change what refs.list reports")
    func tracking() async throws {
        #expect(try await call("refs.track", ["heads/v1"]) == ["ref": "refs/heads/v1", "tracked": true, "hash": .string(hashes[3])])
        #expect(try await call("refs.list", ["tracked": true]).arrayValue?.compactMap { $0["name"]?.stringValue } == ["refs/heads/main", "refs/heads/v1"])
        _ = try await call("refs.untrack", ["ref": "main"])
        #expect(try await call("refs.list", ["tracked": true]).arrayValue?.compactMap { $0["name"]?.stringValue } == ["refs/heads/v1"])
        #expect(await rpcError("refs.track", ["ref": "missing"])?.code == -32001)
    }

    @Test("queue add, prioritise, remove and list, in runner order")
    func queue() async throws {
        let added = try await call("queue.add", ["rev": "main~4..main~1", "priority": 2])
        #expect(added["added"] == 3 && added["already_queued"] == 0)
        _ = try await call("queue.add", ["rev": "HEAD"])
        _ = try await call("queue.prioritize", ["rev": .string(String(hashes[2].prefix(8))), "priority": 9])
        let listed = try await call("queue.list").arrayValue?.compactMap { $0["hash"]?.stringValue }
        #expect(listed == [hashes[2], hashes[4], hashes[3], hashes[5]])

        #expect(try await call("queue.remove", [.string(hashes[4])]) == ["removed": .string(hashes[4])])
        let notQueued = await rpcError("queue.remove", [.string(hashes[4])])
        #expect(notQueued?.code == -32003)
        #expect(await rpcError("queue.prioritize", ["rev": "main"])?.code == -32602)
        #expect(try store.queueLength() == 3)
    }

    @Test("backfill queues first-parent commits without runs, below new commits")
    func backfill() async throws {
        try record("run-a", commit: hashes[4], metrics: ["m": 1], start: 1000)

        let result = try await call("queue.backfill", ["ref": "main", "last": 3])

        #expect(result["commits"] == [.string(hashes[5]), .string(hashes[3])])
        #expect(result["priority"] == -1)
        #expect(try store.queue().map(\.priority) == [-1, -1])
    }

    @Test("runs list with filters and cursors, get and delete")
    func runs() async throws {
        for index in 0..<5 {
            try record("run-\(index)", commit: hashes[index], metrics: ["time": Double(index), "size": 10],
                       runner: index % 2 == 0 ? "even" : "odd", start: Int64(index) * 1000)
        }
        let page1 = try await call("runs.list", ["limit": 2])
        #expect(page1["runs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["run-4", "run-3"])
        let page2 = try await call("runs.list", ["limit": 2, "cursor": try #require(page1["next_cursor"])])
        #expect(page2["runs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["run-2", "run-1"])
        let even = try await call("runs.list", ["runner": "even", "since": "1970-01-01T00:00:01Z"])
        #expect(even["runs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["run-4", "run-2"])
        let onMain = try await call("runs.list", ["ref": "main~2"])
        #expect(onMain["runs"]?.arrayValue?.count == 4)

        let run = try await call("runs.get", ["run-1"])
        #expect(run["measurements"]?["time"] == ["value": 1.0, "unit": "ns"])
        #expect(run["output"] == [["stdout", "hello"]])
        #expect(run["fingerprint"] == ["cpu": "x"])

        _ = try await call("runs.delete", ["run-1"])
        #expect(await rpcError("runs.get", ["run-1"])?.code == -32001)
        let rows = try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM measurements WHERE run_id = 'run-1'") }
        #expect(rows == 0)
    }

    @Test("CSV export pages join into exactly the stored rows, with the header once")
    func csvExport() async throws {
        for index in 0..<5 {
            try record("run-\(index)", commit: hashes[index], metrics: ["a,b": 1.5, "time": Double(index), "x\"y": 2], start: 1000)
        }
        var params: JSONObject = ["format": "csv", "limit": 4]
        var text = ""
        var pages = 0
        while true {
            let page = try await call("runs.export", .object(params))
            text += page["data"]?.stringValue ?? ""
            pages += 1
            guard case .string(let cursor)? = page["next_cursor"] else { break }
            params["cursor"] = .string(cursor)
        }
        let lines = text.split(separator: "\n")
        #expect(pages == 4)
        #expect(lines.count == 16)
        #expect(lines[0] == "run_id,commit,metric,value,unit,runner,bench_method,start,end,exit_code,origin")
        #expect(lines[1] == "run-0,\(hashes[0]),\"a,b\",1.5,ns,r1,internal,1970-01-01T00:00:01.000Z,1970-01-01T00:00:02.000Z,0,runner")
        #expect(lines[3] == "run-0,\(hashes[0]),\"x\"\"y\",2.0,ns,r1,internal,1970-01-01T00:00:01.000Z,1970-01-01T00:00:02.000Z,0,runner")
        #expect(Set(lines.dropFirst()).count == 15)

        let timeOnly = try await call("runs.export", ["metric": "time"])
        #expect(timeOnly["rows"] == 5)
    }

    @Test("JSON export pages through whole runs")
    func jsonExport() async throws {
        for index in 0..<3 { try record("run-\(index)", commit: hashes[index], metrics: ["t": 1], start: 1000) }
        let first = try await call("runs.export", ["format": "json", "limit": 2])
        #expect(first["runs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["run-0", "run-1"])
        let second = try await call("runs.export", ["format": "json", "limit": 2, "cursor": try #require(first["next_cursor"])])
        #expect(second["runs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["run-2"])
        #expect(second["next_cursor"] == .null)
        #expect(await rpcError("runs.export", ["format": "xml"])?.code == -32602)
    }

    @Test("metrics set a unit and direction and list them")
    func metrics() async throws {
        let set = try await call("metrics.set", ["name": "time", "unit": "ns", "direction": "lower"])
        #expect(set == ["name": "time", "unit": "ns", "direction": "lower", "measurements": 0])
        #expect(try await call("metrics.list") == [set])
        let error = await rpcError("metrics.set", ["name": "time", "direction": "down"])
        #expect(error?.message == "invalid params: \"direction\" must be one of lower, higher, neutral")
        #expect(await rpcError("metrics.set", ["name": "time"])?.code == -32602)
    }

    @Test("runner tokens: shown once, stored as a digest, checked, revoked")
    func runnerTokens() async throws {
        let added = try await call("runners.add", ["name": "box-1"])
        let token = try #require(added["token"]?.stringValue)
        #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
        #expect(try store.runnerTokenMatches(name: "box-1", token: token))
        #expect(try !store.runnerTokenMatches(name: "box-1", token: String(token.reversed())))
        #expect(try !store.runnerTokenMatches(name: "box-2", token: token))
        let stored = try store.read { db in try Data.fetchOne(db, sql: "SELECT token_sha256 FROM runners") }
        #expect(stored?.count == 32)
        #expect(stored != Data(token.utf8))

        let listed = try await call("runners.list")
        #expect(listed.arrayValue?.map { $0["name"] } == ["box-1"])
        #expect(listed.arrayValue?.first?["last_seen"] == .null)
        #expect(listed.arrayValue?.first?["token"] == nil)
        try store.runnerSeen("box-1", at: 1_700_000_000_000, fingerprint: ["cpu": "x", "cores": 2])
        let seen = try await call("runners.list")
        #expect(seen.arrayValue?.first?["last_seen"] == "2023-11-14T22:13:20.000Z")
        #expect(seen.arrayValue?.first?["fingerprint"]?["cores"] == 2)

        #expect(await rpcError("runners.add", ["name": "box-1"])?.code == -32003)
        #expect(await rpcError("runners.add", ["name": "no spaces"])?.code == -32602)
        #expect(await rpcError("runners.add", ["name": ""])?.code == -32602)
        #expect(try await call("runners.revoke", ["name": "box-1"]) == ["revoked": "box-1"])
        #expect(try !store.runnerTokenMatches(name: "box-1", token: token))
        #expect(await rpcError("runners.revoke", ["name": "box-1"])?.code == -32001)
        let again = try await call("runners.add", ["name": "box-1"])
        #expect(again["token"] != added["token"])
    }
}
