import Foundation
@testable import TablejohnKit
import Testing
import TestSupport

/// A real server under `[web] base-path = "/tablejohn/"`, as behind a reverse proxy's
/// `location /tablejohn/`, and a real runner pointed at the prefixed URL.
@Suite("Serving under a base path", .serialized)
struct BasePathTests {
    /// curl (no redirects followed) with a cookie jar when given: status, Location, Set-Cookie lines and body.
    static func curl(_ arguments: [String], jar: String? = nil) throws -> (status: Int, location: String, cookies: [String], body: String) {
        let folder = try TemporaryFolder.make(prefix: "tj-curl")
        var all = ["curl", "-s", "--max-time", "30", "-o", folder + "/body", "-D", folder + "/headers", "-w", "%{http_code} %{redirect_url}"]
        if let jar { all += ["-c", jar, "-b", jar] }
        let run = try runProgram(URL(fileURLWithPath: "/usr/bin/env"), all + arguments, in: folder)
        let parts = run.stdout.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        let headers = (try? String(contentsOfFile: folder + "/headers", encoding: .utf8)) ?? ""
        let cookies = headers.split(separator: "\r\n").filter { $0.lowercased().hasPrefix("set-cookie:") }.map(String.init)
        return (Int(parts.first ?? "") ?? 0, parts.count > 1 ? String(parts[1]) : "", cookies,
                (try? String(contentsOfFile: folder + "/body", encoding: .utf8)) ?? "")
    }

