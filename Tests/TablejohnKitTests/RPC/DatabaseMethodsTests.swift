import Foundation
import GRDB
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

/// db.query (tjctl sql) and db.backup (tjctl backup) on a database file, as the daemon has one.
@Suite("Database methods")
struct DatabaseMethodsTests {
    let repo: TestRepository
    let folder: String
    let store: Store
    var methods: ControlMethods
    let hashes: [String]

    init() async throws {
        repo = try TestRepository()
        hashes = try repo.commits(4)
        folder = try TemporaryFolder.make(prefix: "tj-db")
        store = try Store(path: folder + "/tablejohn.db")
        let git = try GitRepository(opening: repo.path)
        let sync = SyncService(repository: git, store: store, remote: nil, interval: .seconds(60), logger: Logger(label: "test"))
        methods = ControlMethods(store: store, sync: sync, resolver: RevisionResolver(store: store, repository: git),
                                 repositoryPath: repo.path, databasePath: folder + "/tablejohn.db")
        _ = try await methods.call("repo.fetch", nil)
        // Two runners, runs on two days (2026-11-01 and 2026-11-02 UTC); hashes[1] measured twice.
        let day: Int64 = 1_793_491_200_000
        try record("r0", commit: hashes[0], lines: 10, runner: "alpha", start: day)
        try record("r1a", commit: hashes[1], lines: 11, runner: "alpha", start: day + 3_600_000)
        try record("r1b", commit: hashes[1], lines: 12, runner: "beta", start: day + 86_400_000, exitCode: 1)
        try record("r3", commit: hashes[3], lines: 14, runner: "beta", start: day + 90_000_000)
        try store.addUser("ada", passwordHash: "$2b$12$secretsecretsecretsecretsecretsecretsecretsecretsecre", admin: true, now: day)
        _ = try store.addRunner("gamma", now: day)
    }

    func record(_ id: String, commit: String, lines: Double, runner: String, start: Int64, exitCode: Int = 0) throws {
        try store.record(Run(id: id, commit: commit, benchMethod: "internal", runnerName: runner, fingerprint: ["cpu": "x"],
                             start: start, end: start + 1000, exitCode: exitCode, origin: .runner,
                             measurements: [try Measurement(metric: "lines", value: lines, unit: "lines"),
                                            try Measurement(metric: "files", value: 2, unit: "files")],
                             output: [(.stdout, "hello")]))
    }

    func query(_ sql: String, limit: Int64? = nil, offset: Int64? = nil) async throws -> JSONValue {
        var params: JSONObject = ["sql": .string(sql)]
        if let limit { params["limit"] = .integer(limit) }
        if let offset { params["offset"] = .integer(offset) }
        return try await methods.call("db.query", .object(params))
    }

    /// The error a call fails with, after its deferred work.
    func rpcError(_ method: String, _ params: JSONValue) async -> RPCError? {
        do {
            if case .deferred(let work) = try methods.handler(method, params) { _ = try await work() }
            return nil
        } catch {
            return error
        }
    }

    func counts() throws -> [Int] {
        try store.writer.read { db in
            try ["runs", "measurements", "metrics", "users", "runners", "commits"].map { try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? -1 }
        }
    }

    @Test("one SELECT answers with its columns and rows, typed as SQLite typed them")
    func select() async throws {
        let reply = try await query("SELECT name, unit, direction FROM metrics ORDER BY name")
        #expect(reply["columns"] == ["name", "unit", "direction"])
        #expect(reply["rows"] == [["files", "files", "neutral"], ["lines", "lines", "neutral"]])
        #expect(reply["next_offset"] == .null)

        let values = try await query("SELECT 1, 2.5, NULL, x'00ff', 1e999, -1e999, 'é'")
        #expect(values["rows"] == [[1, 2.5, .null, "x'00ff'", "Inf", "-Inf", "é"]])
    }

    @Test("limit and offset page through the rows; next_offset is null after the last page")
    func paging() async throws {
        let first = try await query("SELECT id FROM runs ORDER BY id", limit: 3)
        #expect(first["rows"] == [["r0"], ["r1a"], ["r1b"]])
        #expect(first["next_offset"] == 3)
        let second = try await query("SELECT id FROM runs ORDER BY id", limit: 3, offset: 3)
        #expect(second["rows"] == [["r3"]])
        #expect(second["next_offset"] == .null)
        #expect(await rpcError("db.query", ["sql": "SELECT 1", "limit": 10_001])?.code == -32602)
    }

