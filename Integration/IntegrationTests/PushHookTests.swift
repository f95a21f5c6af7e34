import Foundation
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Push hook: POST /api/hook against the real daemon", .serialized)
struct PushHookTests {
    static let secret = "push hook secret for the tests"

    /// Starts a daemon mirroring `upstream` that would fetch only once an hour on its own.
    func startMirroring(_ upstream: TestRepository, hookSecret: String? = secret, extra: String = "") async throws -> (DaemonProcess, state: String) {
        let state = try TemporaryFolder.make(prefix: "tj-hook")
        let config = state + "/tablejohn.toml"
        try """
            [repo]
            url = "\(upstream.path)"
            path = "\(state)/mirror.git"
            fetch-interval = "1h"
            \(hookSecret.map { "hook-secret = \"\($0)\"" } ?? "")
            \(extra)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(serve: ["--config", config], in: state)
        try await daemon.waitUntilServing()
        if extra.isEmpty { _ = try await daemon.waitForPage("/") { $0.contains("1 commit<") } }
        return (daemon, state)
    }

    /// POSTs `body` to the hook with `headers`, through curl.
    func deliver(_ daemon: DaemonProcess, body: String, headers: [String]) throws -> (status: Int, body: String) {
        let folder = try TemporaryFolder.make(prefix: "tj-hook-post")
        try body.write(toFile: folder + "/body", atomically: true, encoding: .utf8)
        var arguments = ["-s", "--max-time", "30", "-o", folder + "/reply", "-w", "%{http_code}", "-X", "POST",
                         "-H", "Content-Type: application/json", "--data-binary", "@" + folder + "/body"]
        for header in headers { arguments += ["-H", header] }
        let result = try runProgram(URL(fileURLWithPath: "/usr/bin/curl"), arguments + ["http://127.0.0.1:\(daemon.port)/api/hook"],
                                    in: folder)
        let reply = (try? String(contentsOfFile: folder + "/reply", encoding: .utf8)) ?? ""
        return (Int(result.stdout) ?? 0, reply)
    }

    static func githubHeaders(_ body: String, key: String = secret) -> [String] {
        ["X-GitHub-Event: push", "X-Hub-Signature-256: " + HookSecret.signature(of: Data(body.utf8), key: key)]
    }

    /// Polls `/` for a bounded while; true when `text` showed up.
    func pageShows(_ daemon: DaemonProcess, _ text: String, seconds: Double) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await daemon.get("/").body.contains(text) { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    @Test("a forged hook is 401 and fetches nothing; a GitHub-signed one brings the pushed commit within seconds")
    func githubPush() async throws {
        let upstream = try TestRepository()
        try upstream.commit("first")
        let (daemon, _) = try await startMirroring(upstream)
        let pushed = try upstream.commit("pushed upstream")
        let body = #"{"ref":"refs/heads/main","after":"\#(pushed)"}"#

        let forged = try deliver(daemon, body: body, headers: Self.githubHeaders(body, key: "someone else's secret value"))
        #expect(forged.status == 401)
        #expect(forged.body == "the push hook's signature does not match [repo] hook-secret\n")
        let unsigned = try deliver(daemon, body: body, headers: [])
        #expect(unsigned.status == 401)
        #expect(try await !pageShows(daemon, String(pushed.prefix(10)), seconds: 3))

        let signed = try deliver(daemon, body: body, headers: Self.githubHeaders(body))
        #expect(signed.status == 202)
        #expect(signed.body == "{\"fetch\":\"requested\"}\n")
        #expect(try await pageShows(daemon, String(pushed.prefix(10)), seconds: 15), "\(daemon.log)")
        #expect(try await daemon.get("/").body.contains("2 commits"))
        #expect(try await daemon.stop() == 0)
    }

    @Test("a GitLab token hook brings a pushed commit; a burst of hooks is answered and the daemon keeps serving")
    func gitlabBurst() async throws {
        let upstream = try TestRepository()
        try upstream.commit("first")
        let (daemon, _) = try await startMirroring(upstream)
        let pushed = try upstream.commit("pushed upstream")

        for _ in 0..<10 {
            let reply = try deliver(daemon, body: "{}", headers: ["X-Gitlab-Event: Push Hook", "X-Gitlab-Token: " + Self.secret])
            #expect(reply.status == 202)
        }
        #expect(try await pageShows(daemon, String(pushed.prefix(10)), seconds: 15), "\(daemon.log)")
        #expect(try await daemon.get("/").status == 200)
        #expect(try await daemon.stop() == 0)
    }

    @Test("on a private instance the hook needs no login; a body over 1 MiB is 413, fetches nothing, and the daemon keeps serving")
    func privateInstanceAndLimit() async throws {
        let upstream = try TestRepository()
        try upstream.commit("first")
        let (daemon, state) = try await startMirroring(upstream, extra: "[web]\npublic = false")
        #expect(try await daemon.get("/api/export.csv").status == 401)
        // The page is private; the refs are read through the control socket.
        let socket = ["TABLEJOHN_SOCKET": state + "/mirror.git/tablejohn/tablejohn.sock"]
        func tips() throws -> String { try runTjctl(["refs"], in: state, environment: socket).stdout }
        var cloned = false
        for _ in 0..<100 where !cloned {
            cloned = try tips().contains("main")
            if !cloned { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(cloned, "\(daemon.log)")
        let pushed = try upstream.commit("pushed upstream")

        let huge = String(repeating: "x", count: (1 << 20) + 1)
        let tooLarge = try deliver(daemon, body: huge, headers: Self.githubHeaders(huge))
        #expect(tooLarge.status == 413)
        #expect(tooLarge.body == "a push hook's body may be at most 1 MiB\n")
        try await Task.sleep(for: .seconds(2))
        #expect(try !tips().contains(String(pushed.prefix(10))))

        let signed = try deliver(daemon, body: "{}", headers: Self.githubHeaders("{}"))
        #expect(signed.status == 202)
        var fetched = false
        for _ in 0..<75 where !fetched {
            fetched = try tips().contains(String(pushed.prefix(10)))
            if !fetched { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(fetched, "\(daemon.log)")
        #expect(try await daemon.stop() == 0)
    }

    @Test("without [repo] hook-secret the hook is 404 and says how to turn it on")
    func off() async throws {
        let upstream = try TestRepository()
        try upstream.commit("first")
        let (daemon, _) = try await startMirroring(upstream, hookSecret: nil)
        let pushed = try upstream.commit("pushed upstream")

        let reply = try deliver(daemon, body: "{}", headers: Self.githubHeaders("{}"))
        #expect(reply.status == 404)
        #expect(reply.body == "push hooks are off; set [repo] hook-secret\n")
        #expect(try await !pageShows(daemon, String(pushed.prefix(10)), seconds: 2))
        #expect(try await daemon.stop() == 0)
    }

    @Test("a short hook-secret is a configuration error naming the file, line and key")
    func shortSecret() throws {
        let repo = try TestRepository()
        try repo.commit("first")
        let config = repo.path + "/hook.toml"
        try "[repo]\nhook-secret = \"too short\"\n".write(toFile: config, atomically: true, encoding: .utf8)

        let result = try runTablejohnd(["serve", "--config", config], in: repo.path)

        #expect(result.status == 2)
        #expect(result.stderr == "tablejohnd: \(config):2: [repo] hook-secret: must be at least 16 characters, such as the output of `openssl rand -hex 32`\n")
    }
}
