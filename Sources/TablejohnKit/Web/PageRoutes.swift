// The HTML pages of SPEC §8 (all but the graph and login) and the live-output API the queue page polls.
import Foundation
import Hummingbird

/// Registers the pages. Each handler reads what its page shows with bounded, indexed
/// queries and answers through `PageAnswer`, so redirects to canonical addresses and
/// not-found pages look the same everywhere. Canonical addresses end with a slash;
/// the router matches `/run/ID` and `/run/ID/` alike.
enum PageRoutes {
    static func add(to router: some RouterMethods<WebRequestContext>, _ web: WebContext) {
        router.get("/") { _, context in try index(web, context.viewer).response }
        router.get("/commit/**") { request, context in try CommitLookup(web: web).page(request, viewer: context.viewer).response }
        router.get("/run/:id") { request, context in try run(request, context, web).response }
        router.get("/compare/:base") { request, context in try await comparePicker(request, context, web).response }
        router.get("/compare/:base/:other") { request, context in try await compare(request, context, web).response }
        router.get("/runner/:name") { request, context in try runner(request, context, web).response }
        router.get("/queue") { request, context in try queue(request, context.viewer, web).response }
        router.get("/api/queue/live") { _, _ in try live(web) }
    }

    static func index(_ web: WebContext, _ viewer: Viewer) throws -> PageAnswer {
        let refs = try web.store.refSummaries()
        let tips = try web.store.refs()
        var latest: [String: LatestRun] = [:]
        for ref in refs where ref.tracked {
            if let tip = tips[ref.name], let run = try web.store.latestRun(fromTip: tip.commitID) { latest[ref.name] = run }
        }
        let queueLength = try web.store.queueLength()
        let runners = try RunnerOverview.all(store: web.store, runners: web.runners, now: Timestamp.now())
        return .page(IndexPage(repositoryPath: web.repositoryPath, refs: refs, commitCount: try web.store.commitTotal(),
                               queueLength: queueLength, sync: web.sync.snapshot, latest: latest,
                               runners: runners,
                               nextQueued: queueLength == 0 ? [] : try web.store.queue(limit: IndexPage.queuePreview),
                               changes: try web.store.changes(ChangeFilter(includeAcked: false, limit: IndexPage.changeLimit)),
                               firstSteps: try firstSteps(web, runners: runners, queueLength: queueLength), viewer: viewer).render())
    }

    /// What the pages tell a new user while nothing is measured.
    static func firstSteps(_ web: WebContext, runners: [RunnerOverview], queueLength: Int) throws -> FirstSteps {
        let hasRuns = try web.store.hasRuns()
        return FirstSteps(hasRuns: hasRuns, trackedRefs: hasRuns ? [] : try web.store.trackedTips().map(\.name),
                          runnersSeen: runners.count { $0.state != .neverSeen }, queueLength: queueLength)
    }

    static func run(_ request: Request, _ context: WebRequestContext, _ web: WebContext) throws -> PageAnswer {
        let id = context.parameters.decoded("id")
        if let redirect = PageAnswer.canonical(request, URLPath.run(id)) { return redirect }
        let includeArchive = try ArchiveParameter.included(request.uri.queryParameters)  // anything but 0 or 1: 400
        let live = try web.store.run(id: id)
        let archived = live == nil ? try web.store.archivedRun(id: id) : nil
        guard let run = live ?? (includeArchive ? archived : nil) else {
            if archived != nil {
                return .notFound("run", id, note: "It is in the archive: add ?archive=1 to the address to see it.", viewer: context.viewer)
            }
            return try RunLookup(web: web).run(id, viewer: context.viewer)
        }
        let parent = try web.store.firstParent(of: run.commit)
        let parentRuns = try parent.map { try web.store.runValues(commit: $0.hash) } ?? []
        let metrics = run.measurements.map(\.metric) + parentRuns.flatMap(\.values.keys)
        return .page(RunPage(run: run, commit: try web.store.commitSummary(run.commit), parent: parent, parentRuns: parentRuns,
                             readings: try web.store.metricReadings(metrics), viewer: context.viewer, archived: archived != nil).render())
    }

