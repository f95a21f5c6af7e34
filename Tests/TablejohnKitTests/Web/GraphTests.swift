import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Graph data")
struct GraphDataTests {
    private func point(_ time: Int64, _ value: Double, commit: Int64? = nil, fingerprint: String? = "a", runner: String? = "bench-1") -> SeriesPoint {
        SeriesPoint(time: time, commitID: commit ?? time, tracked: true, runnerName: runner, fingerprint: fingerprint, value: value)
    }

    @Test("downsampling keeps at most the asked number of points, in order, with every spike")
    func downsampleKeepsSpikes() {
        // Given 10,000 values of 100 with one spike up and one dip
        var points = (0..<10_000).map { point(Int64($0), 100) }
        points[1234].value = 500
        points[8765].value = 1
        let line = SeriesLine(machine: MachineKey(runner: nil, fingerprint: "a"), points: points)

        // When asking for 200 points over the whole range
        let (indices, inRange) = line.downsample(from: .min, to: .max, maximum: 200)

        // Then at most 200 come back, ascending, with both extremes among them
        #expect(inRange == 10_000)
        #expect(indices.count <= 200)
        #expect(indices.count >= 100)
        #expect(indices == indices.sorted())
        #expect(indices.contains(1234))
        #expect(indices.contains(8765))
    }

    @Test("a range that fits is returned whole; bounds are inclusive")
    func rangeSlices() {
        let line = SeriesLine(machine: MachineKey(runner: nil, fingerprint: "a"), points: (0..<100).map { point(Int64($0) * 10, Double($0)) })
        let (indices, inRange) = line.downsample(from: 200, to: 300, maximum: 2000)
        #expect(inRange == 11)
        #expect(indices == Array(20...30))
        #expect(line.downsample(from: 5000, to: 6000, maximum: 10).indices.isEmpty)
    }

    @Test("machines get lines of their own; a commit measured twice on one machine shows its median")
    func linesPerFingerprint() throws {
        let header = MetricHeader(name: "m", unit: "ns", direction: .lower)
        let series = MetricSeries(header: header, points: [
            point(10, 1, commit: 1, fingerprint: "x"), point(10, 3, commit: 1, fingerprint: "x"), point(10, 8, commit: 1, fingerprint: "x"),
            point(20, 5, commit: 2, fingerprint: "x"),
            point(10, 100, commit: 1, fingerprint: "y"),
        ])
        #expect(series.all.count == 2)
        #expect(series.all.map(\.runner) == ["bench-1", "bench-1 (2)"])
        let x = try #require(series.all.first { $0.value.count == 2 })
        #expect(x.value == [3, 5])
        #expect(x.commitID == [1, 2])
        #expect(series.all.contains { $0.value == [100] })
    }

    @Test("runs without a fingerprint get a line per runner, read at once or added as they stream in")
    func linesPerRunnerWithoutFingerprint() {
        let header = MetricHeader(name: "m", unit: "ns", direction: .lower)
        let points = [
            point(10, 1, commit: 1, fingerprint: nil, runner: "ci"), point(20, 2, commit: 2, fingerprint: nil, runner: "ci"),
            point(10, 100, commit: 1, fingerprint: nil, runner: "laptop"),
            point(10, 7, commit: 1, fingerprint: "x", runner: "ci"),
        ]
        let read = MetricSeries(header: header, points: points)
        // The fingerprinted machine of a runner also called ci is a machine of its own: numbered.
        #expect(Set(read.all.map(\.runner)) == ["ci", "ci (2)", "laptop"])
        #expect(Set(read.all.map(\.value)) == [[1, 2], [7], [100]])
        var streamed = MetricSeries(header: header, points: [points[0]])
        streamed.add(Array(points.dropFirst()))
        #expect(streamed.all == read.all)
    }
}

@Suite("Graph routes")
struct GraphRouteTests {
    /// main: 5 commits, tracked; side: 2 more, untracked. Every commit has a run of "parse time" on one machine.
    private static func fixture() throws -> (web: WebContext, main: [String], side: [String], repo: TestRepository) {
        let repo = try TestRepository()
        let main = try repo.commits(5)
        try repo.git(["checkout", "-q", "-b", "side"])
        let side = try repo.commits(2, prefix: "side")
        try repo.git(["checkout", "-q", "main"])
        let store = try Store.inMemory()
        let git = try GitRepository(opening: repo.path)
        _ = try Importer(repository: git, store: store, logger: Logger(label: "test")).run()
        for (number, hash) in (main + side).enumerated() {
            try store.record(run(hash, number: number, value: 100 + Double(number)))
        }
        let web = WebContext(store: store, sync: SyncStatus(), repositoryPath: repo.path, resolver: RevisionResolver(store: store, repository: git))
        return (web, main, side, repo)
    }

