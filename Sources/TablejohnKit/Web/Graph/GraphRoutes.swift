// GET /graph/ (the page) and GET /api/graph/series (one metric's data, columnar and downsampled).
import Foundation
import Hummingbird
import NIOCore

enum GraphRoutes {
    /// Points per line when the request does not say, and the most it may ask for.
    static let defaultPoints = 2000
    static let maximumPoints = 20_000
    /// Metrics drawn when `/graph/` is opened without choosing any.
    static let defaultMetricCount = 3

    static func add(to router: some RouterMethods<WebRequestContext>, _ web: WebContext) {
        router.get("/graph") { request, context in
            guard request.uri.path.hasSuffix("/") else {
                let query = request.uri.query.map { "?" + $0 } ?? ""
                return Response(status: .movedPermanently, headers: [.location: "/graph/" + query])
            }
            let metrics = try web.store.metricHeaders()
            var page = GraphPage(metrics: metrics, defaultMetrics: Array(metrics.prefix(defaultMetricCount).map(\.name)),
                                 dygraphsInstalled: StaticAssets.dygraphsInstalled, viewer: context.viewer)
            if metrics.isEmpty {
                let runners = try RunnerOverview.all(store: web.store, runners: web.runners, now: Timestamp.now())
                page.firstSteps = try PageRoutes.firstSteps(web, runners: runners, queueLength: try web.store.queueLength())
            }
            return try HTMLResponse(page.render()).response(from: request, context: context)
        }
        router.get("/api/graph/series") { request, _ in
            let query: GraphQuery
            do throws(GraphQuery.Invalid) {
                query = try GraphQuery(request.uri.queryParameters)
            } catch {
                return Response.plainText(.badRequest, error.message)
            }
            let found = if query.includeArchive {
                try web.store.metricHeader(query.metric).map { header in
                    MetricSeries(header: header, points: try web.store.seriesPointsIncludingArchive(metric: query.metric))
                }
            } else {
                try await web.series.series(query.metric)
            }
            guard let series = found else {
                return .plainText(.notFound, "no metric named \(query.metric.debugDescription)")
            }
            let body = try reply(series, query, changes: try web.store.reportedChanges(metric: query.metric), hashes: web.store.commitHashes)
            return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-cache"],
                            body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// `{"metric", "unit", "direction", "refs", "points", "lines": [{"runner", "key", "in_range", "x", "y", "commit", "changes"}]}`:
    /// x in Unix milliseconds (commit time), y the value, commit the full hash; `changes` are the line's
    /// reported changes in range. See README's graph section.
    static func reply(_ series: MetricSeries, _ query: GraphQuery, changes: [(machine: MachineKey, time: Int64, change: PerformanceChange)],
                      hashes: ([Int64]) throws -> [Int64: String]) throws -> [UInt8] {
        let lines = query.trackedOnly ? series.tracked : series.all
        var picked: [(line: SeriesLine, indices: [Int], inRange: Int)] = []
        for line in lines {
            let (indices, inRange) = line.downsample(from: query.from, to: query.to, maximum: query.points)
            if !indices.isEmpty { picked.append((line, indices, inRange)) }
        }
        let names = try hashes(picked.flatMap { entry in entry.indices.map { entry.line.commitID[$0] } })
        let linesJSON: [JSONValue] = picked.map { entry in
            .object([
                "runner": .string(entry.line.runner),
                "key": .string(entry.line.key),
                "in_range": .integer(Int64(entry.inRange)),
                "x": .array(entry.indices.map { .integer(Timestamp.milliseconds(commitSeconds: entry.line.time[$0])) }),
                "y": .array(entry.indices.map { .real(entry.line.value[$0]) }),
                "commit": .array(entry.indices.map { .string(names[entry.line.commitID[$0]] ?? "") }),
                "changes": .array(changes.filter { mark in
                    SeriesLine.key(mark.machine) == entry.line.key && mark.time >= query.from && mark.time <= query.to
                }.map { mark in
                    ["x": .integer(Timestamp.milliseconds(commitSeconds: mark.time)), "commit": .string(mark.change.commit), "kind": .string(mark.change.kind.rawValue),
                     "magnitude": .real(mark.change.magnitude), "state": .string(mark.change.state.rawValue), "id": .integer(mark.change.id)]
                }),
            ])
        }
        let reply: JSONValue = [
            "metric": .string(series.header.name),
            "unit": series.header.unit.map(JSONValue.string) ?? .null,
            "direction": .string(series.header.direction.rawValue),
            "refs": .string(query.trackedOnly ? "tracked" : "all"),
            "points": .integer(Int64(query.points)),
            "lines": .array(linesJSON),
        ]
        return try reply.serialized()
    }
}

/// The parameters of `/api/graph/series`, checked.
struct GraphQuery: Equatable {
    var metric: String
    var trackedOnly = true
    /// The time range in Unix seconds, inclusive.
    var from: Int64 = .min
    var to: Int64 = .max
    var points = GraphRoutes.defaultPoints
    /// Archived runs too (`archive=1`): read for this request, not cached.
    var includeArchive = false

    struct Invalid: Error { var message: String }
    /// Times beyond ±2^52 ms (about 140,000 years) are refused rather than overflowing.
    private static let limit: UInt64 = 1 << 52

    init(_ parameters: Parameters) throws(Invalid) {
        guard let metric = parameters["metric"].map(String.init), !metric.isEmpty else {
            throw Invalid(message: "name the metric: /api/graph/series?metric=NAME[&refs=tracked|all][&from=MS][&to=MS][&points=N]")
        }
        self.metric = metric
        switch parameters["refs"].map(String.init) {
        case nil, "tracked": trackedOnly = true
        case "all": trackedOnly = false
        case let other?: throw Invalid(message: "refs must be tracked or all, not \(other.debugDescription)")
        }
        // The browser speaks milliseconds; commit times are whole seconds.
        if let text = parameters["from"] {
            guard let value = Int64(text), value.magnitude < Self.limit else { throw Invalid(message: "from must be Unix milliseconds") }
            from = value.dividedRoundingDown(by: 1000)
        }
        if let text = parameters["to"] {
            guard let value = Int64(text), value.magnitude < Self.limit else { throw Invalid(message: "to must be Unix milliseconds") }
            to = value.dividedRoundingUp(by: 1000)
        }
        guard from <= to else { throw Invalid(message: "from must not be after to") }
        if let text = parameters["points"] {
            guard let value = Int(text), (2...GraphRoutes.maximumPoints).contains(value) else {
                throw Invalid(message: "points must be a number from 2 to \(GraphRoutes.maximumPoints)")
            }
            points = value
        }
        do {
            includeArchive = try ArchiveParameter.included(parameters)
        } catch {
            throw Invalid(message: error.message)
        }
    }
}

extension Int64 {
    fileprivate func dividedRoundingDown(by divisor: Int64) -> Int64 {
        self >= 0 ? self / divisor : -((-self + divisor - 1) / divisor)
    }

    fileprivate func dividedRoundingUp(by divisor: Int64) -> Int64 {
        -(-self).dividedRoundingDown(by: divisor)
    }
}
