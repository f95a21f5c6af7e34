import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Static assets")
struct StaticAssetsTests {
    private func app() throws -> some ApplicationProtocol {
        let repo = try TestRepository()
        try repo.commit("base")
        let store = try Store.inMemory()
        let web = WebContext(store: store, sync: SyncStatus(), repositoryPath: repo.path,
                             resolver: RevisionResolver(store: store, repository: try GitRepository(opening: repo.path)))
        return Application(router: WebRoutes.router(web))
    }

    @Test("pages link the embedded stylesheet by a versioned address that is cached for good")
    func stylesheetIsEmbeddedAndVersioned() async throws {
        try await app().test(.router) { client in
            let page = try await client.execute(uri: "/", method: .get)
            let body = String(buffer: page.body)
            let href = try #require(body.firstMatch(of: #/href="(/static/style\.css\?v=[0-9a-f]{8})"/#)?.output.1)

            let css = try await client.execute(uri: String(href), method: .get)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(css.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(String(buffer: css.body).contains("header.top"))

            // Revalidating with the ETag answers 304 without the body.
            let etag = try #require(css.headers[.eTag])
            let again = try await client.execute(uri: "/static/style.css", method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
        }
    }

    @Test("unknown assets are 404; dygraphs comes from the system package")
    func unknownAndSystemAssets() async throws {
        try await app().test(.router) { client in
            let missing = try await client.execute(uri: "/static/nope.js", method: .get)
            #expect(missing.status == .notFound)
            let traversal = try await client.execute(uri: "/static/dygraphs/..%2F..%2F..%2Fetc%2Fpasswd", method: .get)
            #expect(traversal.status == .notFound)

            let dygraphs = try await client.execute(uri: "/static/dygraphs/dygraph.min.js", method: .get)
            let installed = FileManager.default.fileExists(atPath: "/usr/share/javascript/dygraphs/dygraph.min.js")
            #expect(dygraphs.status == (installed ? .ok : .notFound))
            if installed {
                #expect(dygraphs.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(String(buffer: dygraphs.body).contains("Dygraph"))
            }
        }
    }
}