    private static func run(_ hash: String, number: Int, value: Double, metric: String = "parse time") -> Run {
        Run(id: "run-\(hash.prefix(8))-\(number)", commit: hash, benchMethod: "command", runnerName: "bench-1",
            fingerprint: ["cpu": "test"], start: 1_000 + Int64(number), end: 2_000 + Int64(number), exitCode: 0, origin: .runner,
            measurements: [try! Measurement(metric: metric, value: value, unit: "ms")])
    }

    private static func json(_ response: TestResponse) throws -> JSONValue {
        try JSONValue.parse(Array(response.body.readableBytesView))
    }

    @Test("a metric's series: tracked refs by default, the whole history on request, columns in commit order")
    func seriesColumns() async throws {
        let (web, main, side, repo) = try Self.fixture()
        _ = repo
        try await Application(router: WebRoutes.router(web)).test(.router) { client in
            let tracked = try Self.json(try await client.execute(uri: "/api/graph/series?metric=parse%20time", method: .get))
            #expect(tracked["metric"] == "parse time")
            #expect(tracked["unit"] == "ms")
            #expect(tracked["refs"] == "tracked")
            let line = try #require(tracked["lines"]?.arrayValue?.first)
            #expect(tracked["lines"]?.arrayValue?.count == 1)
            #expect(line["runner"] == "bench-1")
            #expect(line["commit"]?.arrayValue?.compactMap(\.stringValue) == main)
            #expect(line["y"]?.arrayValue?.compactMap(\.doubleValue) == [100, 101, 102, 103, 104])
            let x = line["x"]?.arrayValue?.compactMap(\.intValue) ?? []
            #expect(x.count == 5 && x == x.sorted() && x.allSatisfy { $0 % 1000 == 0 })

            let all = try Self.json(try await client.execute(uri: "/api/graph/series?metric=parse%20time&refs=all", method: .get))
            #expect(all["lines"]?.arrayValue?.first?["commit"]?.arrayValue?.compactMap(\.stringValue) == main + side)

            // A range in milliseconds narrows to the commits inside it, both ends included.
            let range = try Self.json(try await client.execute(uri: "/api/graph/series?metric=parse%20time&from=\(x[1])&to=\(x[3])", method: .get))
            #expect(range["lines"]?.arrayValue?.first?["commit"]?.arrayValue?.compactMap(\.stringValue) == Array(main[1...3]))
        }
    }

    @Test("a reported change is marked on its machine's line; unreported ones are not")
    func changeMarks() async throws {
        let (web, main, _, repo) = try Self.fixture()
        _ = repo
        let series = try #require(try web.store.detectionSeries(ref: "refs/heads/main", tip: try web.store.commitID(of: main[4]), window: 100).first)
        let ids = try main.map { try web.store.commitID(of: $0) }
        func fields(_ state: ChangeState, low: Int, high: Int) -> ChangeFields {
            ChangeFields(lowCommit: ids[low], highCommit: ids[high], before: 100, after: 110, magnitude: 0.1, kind: .regression,
                         confidence: 0.99, state: state, requeues: 0)
        }
        try web.store.apply([.insert(fields(.confirmed, low: 2, high: 3)), .insert(fields(.confirming, low: 0, high: 1))],
                            for: series, priority: 10, hooks: [], now: 1_000)
        try await Application(router: WebRoutes.router(web)).test(.router) { client in
            let reply = try Self.json(try await client.execute(uri: "/api/graph/series?metric=parse%20time", method: .get))
            let marks = reply["lines"]?.arrayValue?.first?["changes"]?.arrayValue ?? []
            #expect(marks.count == 1)
            #expect(marks.first?["commit"] == .string(main[3]))
            #expect(marks.first?["kind"] == "regression")
            #expect(marks.first?["state"] == "confirmed")
            #expect(marks.first?["x"] == reply["lines"]?.arrayValue?.first?["x"]?.arrayValue?[3])
        }
    }

    @Test("concurrent requests for a metric not cached yet share one read; a new run is added without another")
    func singleFlight() async throws {
        let (web, main, _, repo) = try Self.fixture()
        _ = repo
        let cache = SeriesCache(store: web.store)
        let counts = try await withThrowingTaskGroup(of: Int?.self) { group in
            for _ in 0..<16 { group.addTask { try await cache.series("parse time")?.pointCount } }
            return try await group.reduce(into: [Int?]()) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 7, count: 16))
        #expect(cache.statistics.reads == 1)