    static func compare(_ request: Request, _ context: WebRequestContext, _ web: WebContext) async throws -> PageAnswer {
        let ids = (context.parameters.decoded("base"), context.parameters.decoded("other"))
        if BranchCompareRoute.isBranchComparison(ids.0) || BranchCompareRoute.isBranchComparison(ids.1) {
            // A ref with a slash (`main...feature/x`) spans two segments.
            return try await BranchCompareRoute(web: web).page(request, spec: ids.0 + "/" + ids.1, viewer: context.viewer)
        }
        if let redirect = PageAnswer.canonical(request, URLPath.compare(ids.0, ids.1)) { return redirect }
        let runs = (try web.store.run(id: ids.0), try web.store.run(id: ids.1))
        guard let base = runs.0, let other = runs.1 else {
            // Refs, tags and hashes redirect to their runs' comparison; the answer names what is missing.
            return try RunLookup(web: web).compare(ids, viewer: context.viewer) ?? .notFound("runs", "\(ids.0), \(ids.1)", viewer: context.viewer)
        }
        let metrics = base.measurements.map(\.metric) + other.measurements.map(\.metric)
        return .page(ComparePage(base: base, other: other, baseCommit: try web.store.commitSummary(base.commit),
                                 otherCommit: try web.store.commitSummary(other.commit),
                                 readings: try web.store.metricReadings(metrics), viewer: context.viewer).render())
    }

    static func comparePicker(_ request: Request, _ context: WebRequestContext, _ web: WebContext) async throws -> PageAnswer {
        let id = context.parameters.decoded("base")
        if BranchCompareRoute.isBranchComparison(id) {
            return try await BranchCompareRoute(web: web).page(request, spec: id, viewer: context.viewer)
        }
        // The picker's form asks for `?other=ID`.
        if let other = request.uri.queryParameters["other"].map({ String($0).trimmingCharacters(in: .whitespaces) }), !other.isEmpty {
            return .redirect(URLPath.compare(id, other), permanent: false)
        }
        if let redirect = PageAnswer.canonical(request, URLPath.compare(id)) { return redirect }
        guard let run = try web.store.run(id: id) else { return .notFound("run", id, viewer: context.viewer) }
        let limit = ComparePickerPage.sectionLimit
        var sections: [ComparePickerPage.Section] = []
        if let parent = try web.store.firstParent(of: run.commit) {
            let runs = try web.store.runs(RunFilter(commitID: try web.store.commitID(of: parent.hash)), limit: limit)
            sections.append(.init(heading: "Runs of the parent commit", id: "parent-runs", runs: runs))
        }
        let sameCommit = try web.store.runs(RunFilter(commitID: try web.store.commitID(of: run.commit)), limit: limit)
        sections.append(.init(heading: "Other runs of this commit", id: "commit-runs", runs: sameCommit))
        if let runner = run.runnerName {
            let recent = try web.store.runs(RunFilter(runner: runner), limit: limit)
            sections.append(.init(heading: "Recent runs of this runner", id: "runner-runs", runs: recent))
        }
        let machines = try web.store.machines(ofRuns: sections.flatMap { $0.runs.map(\.id) })
        return .page(ComparePickerPage(run: run, commit: try web.store.commitSummary(run.commit), sections: sections,
                                       machines: machines, viewer: context.viewer).render())
    }

    static func runner(_ request: Request, _ context: WebRequestContext, _ web: WebContext) throws -> PageAnswer {
        let name = context.parameters.decoded("name")
        if let redirect = PageAnswer.canonical(request, URLPath.runner(name)) { return redirect }
        let cursor = request.uri.queryParameters["before"].flatMap { RunCursor(token: String($0))?.position }
        let overview = try RunnerOverview.named(name, store: web.store, runners: web.runners, now: Timestamp.now())
        let runs = try web.store.runs(RunFilter(runner: name), limit: RunnerPage.pageSize, after: cursor)
        if overview == nil, runs.isEmpty, cursor == nil { return .notFound("runner", name, viewer: context.viewer) }
        let noise = cursor == nil ? RunnerNoise(try web.store.repeatedValues(runner: name)) : RunnerNoise([:])
        return .page(RunnerPage(name: name, runner: overview, runs: runs, isContinuation: cursor != nil, noise: noise,
                                viewer: context.viewer).render())
    }

    static func queue(_ request: Request, _ viewer: Viewer, _ web: WebContext) throws -> PageAnswer {
        if let redirect = PageAnswer.canonical(request, "/queue/") { return redirect }
        let runners = try RunnerOverview.all(store: web.store, runners: web.runners, now: Timestamp.now())
        let total = try web.store.queueLength()
        return .page(QueuePage(runners: runners, queue: try web.store.queue(limit: QueuePage.limit), total: total,
                               firstSteps: try firstSteps(web, runners: runners, queueLength: total), viewer: viewer).render())
    }

    /// `{"runners": [{"name", "state", "last_seen", "run": {"id", "hash"} | null, "output": [[source, text], …]}], "queue_length": n}`.
    static func live(_ web: WebContext) throws -> Response {
        let runners = try RunnerOverview.all(store: web.store, runners: web.runners, now: Timestamp.now())
        let body: JSONValue = ["runners": .array(runners.map(\.json)), "queue_length": JSONValue(try web.store.queueLength())]
        return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try body.serialized())))
    }
}
