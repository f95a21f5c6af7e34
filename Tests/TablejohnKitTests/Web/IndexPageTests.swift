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
}
