// A first import interrupted by stopping the daemon, then resumed by the next start.
import Foundation
@testable import TablejohnKit
import Testing
import TestSupport

@Suite("First import stopped half-way")
struct ImportStopTests {
    /// `tjctl status --json` of the daemon serving `directory`, or nil while it does not answer.
    static func status(in directory: String) throws -> JSONValue? {
        let result = try runTjctl(["status", "--json"], in: directory)
        return result.status == 0 ? try JSONValue.parse(result.stdout) : nil
    }

    /// Rows of `table` in the daemon's database, read with the sqlite3 shell.
    static func rows(_ table: String, in repo: TestRepository) throws -> Int {
        let result = try runProgram(URL(fileURLWithPath: "/usr/bin/sqlite3"),
                                    [repo.path + "/.git/tablejohn/tablejohn.db", "SELECT count(*) FROM \(table)"], in: repo.path)
        guard result.status == 0, let count = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestFailure("sqlite3 failed: \(result.stderr)")
        }
        return count
    }

    @Test("a daemon stopped during its first import leaves nothing of it behind; the next start imports every commit")
    func stopDuringFirstImport() async throws {
        // Given a repository of 150,000 commits
        let repo = try TestRepository()
        try repo.generateHistory(150_000)
        let total = try #require(Int64(try repo.git(["rev-list", "--all", "--count"])))

        // When the daemon is stopped once its first import has written 10,000 of them
        let server = try DaemonProcess(serve: [], in: repo.path)
        var seen: JSONValue?
        for _ in 0..<600 {
            seen = try Self.status(in: repo.path)
            if let sync = seen?["sync"], sync["phase"]?.stringValue == "importing", (sync["commits_so_far"]?.intValue ?? 0) >= 10_000 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let progress = try #require(seen?["sync"]?["commits_so_far"]?.intValue, "never saw the import under way: \(String(describing: seen))\n\(server.log)")
        #expect(progress >= 10_000 && progress < total)
        #expect(try await server.stop() == 0)

        // Then it says so, and the database holds no commit, edge or ref of the half import
        #expect(server.log.contains("import interrupted by shutdown"), "\(server.log)")
        #expect(try Self.rows("commits", in: repo) == 0)
        #expect(try Self.rows("commit_parents", in: repo) == 0)
        #expect(try Self.rows("refs", in: repo) == 0)

        // And the next start imports every commit, with main tracked and nothing queued
        let again = try DaemonProcess(serve: [], in: repo.path)
        var final: JSONValue?
        for _ in 0..<1200 {
            final = try Self.status(in: repo.path)
            if final?["commits"]?.intValue == total && final?["sync"]?["phase"]?.stringValue == "waiting" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(final?["commits"]?.intValue == total, "\(String(describing: final))\n\(again.log)")
        #expect(final?["reachable_commits"]?.intValue == total)
        #expect(final?["tracked_refs"] == ["refs/heads/main"])
        #expect(final?["queue_length"]?.intValue == 0)
        #expect(try await again.stop() == 0)
    }
}
