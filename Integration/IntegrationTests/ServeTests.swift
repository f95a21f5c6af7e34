import Foundation
import Testing
import TestSupport

@Suite("tablejohnd serve", .serialized)
struct ServeTests {
    /// Starts a daemon that clones `upstream` into a bare mirror and fetches every 200 ms,
    /// once it shows the first commit.
    func startMirroring(_ upstream: TestRepository) async throws -> (DaemonProcess, state: String) {
        let state = try TemporaryFolder.make(prefix: "tj-state")
        let config = state + "/tablejohn.toml"
        try """
            [repo]
            url = "\(upstream.path)"
            path = "\(state)/mirror.git"
            fetch-interval = "200ms"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(serve: ["--config", config], in: state)
        try await daemon.waitUntilServing()
        _ = try await daemon.waitForPage("/") { $0.contains("1 commit<") }
        return (daemon, state)
    }

    @Test("with no config, serves the checkout it runs in and escapes hostile text")
    func zeroConfig() async throws {
        let repo = try TestRepository()
        try repo.commit("first")
        try repo.commit("<script>alert('pwned')</script>")
        try FileManager.default.createDirectory(atPath: repo.path + "/sub", withIntermediateDirectories: true)

        let daemon = try DaemonProcess(in: repo.path + "/sub")
        try await daemon.waitUntilServing()

        let page = try await daemon.waitForPage("/") { $0.contains("2 commits") }
        #expect(page.contains("<td>tracked</td>"))
        #expect(page.contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;"))
        #expect(!page.contains("<script>"))
        #expect(page.contains("0 queued"))
        #expect(FileManager.default.fileExists(atPath: repo.path + "/.git/tablejohn/tablejohn.db"))
        #expect(try await daemon.stop() == 0)
        #expect(daemon.log.contains("tablejohn stopped"))
    }

    @Test("new commits on the tracked branch are queued by the next sync round")
    func queuesNewCommits() async throws {
        let repo = try TestRepository()
        try repo.commit("first")
        let config = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
        try "[repo]\nfetch-interval = \"200ms\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(serve: ["--config", config], in: repo.path)
        try await daemon.waitUntilServing()
        _ = try await daemon.waitForPage("/") { $0.contains("1 commit<") }

        try repo.commits(2, prefix: "new")

        let page = try await daemon.waitForPage("/") { $0.contains("2 queued") }
        #expect(page.contains("3 commits"))
        _ = try await daemon.stop()
    }

    @Test("with [repo] url, clones a bare mirror, fetches new commits and follows force pushes")
    func clonesAndFetches() async throws {
        let upstream = try TestRepository()
        try upstream.commit("first")
        let (daemon, state) = try await startMirroring(upstream)
        #expect(try String(contentsOfFile: state + "/mirror.git/HEAD", encoding: .utf8) == "ref: refs/heads/main\n")
        #expect(!FileManager.default.fileExists(atPath: state + "/mirror.git/refs/remotes/origin/HEAD"))

        let pushed = try upstream.commit("pushed upstream")
        var page = try await daemon.waitForPage("/") { $0.contains(String(pushed.prefix(10))) }
        #expect(page.contains("1 queued"))

        try upstream.git(["reset", "-q", "--hard", "HEAD~1"])
        let forced = try upstream.commit("force-pushed replacement")
        page = try await daemon.waitForPage("/") { $0.contains(String(forced.prefix(10))) }
        // The ref's tip moved; the pushed commit, still queued, shows only in the queue summary.
        let refs = page.components(separatedBy: "<table class=\"refs\">").last?.components(separatedBy: "</table>").first ?? ""
        #expect(refs.contains(String(forced.prefix(10))))
        #expect(!refs.contains(String(pushed.prefix(10))))
        #expect(page.contains("2 queued"))
        _ = try await daemon.stop()
    }

    @Test("a folder that is not a git repository is a one-line error and exit code 2")
    func notARepository() throws {
        let folder = try TemporaryFolder.make(prefix: "tj-plain")

        let result = try runTablejohnd(["serve", "--address", "127.0.0.1:0"], in: folder)

        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("tablejohnd: \(folder) is not a git repository ("))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("a configuration error names the file, line and key, and exits with code 2")
    func badConfiguration() throws {
        let repo = try TestRepository()
        let config = repo.path + "/bad.toml"
        try "[repo]\n# interval\nfetch-interval = -5\n".write(toFile: config, atomically: true, encoding: .utf8)

        let result = try runTablejohnd(["serve", "--config", config], in: repo.path)

        #expect(result.status == 2)
        #expect(result.stderr == "tablejohnd: \(config):3: [repo] fetch-interval: expected a positive duration such as 60 (seconds) or \"5m\", found an integer\n")
    }

    @Test("a second daemon on the same database refuses to start")
    func secondDaemonRefused() async throws {
        let repo = try TestRepository()
        try repo.commit("first")
        let first = try DaemonProcess(in: repo.path)
        try await first.waitUntilServing()

        let second = try runTablejohnd(["serve", "--address", "127.0.0.1:0"], in: repo.path)

        #expect(second.status == 2)
        #expect(second.stderr.contains("another tablejohnd is already running on \(repo.path)/.git/tablejohn/tablejohn.db"))
        #expect(try await first.get("/").status == 200)
        _ = try await first.stop()
    }

    @Test("SIGINT shuts down gracefully; a sync failure does not stop the daemon")
    func survivesFetchFailure() async throws {
        let upstream = try TestRepository()
        try upstream.commit("first")
        let (daemon, _) = try await startMirroring(upstream)

        try FileManager.default.moveItem(atPath: upstream.path, toPath: upstream.path + "-gone")
        defer { try? FileManager.default.moveItem(atPath: upstream.path + "-gone", toPath: upstream.path) }
        let failing = try await daemon.waitForPage("/") { $0.contains("Last sync failed") }
        #expect(failing.contains("1 commit<"))
        #expect(daemon.log.contains("sync failed; retrying next round"))

        #expect(try await daemon.stop(signal: SIGINT) == 0)
    }
}