    /// Root-absolute addresses in `html` (`href`, `src`, `action`, `data-*`) outside `/tablejohn/`.
    static func outsidePrefix(_ html: String) -> [String] {
        html.matches(of: #/(?:href|src|action|data-[a-z-]+)="(/[^"]*)"/#).map { String($0.output.1) }
            .filter { !$0.hasPrefix("/tablejohn/") && $0 != "/tablejohn" }
    }

    static func csrf(_ page: String) throws -> String {
        String(try #require(page.firstMatch(of: #/name="csrf" value="([0-9a-f]+)"/#)?.output.1))
    }

    @Test("pages, redirects, cookies, exports, metrics, the push hook and a runner all live under /tablejohn; nothing answers outside it")
    func underPrefix() async throws {
        let repo = try TestRepository()
        try "#!/bin/sh\nprintf '{\"size\": {\"value\": 42, \"unit\": \"bytes\"}}' > \"$TABLEJOHN_RESULTS\"\n"
            .write(toFile: repo.path + "/bench.sh", atomically: true, encoding: .utf8)
        try repo.git(["add", "bench.sh"])
        try repo.commit("one", file: "mode")
        let hash = try repo.head()
        let config = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
        try """
            [web]
            base-path = "/tablejohn/"

            [repo]
            hook-secret = "a-push-hook-secret-0123456789"

            [bench]
            command = "sh bench.sh"

            [runner]
            ping-interval = "200ms"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let server = try DaemonProcess(serve: ["--config", config], in: repo.path)
        let base = "http://127.0.0.1:\(server.port)"
        var started = false
        for _ in 0..<300 where !started {
            if let page = try? Self.curl([base + "/tablejohn/"]), page.status == 200 { started = true } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(started, "\(server.log)")
        #expect(server.log.contains("url=http://127.0.0.1:\(server.port)/tablejohn/ "))

        // Outside the prefix nothing answers; the bare prefix gains its slash.
        for outside in ["/", "/queue/", "/static/style.css", "/api/export.csv", "/metrics", "/tablejohnx/"] {
            let answer = try Self.curl([base + outside])
            #expect(answer.status == 404, "\(outside)")
            #expect(answer.body == "Not found: tablejohn is served under /tablejohn/\n", "\(outside)")
        }
        let bare = try Self.curl([base + "/tablejohn"])
        #expect(bare.status == 301)
        #expect(bare.location == base + "/tablejohn/")

        // Every page links, loads and posts under the prefix.
        let commitRedirect = try Self.curl([base + "/tablejohn/commit/HEAD/"])
        #expect(commitRedirect.status == 302)
        #expect(commitRedirect.location == base + "/tablejohn/commit/\(hash)/")
        for page in ["/tablejohn/", "/tablejohn/graph/", "/tablejohn/queue/", "/tablejohn/commit/\(hash)/", "/tablejohn/login"] {
            let answer = try Self.curl([base + page])
            #expect(answer.status == 200, "\(page)")
            #expect(answer.body.contains("<body data-base=\"/tablejohn\">"), "\(page)")
            #expect(Self.outsidePrefix(answer.body) == [], "\(page)")
        }
        let front = try Self.curl([base + "/tablejohn/"]).body
        let style = String(try #require(front.firstMatch(of: #/href="(/tablejohn/static/style\.css\?v=[0-9a-f]+)"/#)?.output.1))
        #expect(try Self.curl([base + style]).status == 200)

        // Logging in: cookies are scoped to the prefix, and every redirect stays under it.
        #expect(try runTjctl(["user", "add", "admin", "--admin"], in: repo.path, stdin: "correct horse battery\n").status == 0)
        let jar = try TemporaryFolder.make(prefix: "tj-jar") + "/cookies"
        let loginPage = try Self.curl([base + "/tablejohn/login?next=/queue/"], jar: jar)
        #expect(loginPage.cookies.contains { $0.contains("Path=/tablejohn/login") })
        #expect(loginPage.body.contains("action=\"/tablejohn/login\""))
        let login = try Self.curl(["--data-urlencode", "user=admin", "--data-urlencode", "password=correct horse battery",
                                   "--data-urlencode", "csrf=\(try Self.csrf(loginPage.body))", "--data-urlencode", "next=/queue/",
                                   base + "/tablejohn/login"], jar: jar)
        #expect(login.status == 303)
        #expect(login.location == base + "/tablejohn/queue/")
        // Cookie attributes come in any order.
        let paths = login.cookies.map { $0.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("Path=") } }
        #expect(login.cookies.first { $0.hasPrefix("Set-Cookie: tablejohn_session=") }.map {
            $0.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.contains("Path=/tablejohn")
        } == true, "\(login.cookies)")
        #expect(paths.allSatisfy { $0.allSatisfy { $0.hasPrefix("Path=/tablejohn") } }, "\(login.cookies)")
        let adminFront = try Self.curl([base + "/tablejohn/"], jar: jar)
        #expect(adminFront.body.contains("<span id=\"viewer\">admin</span>"))
        #expect(adminFront.body.contains("action=\"/tablejohn/admin/fetch\""))
        #expect(adminFront.body.contains("action=\"/tablejohn/logout\""))
        #expect(Self.outsidePrefix(adminFront.body) == [])
        let adminQueue = try Self.curl([base + "/tablejohn/queue/"], jar: jar)
        #expect(adminQueue.body.contains("action=\"/tablejohn/admin/queue/add\""))
        #expect(Self.outsidePrefix(adminQueue.body) == [])
        let fetched = try Self.curl(["--data-urlencode", "csrf=\(try Self.csrf(adminFront.body))", "--data-urlencode", "back=/queue/",
                                     base + "/tablejohn/admin/fetch"], jar: jar)
        #expect(fetched.status == 303)
        #expect(fetched.location == base + "/tablejohn/queue/")

        // A runner given the prefixed URL measures a commit.
        let token = try runTjctl(["runner", "add", "box"], in: repo.path).stdout.trimmingCharacters(in: .newlines)
        let runner = try DaemonProcess(runner: ["--config", config, "--name", "box", "--server", base + "/tablejohn", "--token", token],
                                       in: repo.path)
        #expect(try runTjctl(["queue", "add", hash], in: repo.path).status == 0)
        let runs = try await waitForRuns(1, in: repo.path, logs: "server:\n\(server.log)\nrunner:\n\(runner.log)")
        #expect(runs.first?["runner"] == "box")
        #expect(runs.first?["commit"] == .string(hash))
        #expect(runs.first?["measurements"]?["size"]?["value"] == .real(42))
        let runPage = try Self.curl([base + "/tablejohn/run/\(try #require(runs.first?["id"]?.stringValue))/"])
        #expect(runPage.status == 200)
        #expect(Self.outsidePrefix(runPage.body) == [])
        let runnerPage = try Self.curl([base + "/tablejohn/runner/box/"])
        #expect(runnerPage.status == 200)
        #expect(Self.outsidePrefix(runnerPage.body) == [])

        // The export, the metrics and the push hook answer under the prefix.
        let export = try Self.curl([base + "/tablejohn/api/export.csv"])
        #expect(export.status == 200)
        #expect(export.body.contains(hash))
        let metrics = try Self.curl([base + "/tablejohn/metrics"])
        #expect(metrics.status == 200)
        #expect(metrics.body.contains("# TYPE"))
        let hook = try Self.curl(["-X", "POST", "-H", "X-Gitlab-Token: a-push-hook-secret-0123456789", "--data", "{}",
                                  base + "/tablejohn/api/hook"])
        #expect(hook.status == 202)

        _ = try await runner.stop()
        #expect(try await server.stop() == 0)
    }

    @Test("serve --local-runner calls its own server under the prefix")
    func localRunner() async throws {
        let repo = try TestRepository()
        let hash = try repo.commits(1)[0]
        let config = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
        try "[web]\nbase-path = \"/bench/tj\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let server = try DaemonProcess(serve: ["--config", config, "--local-runner"], in: repo.path)
        var started = false
        for _ in 0..<300 where !started {
            if let page = try? Self.curl(["http://127.0.0.1:\(server.port)/bench/tj/"]), page.status == 200 { started = true } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(started, "\(server.log)")
        #expect(try runTjctl(["queue", "add", hash], in: repo.path).status == 0)
        let runs = try await waitForRuns(1, in: repo.path, logs: server.log)
        #expect(runs.first?["runner"] == "local")
        #expect(runs.first?["commit"] == .string(hash))
        #expect(try Self.curl(["http://127.0.0.1:\(server.port)/bench/tj/commit/\(hash)/"]).body.contains("href=\"/bench/tj/run/"))
        #expect(try await server.stop() == 0)
    }

    @Test("a bad base-path stops the daemon with the file, line and key")
    func badValue() throws {
        let repo = try TestRepository()
        _ = try repo.commits(1)
        let config = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
        try "[web]\nbase-path = \"/a/../b\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let result = try runTablejohnd(["serve", "--config", config], in: repo.path)
        #expect(result.status == 2)
        #expect(result.stderr == "tablejohnd: \(config):2: [web] base-path: must not contain \"..\" or \".\" segments; found \"/a/../b\"\n")
    }
}
