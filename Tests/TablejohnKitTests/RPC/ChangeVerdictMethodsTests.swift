import Foundation
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

/// What CI reads over the control socket: open regressions on tracked refs, and the compare method's replies.
@Suite("CI verdict methods")
struct ChangeVerdictMethodsTests {
    let repo: TestRepository
    let store: Store
    let methods: ControlMethods
    let hashes: [String]

    init() async throws {
        repo = try TestRepository()
        hashes = try repo.commits(3)
        try repo.git(["branch", "other", hashes[1]])
        store = try Store.inMemory()
        let git = try GitRepository(opening: repo.path)
        let sync = SyncService(repository: git, store: store, remote: nil, interval: .seconds(60), logger: Logger(label: "test"))
        methods = ControlMethods(store: store, sync: sync, resolver: RevisionResolver(store: store, repository: git),
                                 repositoryPath: repo.path, databasePath: ":memory:")
        _ = try await methods.call("repo.fetch", nil)
        try store.setTracked("refs/heads/main", true)
        try store.record(Run(id: "r", commit: hashes[2], benchMethod: "command", runnerName: "box", fingerprint: nil, start: 1, end: 2,
                             exitCode: 0, origin: .runner, measurements: [try Measurement(metric: "t", value: 1)]))
    }

    func insertChange(ref: String, kind: ChangeKind, state: ChangeState) throws {
        var series = try #require(try store.detectionSeries(ref: ref, tip: try store.commitID(of: hashes[2]), window: 10).first)
        series.ref = ref
        let fields = ChangeFields(lowCommit: try store.commitID(of: hashes[1]), highCommit: try store.commitID(of: hashes[2]),
                                  before: 1, after: 1.2, magnitude: 0.2, kind: kind, confidence: 0.99, state: state, requeues: 0)
        try store.apply([.insert(fields)], for: series, priority: 0, hooks: [], now: 1000)
    }

    func openRegressions() async throws -> [JSONValue] {
        try await methods.call("changes.list", ["state": "confirmed", "kind": "regression", "tracked": true]).arrayValue ?? []
    }

    @Test("changes.list with kind regression and tracked lists only unacknowledged confirmed regressions on tracked refs")
    func failOnRegression() async throws {
        // Given an improvement on main, a regression still being confirmed on main and a confirmed one on an untracked ref
        try insertChange(ref: "refs/heads/main", kind: .improvement, state: .detected)
        try insertChange(ref: "refs/heads/main", kind: .regression, state: .confirming)
        try insertChange(ref: "refs/heads/other", kind: .regression, state: .confirmed)
        // Then nothing fails CI
        #expect(try await openRegressions().isEmpty)

        // When a regression on main is confirmed, Then it is listed with the fields of changes.list
        try insertChange(ref: "refs/heads/main", kind: .regression, state: .confirmed)
        let open = try await openRegressions()
        #expect(open.count == 1)
        #expect(open.first?["ref"] == "refs/heads/main")
        #expect(open.first?["kind"] == "regression")
        #expect(open.first?["commit"] == .string(hashes[2]))

        // And once acknowledged it is not
        _ = try await methods.call("changes.ack", ["id": try #require(open.first?["id"])])
        #expect(try await openRegressions().isEmpty)
        #expect(await rpcError("changes.list", ["kind": "worse"])?.code == -32602)
    }

    @Test("compare refuses bad thresholds and unknown names with the project's RPC errors")
    func compareErrors() async throws {
        #expect(await rpcError("compare", ["base": "main", "head": "main", "threshold": -1])?.code == -32602)
        #expect(await rpcError("compare", ["base": "main"])?.code == -32602)
        #expect(await rpcError("compare", ["base": "main", "head": "nope"])?.message.contains("nope") == true)
        // main against itself: HEAD has runs, so the merge base (main itself) has them too; nothing regressed
        let reply = try await methods.call("compare", ["base": "main", "head": "main"])
        #expect(reply["waiting"] == .null)
        #expect(reply["summary"]?["regressions"] == 0)
        #expect(reply["metrics"]?.arrayValue?.first?["verdict"] == "unchanged")
    }

    func rpcError(_ method: String, _ params: JSONValue? = nil) async -> RPCError? {
        do {
            _ = try await methods.call(method, params)
            return nil
        } catch let error as RPCError {
            return error
        } catch {
            return ControlMethods.translate(error)
        }
    }
}
