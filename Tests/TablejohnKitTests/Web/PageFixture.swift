// A repository, its imported database and the page routes, for tests of what pages show.
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TestSupport
@testable import TablejohnKit

/// Commits made with `TestRepository`, imported into an in-memory store, and helpers
/// to record runs and to drive the pages through Hummingbird's in-process test client.
struct PageFixture {
    let repo: TestRepository
    let store: Store
    let runners: RunnerAPI
    let web: WebContext

    static let machineA: JSONValue = ["cpu": "Xeon A", "cores": 8]
    static let machineB: JSONValue = ["cpu": "Ryzen B", "cores": 16]

    /// A repository with `build` making its commits, imported.
    init(_ build: (TestRepository) throws -> Void) throws {
        repo = try TestRepository()
        try build(repo)
        store = try Store.inMemory()
        _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "test")).run()
        runners = RunnerAPI(store: store)
        web = WebContext(store: store, sync: SyncStatus(), repositoryPath: repo.path,
                         resolver: RevisionResolver(store: store, repository: try GitRepository(opening: repo.path)),
                         runners: runners)
    }

    /// Stores a run of `commit` with `values`.
    @discardableResult
    func record(_ id: String, commit: String, runner: String? = "bench-1", fingerprint: JSONValue? = machineA,
                values: [String: Double], exitCode: Int = 0, start: Int64 = 1_700_000_000_000,
                output: [(source: OutputSource, text: String)] = []) throws -> Run {
        let run = try Run(id: id, commit: commit, benchMethod: "command", runnerName: runner, fingerprint: fingerprint,
                      start: start, end: start + 1500, exitCode: exitCode, origin: .runner,
                      measurements: values.map { try Measurement(metric: $0.key, value: $0.value, unit: "s") }, output: output)
        try store.record(run)
        return run
    }

    /// The page routes, with every request made by `viewer`.
    func application(viewer: Viewer = .anonymous) -> some ApplicationProtocol {
        let router = Router(context: WebRequestContext.self)
        router.add(middleware: FixedViewer(viewer: viewer))
        PageRoutes.add(to: router, web)
        return Application(router: router)
    }

    /// GETs `path` and returns status, Location header and body.
    func get(_ path: String, viewer: Viewer = .anonymous) async throws -> (status: HTTPResponse.Status, location: String?, body: String) {
        try await application(viewer: viewer).test(.router) { client in
            try await client.execute(uri: path, method: .get) { response in
                (response.status, response.headers[.location], String(buffer: response.body))
            }
        }
    }

    static let admin = Viewer(user: "root", isAdmin: true, csrfToken: "tok<en>")
}

/// Sets the viewer the session middleware would.
struct FixedViewer: RouterMiddleware {
    typealias Context = WebRequestContext
    var viewer: Viewer

    func handle(_ request: Request, context: WebRequestContext,
                next: (Request, WebRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        context.viewer = viewer
        return try await next(request, context)
    }
}

extension String {
    /// The `<tr>` of the comparison table row for `metric` (escaped as pages escape it).
    func row(ofMetric metric: String) -> Substring? {
        guard let start = range(of: "<td class=\"metric\">\(HTMLEscaping.escape(metric))</td>") else { return nil }
        let end = self[start.upperBound...].range(of: "</tr>")?.lowerBound ?? endIndex
        return self[start.lowerBound..<end]
    }

    /// The first `<form …>…</form>` posting to `action`.
    func form(action: String) -> Substring? {
        guard let attribute = range(of: "action=\"\(action)\""),
              let start = self[..<attribute.lowerBound].range(of: "<form", options: .backwards),
              let end = self[attribute.upperBound...].range(of: "</form>") else { return nil }
        return self[start.lowerBound..<end.upperBound]
    }
}
