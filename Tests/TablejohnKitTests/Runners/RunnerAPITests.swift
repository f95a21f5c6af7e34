import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Runner status calls")
struct RunnerAPITests {
    @Test("a handed-out run carries the configured bench method and timeout")
    func configuredMethod() async throws {
        let repo = try TestRepository()
        let hashes = try repo.commits(2)
        let store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        _ = try store.enqueue([hashes[1]], priority: 0, now: 0)
        var bench = TablejohnConfiguration.Bench()
        bench.method = .command("make bench")
        bench.timeout = .seconds(600)
        let service = RunnerAPI(store: store, bench: bench)

        let reply = try await service.status(name: "box", body: ["secret": "0123456789", "status": ["type": "idle"], "request_run": true],
                                       now: 1_700_000_000_000)
        #expect(reply["run"]?["hash"] == .string(hashes[1]))
        #expect(reply["run"]?["bench_method"] == ["type": "command", "command": "make bench"])
        #expect(reply["run"]?["timeout_s"] == 600)
        #expect(reply["run"]?["start"] == "2023-11-14T22:13:20.000Z")

        let error = await #expect(throws: RunnerAPIError.self) {
            try await service.status(name: "box", body: ["secret": "0123456789", "status": ["type": "sleeping"]], now: 1_700_000_001_000)
        }
        #expect(error?.message == "status type \"sleeping\" is not idle, busy or working")
        let badRun = await #expect(throws: RunnerAPIError.self) {
            try await service.status(name: "box", body: ["secret": "0123456789", "status": ["type": "idle"],
                                                   "submit_run": ["id": "r1", "hash": .string(hashes[1]), "bench_method": "internal",
                                                                  "start": "2026-11-22T10:00:00Z", "end": "yesterday", "exit_code": 0]],
                               now: 1_700_000_002_000)
        }
        #expect(badRun?.message == "submit_run: \"end\" must be an RFC 3339 time")

        // A limit under a second is still a limit: timeout_s rounds up.
        bench.timeout = .milliseconds(1500)
        let short = try await RunnerAPI(store: store, bench: bench)
            .status(name: "box", body: ["secret": "0123456789", "status": ["type": "idle"], "request_run": true], now: 1_700_000_003_000)
        #expect(short["run"]?["timeout_s"] == 2)
        #expect(try store.runs(RunFilter(), limit: 10).isEmpty)
    }

    @Test("a named result format goes out with a script method, and not with the internal one, which reads no results")
    func formatOnlyForScripts() async throws {
        let repo = try TestRepository()
        let hashes = try repo.commits(2)
        let store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        _ = try store.enqueue(hashes, priority: 0, now: 0)
        var bench = TablejohnConfiguration.Bench()
        bench.format = .goBench
        let ask: JSONValue = ["secret": "0123456789", "status": ["type": "idle"], "request_run": true]
        let statistics = try await RunnerAPI(store: store, bench: bench).status(name: "a", body: ask, now: 1_700_000_000_000)
        #expect(statistics["run"]?["bench_method"] == ["type": "internal"])
        bench.method = .command("make bench")
        let command = try await RunnerAPI(store: store, bench: bench).status(name: "b", body: ask, now: 1_700_000_000_000)
        #expect(command["run"]?["bench_method"] == ["type": "command", "command": "make bench", "format": "go"])
    }

    @Test("a bench repository without a HEAD commit refuses the call before anything is reserved")
    func benchRepositoryWithoutHead() async throws {
        let repo = try TestRepository()
        let hashes = try repo.commits(1)
        let empty = try TestRepository()
        let store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        _ = try store.enqueue([hashes[0]], priority: 0, now: 0)
        var bench = TablejohnConfiguration.Bench()
        bench.method = .benchRepo(path: empty.path, entry: "run.sh")
        let service = RunnerAPI(store: store, bench: bench, benchRepository: try GitRepository(opening: empty.path))

        let error = await #expect(throws: RunnerAPIError.self) {
            try await service.status(name: "box", body: ["secret": "0123456789", "status": ["type": "idle"], "request_run": true], now: 1000)
        }
        #expect(error?.message == "the bench repository has no HEAD commit")
        #expect(service.liveRunners(now: 1000)["box"]?.run == nil)
    }
}
