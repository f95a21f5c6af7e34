import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Front page")
struct IndexPageTests {
    @Test("lists tracked refs first with their tips, and escapes everything from the repository")
    func listsRefsEscaped() async throws {
        let repo = try TestRepository()
        try repo.commit("base")
        try repo.git(["checkout", "-q", "-b", "<b>evil</b>"])
        let hostile = try repo.commit("<script>alert(1)</script>", author: "Eve\" onclick=\"alert(1) & 'co' Ltd")
        try repo.git(["checkout", "-q", "main"])
        let store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        let web = WebContext(store: store, sync: SyncStatus(), repositoryPath: repo.path,
                             resolver: RevisionResolver(store: store, repository: try GitRepository(opening: repo.path)))

        try await Application(router: WebRoutes.router(web)).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let body = String(buffer: response.body)
                #expect(!body.contains("<script>alert"))
                #expect(!body.contains("<b>evil"))
                #expect(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
                #expect(body.contains("<td>Eve&quot; onclick=&quot;alert(1) &amp; &#39;co&#39; Ltd</td>"))
                #expect(body.contains("&lt;b&gt;evil&lt;/b&gt;"))
                #expect(body.contains(String(hostile.prefix(10))))
                #expect(body.contains("<li id=\"commit-count\">2 commits</li>"))
                #expect(body.contains("<li id=\"queue-length\">0 queued</li>"))
                // The tracked main branch comes before the untracked one.
                let main = try #require(body.range(of: ">main</td><td>tracked</td>"))
                let evil = try #require(body.range(of: "&lt;b&gt;evil"))
                #expect(main.lowerBound < evil.lowerBound)
            }
        }
    }

    @Test("tracked refs show their latest results, from the tip or the nearest benchmarked ancestor; runners and queue are summarised")
    func latestResultsAndSummaries() async throws {
        var hashes: [String] = []
        let fixture = try PageFixture { repo in
            hashes = try repo.commits(3)
            try repo.git(["branch", "side", hashes[0]])
        }
        try fixture.record("old", commit: hashes[0], values: ["x": 1, "y": 2], start: 1_700_000_000_000)
        try fixture.record("newer", commit: hashes[1], values: ["x": 1, "y": 2, "z": 3], start: 1_700_000_100_000)
        _ = try fixture.store.addRunner("bench-2", now: 1)
        _ = try fixture.store.enqueue([hashes[2]], priority: 4, now: 1)

        let body = try await fixture.get("/").body
        // main's tip has no run: its parent's newest run stands in, one commit below the tip.
        #expect(body.contains("<a href=\"/run/newer/\">"))
        #expect(body.contains("3 measurements"))
        #expect(body.contains("1 commit below the tip"))
        #expect(body.contains("<a href=\"/commit/\(hashes[2])/\"><code title=\"\(hashes[2])\">"))
        #expect(body.contains("<a class=\"runner-name\" href=\"/runner/bench-2/\">bench-2</a>"))
        #expect(body.contains("never seen"))
        #expect(body.contains("<p id=\"queue-summary\"><a href=\"/queue/\">1 waiting</a>, next:</p>"))
        #expect(body.contains("priority 4"))
        #expect(!body.contains("/admin/"))
    }

    @Test("admins get track and untrack buttons per ref and a fetch button, each with the CSRF field")
    func adminForms() async throws {
        let fixture = try PageFixture { repo in
            try repo.commit("first")
            try repo.git(["branch", "feature/<x>"])
        }
        let body = try await fixture.get("/", viewer: PageFixture.admin).body
        let csrf = "<input type=\"hidden\" name=\"csrf\" value=\"tok&lt;en&gt;\">"
        let untrack = try #require(body.form(action: "/admin/untrack"))
        #expect(untrack.contains(csrf))
        #expect(untrack.contains("<input type=\"hidden\" name=\"ref\" value=\"refs/heads/main\">"))
        #expect(untrack.contains("<input type=\"hidden\" name=\"back\" value=\"/\">"))
        let track = try #require(body.form(action: "/admin/track"))
        #expect(track.contains(csrf))
        #expect(track.contains("<input type=\"hidden\" name=\"ref\" value=\"refs/heads/feature/&lt;x&gt;\">"))
        #expect(try #require(body.form(action: "/admin/fetch")).contains(csrf))
    }
}