        try web.store.record(Self.run(main[0], number: 50, value: 1))
        #expect(try await cache.series("parse time")?.all.first?.value.first == 50.5)
        #expect(cache.statistics.reads == 1)
    }

    @Test("past its memory budget the cache keeps the most recently used metrics")
    func memoryBound() async throws {
        let (web, main, _, repo) = try Self.fixture()
        _ = repo
        for (number, metric) in ["a", "b", "c"].enumerated() {
            try web.store.record(Self.run(main[0], number: 100 + number, value: 1, metric: metric))
        }
        let one = try #require(try await SeriesCache(store: web.store).series("a")).estimatedBytes
        let cache = SeriesCache(store: web.store, budgetBytes: 2 * one)
        for metric in ["a", "b", "c"] { _ = try await cache.series(metric) }
        #expect(cache.statistics.cached == ["b", "c"])
    }

    @Test("a new run shows on the next request")
    func newRunsShow() async throws {
        let (web, main, _, repo) = try Self.fixture()
        _ = repo
        try await Application(router: WebRoutes.router(web)).test(.router) { client in
            let before = try Self.json(try await client.execute(uri: "/api/graph/series?metric=parse%20time", method: .get))
            #expect(before["lines"]?.arrayValue?.first?["y"]?.arrayValue?.count == 5)
            try web.store.record(Self.run(main[4], number: 99, value: 300))
            let after = try Self.json(try await client.execute(uri: "/api/graph/series?metric=parse%20time", method: .get))
            // The last commit now has runs 104 and 300: its median is 202.
            #expect(after["lines"]?.arrayValue?.first?["y"]?.arrayValue?.last?.doubleValue == 202)
        }
    }

    @Test("bad parameters are refused with what is wrong; an unknown metric is 404")
    func badParameters() async throws {
        let (web, _, _, repo) = try Self.fixture()
        _ = repo
        try await Application(router: WebRoutes.router(web)).test(.router) { client in
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("/api/graph/series", .badRequest, "name the metric"),
                ("/api/graph/series?metric=parse%20time&refs=some", .badRequest, "refs must be tracked or all"),
                ("/api/graph/series?metric=parse%20time&from=abc", .badRequest, "from must be Unix milliseconds"),
                ("/api/graph/series?metric=parse%20time&from=-9223372036854775808", .badRequest, "from must be Unix milliseconds"),
                ("/api/graph/series?metric=parse%20time&from=5000&to=1000", .badRequest, "from must not be after to"),
                ("/api/graph/series?metric=parse%20time&points=1", .badRequest, "points must be a number from 2"),
                ("/api/graph/series?metric=nope", .notFound, "no metric named \"nope\""),
            ]
            for (uri, status, message) in cases {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == status, "\(uri)")
                #expect(String(buffer: response.body).contains(message), "\(uri)")
            }
        }
    }

    @Test("the graph page lists every metric as text and draws the first ones by default")
    func page() async throws {
        let (web, main, _, repo) = try Self.fixture()
        _ = repo
        try web.store.record(Self.run(main[0], number: 50, value: 1, metric: "<img src=x onerror=alert(1)>"))
        try await Application(router: WebRoutes.router(web)).test(.router) { client in
            let redirect = try await client.execute(uri: "/graph?m=parse%20time", method: .get)
            #expect(redirect.status == .movedPermanently)
            #expect(redirect.headers[.location] == "/graph/?m=parse%20time")

            let page = try await client.execute(uri: "/graph/", method: .get)
            #expect(page.status == .ok)
            let body = String(buffer: page.body)
            #expect(!body.contains("<img src=x"))
            #expect(body.contains("value=\"&lt;img src=x onerror=alert(1)&gt;\""))
            #expect(body.contains("<span class=\"metric-name\">parse time</span>"))
            #expect(body.contains("data-default-metrics=\"[&quot;&lt;img src=x onerror=alert(1)&gt;&quot;,&quot;parse time&quot;]\""))
            if StaticAssets.dygraphsInstalled {
                #expect(body.contains("<script src=\"/static/dygraphs/dygraph.min.js\" defer></script>"))
                #expect(body.contains("/static/graph.js?v="))
            } else {
                #expect(body.contains("id=\"dygraphs-missing\""))
            }
        }
    }
}