    @Test("statements that would write, or reach outside, are refused and nothing changes")
    func writesRefused() async throws {
        let before = try counts()
        let outside = folder + "/outside.db"
        let hostile: [(sql: String, says: String)] = [
            ("DELETE FROM runs", "refused: DELETE on runs is refused: tjctl sql only reads; nothing was changed"),
            ("INSERT INTO metrics (name) VALUES ('x')", "INSERT into metrics is refused"),
            ("UPDATE runs SET exit_code = 9", "UPDATE on runs is refused"),
            ("REPLACE INTO metrics (name) VALUES ('lines')", "INSERT into metrics is refused"),
            ("WITH doomed AS (SELECT id FROM runs) DELETE FROM runs WHERE id IN doomed", "DELETE on runs is refused"),
            ("DROP TABLE runs", "refused"),
            ("CREATE TABLE t (x)", "INSERT into sqlite_master is refused"),
            ("CREATE TEMP TABLE t (x)", "refused"),
            ("ATTACH DATABASE '\(outside)' AS other", "ATTACH is refused"),
            ("PRAGMA writable_schema = 1", "PRAGMA writable_schema is refused"),
            ("PRAGMA query_only = 0", "PRAGMA query_only is refused"),
            ("PRAGMA journal_mode = DELETE", "PRAGMA journal_mode is refused"),
            ("SELECT 1; DELETE FROM runs", "exactly one statement"),
            ("SELECT 1; SELECT 2", "exactly one statement"),
            ("VACUUM INTO '\(outside)'", "refused"),
            ("VACUUM", "refused"),
            ("SELECT load_extension('/usr/lib/x86_64-linux-gnu/libsqlite3.so.0')", "load_extension() is refused"),
            ("BEGIN IMMEDIATE", "transaction"),
            ("SAVEPOINT s", "SAVEPOINT is refused"),
            ("ANALYZE", "refused"),
            ("REINDEX", "REINDEX is refused"),
            ("SELECT * FROM sqlite_dbpage", "no such table"),
            ("", "\"sql\" must not be empty"),
            ("-- only a comment", "no SQL statement"),
            ("SELEKT 1", "SQL error: near \"SELEKT\": syntax error"),
            ("SELECT 1;\u{0}DELETE FROM runs", "SQL error: the text holds a NUL character"),
        ]
        for (sql, says) in hostile {
            let error = await rpcError("db.query", ["sql": .string(sql)])
            #expect(error?.code == -32602, "\(sql): \(String(describing: error))")
            #expect(error?.message.contains(says) == true, "\(sql): \(error?.message ?? "no error")")
        }
        #expect(try counts() == before)
        #expect(!FileManager.default.fileExists(atPath: outside))
        // The daemon's own connection still writes: the refusals were the query connection's alone.
        try record("after", commit: hashes[2], lines: 13, runner: "alpha", start: 5)
        #expect(try await query("SELECT count(*) FROM runs")["rows"] == [[5]])
    }

    @Test("password hashes and token digests read as NULL; other columns of those tables read normally")
    func secretsHidden() async throws {
        let users = try await query("SELECT name, password_hash, admin FROM users")
        #expect(users["rows"] == [["ada", .null, 1]])
        let runners = try await query("SELECT * FROM runners")
        #expect(runners["columns"] == ["name", "token_sha256", "created", "last_seen", "fingerprint"])
        #expect(runners["rows"]?.arrayValue?.first?.arrayValue?.prefix(2) == ["gamma", .null])
        let guess = try await query("SELECT count(*) FROM users WHERE password_hash LIKE '$2b$%'")
        #expect(guess["rows"] == [[0]])
    }

    @Test("a runaway recursive CTE is stopped at the time limit with a clear error")
    func timeLimit() async throws {
        var methods = self.methods
        methods.sqlLimits.timeout = .milliseconds(300)
        let sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
        var failure: RPCError?
        do {
            if case .deferred(let work) = try methods.handler("db.query", ["sql": .string(sql)]) { _ = try await work() }
        } catch {
            failure = error
        }
        #expect(failure?.code == -32000)
        #expect(failure?.message == "stopped after 300 ms, the time limit ([sql] timeout); narrow the query")
        // The next query runs normally.
        #expect(try await methods.call("db.query", ["sql": "SELECT 42"])["rows"] == [[42]])
    }

