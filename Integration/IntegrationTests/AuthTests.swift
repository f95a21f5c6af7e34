import Foundation
import Testing
import TestSupport

@Suite("Web login and admin actions with the real binaries", .serialized)
struct AuthTests {
    /// curl with a cookie jar (when given); returns the status code, the Location header and the body.
    func curl(_ arguments: [String], jar: String?) throws -> (status: Int, location: String, body: String) {
        let folder = try TemporaryFolder.make(prefix: "tj-curl")
        var all = ["curl", "-s", "--max-time", "30", "-o", folder + "/body", "-w", "%{http_code} %{redirect_url}"]
        if let jar { all += ["-c", jar, "-b", jar] }
        let run = try runProgram(URL(fileURLWithPath: "/usr/bin/env"), all + arguments, in: folder)
        let parts = run.stdout.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        let body = (try? String(contentsOfFile: folder + "/body", encoding: .utf8)) ?? ""
        return (Int(parts.first ?? "") ?? 0, parts.count > 1 ? String(parts[1]) : "", body)
    }

    static func csrf(_ page: String) throws -> String {
        String(try #require(page.firstMatch(of: #/name="csrf" value="([0-9a-f]+)"/#)?.output.1))
    }

    func isTracked(_ ref: String, in directory: String) throws -> Bool {
        let refs = try runTjctl(["refs", "--tracked"], in: directory)
        #expect(refs.status == 0)
        return refs.stdout.split(separator: "\n").contains { $0.hasPrefix(ref + " ") }
    }

    @Test("tjctl adds an admin; curl logs in, tracks a ref with the page's CSRF token; without the cookie it is refused")
    func loginAndTrack() async throws {
        let repo = try TestRepository()
        let hashes = try repo.commits(2)
        try repo.git(["branch", "topic", hashes[0]])
        var daemon = try DaemonProcess(in: repo.path)
        try await daemon.waitUntilServing()
        _ = try await daemon.waitForPage("/") { $0.contains("2 commits") }
        let base = "http://127.0.0.1:\(daemon.port)"

        let added = try runTjctl(["user", "add", "admin", "--admin"], in: repo.path, stdin: "correct horse battery\n")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout == "added user admin (admin)\n")
        let short = try runTjctl(["user", "add", "eve"], in: repo.path, stdin: "short\n")
        #expect(short.status == 1)
        #expect(short.stderr == "tjctl: the password must be at least 8 characters; nothing changed\n")
        #expect(try runTjctl(["users"], in: repo.path).stdout.contains(#/admin\s+yes/#))

        let jar = try TemporaryFolder.make(prefix: "tj-jar") + "/cookies"
        let loginPage = try curl([base + "/login"], jar: jar)
        #expect(loginPage.status == 200)
        let login = try curl(["--data-urlencode", "user=admin", "--data-urlencode", "password=correct horse battery",
                              "--data-urlencode", "csrf=\(try Self.csrf(loginPage.body))", "--data-urlencode", "next=/",
                              base + "/login"], jar: jar)
        #expect(login.status == 303)
        #expect(login.location == base + "/")
        let front = try curl([base + "/"], jar: jar)
        #expect(front.body.contains("<span id=\"viewer\">admin</span>"))
        let csrf = try Self.csrf(front.body)

        let anonymous = try curl(["--data-urlencode", "ref=topic", "--data-urlencode", "csrf=\(csrf)", base + "/admin/track"], jar: nil)
        #expect(anonymous.status == 403)
        #expect(anonymous.body.contains("Log in as an admin to do this."))
        #expect(try !isTracked("topic", in: repo.path))

        let tracked = try curl(["--data-urlencode", "ref=topic", "--data-urlencode", "csrf=\(csrf)", "--data-urlencode", "back=/",
                                base + "/admin/track"], jar: jar)
        #expect(tracked.status == 303)
        #expect(try isTracked("topic", in: repo.path))

        // The session outlives a restart of the daemon.
        #expect(try await daemon.stop() == 0)
        daemon = try DaemonProcess(in: repo.path, port: daemon.port)
        try await daemon.waitUntilServing()
        #expect(try curl([base + "/"], jar: jar).body.contains("<span id=\"viewer\">admin</span>"))

        // A new password ends it.
        #expect(try runTjctl(["user", "passwd", "admin"], in: repo.path, stdin: "another long one\n").status == 0)
        #expect(try curl([base + "/"], jar: jar).body.contains("id=\"login-link\""))
        _ = try await daemon.stop()
    }
}