    @Test("a value over 2 MiB, or a row over 8 MiB, is an error, not an allocation of what was asked")
    func hugeValue() async throws {
        let error = await rpcError("db.query", ["sql": "SELECT randomblob(1000000000)"])
        #expect(error?.code == -32602)
        #expect(error?.message == "invalid params: SQL error: string or blob too big")
        let wide = "SELECT " + Array(repeating: "zeroblob(2000000)", count: 5).joined(separator: ", ")
        let row = await rpcError("db.query", ["sql": .string(wide)])
        #expect(row?.message == "invalid params: SQL error: a row of 10000040 bytes, more than the 8 MiB a page may hold; select fewer or smaller columns")
        let columns = "SELECT " + Array(repeating: "1", count: 101).joined(separator: ", ")
        #expect(await rpcError("db.query", ["sql": .string(columns)])?.message == "invalid params: SQL error: too many columns in result set")
        #expect(try await query("SELECT length(zeroblob(2000000))")["rows"] == [[2_000_000]])
    }

    @Test("every example in SCHEMA.md runs and gives the documented rows")
    func schemaExamples() async throws {
        let document = try String(contentsOfFile: Self.repositoryRoot + "/SCHEMA.md", encoding: .utf8)
        let examples = document.components(separatedBy: "```sql\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        #expect(examples.count == 3)
        let perCommit = try await query(examples[0])
        #expect(perCommit["columns"] == ["commit_hash", "committed", "lines"])
        // Newest first along main; hashes[1]'s latest run says 12, hashes[2] has none.
        #expect(perCommit["rows"]?.arrayValue?.compactMap { $0.arrayValue?[0] } == hashes.reversed().map { .string(String($0.prefix(10))) })
        #expect(perCommit["rows"]?.arrayValue?.compactMap { $0.arrayValue?[2] } == [14.0, .null, 12.0, 10.0])

        let perDay = try await query(examples[1])
        #expect(perDay["columns"] == ["runner", "day", "runs", "failed"])
        #expect(perDay["rows"] == [["alpha", "2026-11-01", 2, 0], ["beta", "2026-11-02", 2, 1]])

        let busiest = try await query(examples[2])
        #expect(busiest["rows"] == [["files", 4, 2.0, 2.0], ["lines", 4, 10.0, 14.0]])
    }

    @Test("db.backup writes a checked copy holding every run; an existing file needs force")
    func backup() async throws {
        let target = folder + "/copy.db"
        let report = try await methods.call("db.backup", ["path": .string(target)])
        #expect(report["path"] == .string(target))
        #expect(report["runs"] == 4)
        #expect(report["integrity"] == "ok")
        let copy = try DatabaseQueue(path: target, configuration: { var c = Configuration(); c.readonly = true; return c }())
        let ids: [String] = try await copy.read { try String.fetchAll($0, sql: "SELECT id FROM runs ORDER BY id") }
        #expect(ids == ["r0", "r1a", "r1b", "r3"])
        let mode: String? = try await copy.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "delete")
        try copy.close()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".backup-") }.isEmpty)

        try record("later", commit: hashes[2], lines: 13, runner: "alpha", start: 5)
        let exists = await rpcError("db.backup", ["path": .string(target)])
        #expect(exists?.code == -32003)
        #expect(exists?.message == "\(target) exists; give --force (\"force\": true) to replace it")
        let replaced = try await methods.call("db.backup", ["path": .string(target), "force": true])
        #expect(replaced["runs"] == 5)
    }

    @Test("db.backup refuses a relative path, a missing folder and the live database, even with force")
    func backupRefusals() async throws {
        let relative = await rpcError("db.backup", ["path": "copy.db"])
        #expect(relative?.message == "invalid params: copy.db is not an absolute path; the daemon writes the backup, so give the full path")
        let missing = await rpcError("db.backup", ["path": .string(folder + "/no/such/copy.db")])
        #expect(missing?.message == "invalid params: cannot write \(folder)/no/such/copy.db: its folder does not exist")
        for live in ["/tablejohn.db", "/tablejohn.db-wal"] {
            let error = await rpcError("db.backup", ["path": .string(folder + live), "force": true])
            #expect(error?.message == "invalid params: \(folder + live) is the live database; back it up to another file")
        }
        #expect(try counts()[0] == 4)
    }

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }
}
