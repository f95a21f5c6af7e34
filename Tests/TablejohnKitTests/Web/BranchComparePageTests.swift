import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Branch compare pages and run addresses")
struct BranchComparePageTests {
    /// main: m1 ← m2; feature branches off m1 with f1.
    static func fixture() throws -> (PageFixture, main: [String], feature: String) {
        var main: [String] = []
        var feature = ""
        let fixture = try PageFixture { repo in
            main.append(try repo.commit("m1"))
            try repo.git(["checkout", "-q", "-b", "feature"])
            feature = try repo.commit("f1", file: "feature.txt")
            try repo.git(["checkout", "-q", "main"])
            main.append(try repo.commit("m2"))
        }
        return (fixture, main, feature)
    }

    func record(_ fixture: PageFixture, _ id: String, commit: String, _ samples: [String: [Double]], start: Int64 = 1_700_000_000_000,
                fingerprint: JSONValue = PageFixture.machineA) throws {
        let run = try Run(id: id, commit: commit, benchMethod: "command", runnerName: "bench-1", fingerprint: fingerprint,
                          start: start, end: start + 1, exitCode: 0, origin: .runner,
                          measurements: samples.map { try Measurement(metric: $0.key, samples: $0.value, unit: "ms") })
        try fixture.store.record(run)
    }

    @Test("/compare/main...feature/ judges the branch against the merge base: one metric 20 % slower, one unchanged")
    func branchVerdicts() async throws {
        let (fixture, main, feature) = try Self.fixture()
        try fixture.store.setMetric("parse", unit: "ms", direction: .lower)
        try fixture.store.setMetric("render", unit: "ms", direction: .lower)
        try record(fixture, "base", commit: main[0], ["parse": [100, 101, 99, 100.5, 99.5], "render": [50, 51, 49, 50.5, 49.5]])
        try record(fixture, "tip", commit: main[1], ["parse": [10, 10, 10, 10, 10]])
        try record(fixture, "branch", commit: feature, ["parse": [120, 121.2, 118.8, 120.6, 119.4], "render": [50.2, 50.9, 49.1, 50.4, 49.6]])

        let page = try await fixture.get("/compare/main...feature/")
        #expect(page.status == .ok)
        #expect(page.body.contains("<p id=\"summary\">1 regression, 0 improvements, 1 without significant change; geometric mean of changes +9.8 %</p>"))
        let parse = try #require(page.body.row(ofMetric: "parse"))
        #expect(parse.contains("<td class=\"number delta worse\">+20.0 %</td><td class=\"verdict worse\">regression</td>"))
        let render = try #require(page.body.row(ofMetric: "render"))
        #expect(render.contains("<td class=\"verdict neutral\">no significant change</td>"))
        // The merge base is m1, not main's tip, whose runs would make render look missing and parse faster
        #expect(page.body.contains("href=\"/commit/\(main[0])/\""))
        #expect(page.body.contains("<a href=\"?sort=change\">Change</a>"))
        // Sorting by metric puts parse before render; by default regressions come first either way
        let byMetric = try await fixture.get("/compare/main...feature/?sort=metric").body
        #expect(try #require(byMetric.range(of: "<td class=\"metric\">parse")).lowerBound < (try #require(byMetric.range(of: "<td class=\"metric\">render")).lowerBound))
        #expect(try fixture.store.queue().first { $0.hash == main[0] }?.priority != BranchComparer.mergeBasePriority,
                "a merge base with runs is not queued for the comparison")
    }

    @Test("a merge base without runs on HEAD's machine is queued at raised priority when BASE is a tracked ref or for an admin")
    func mergeBaseQueued() async throws {
        let (fixture, main, feature) = try Self.fixture()
        try fixture.store.setTracked("refs/heads/main", true)
        try record(fixture, "elsewhere", commit: main[0], ["parse": [1, 1, 1]], fingerprint: PageFixture.machineB)
        try record(fixture, "branch", commit: feature, ["parse": [2, 2, 2]])
        func priority() throws -> Int? { try fixture.store.queue().first { $0.hash == main[0] }?.priority }
        let before = try priority()

        // Given a base named by hash, When an anonymous reader compares, Then nothing is queued and the page says how it would be
        let anonymous = try await fixture.get("/compare/\(main[1])...feature/")
        #expect(anonymous.body.contains("has no runs on HEAD&#39;s machine. A comparison against a tracked ref, or by an admin, queues it."))
        #expect(try priority() == before)

        // When the base is the tracked main, Then the merge base is queued first in line
        let page = try await fixture.get("/compare/main...feature/")
        #expect(page.status == .ok)
        #expect(page.body.contains("<p class=\"warning\" id=\"waiting\">No verdict yet: the merge base \(main[0].prefix(10)) has no runs on HEAD&#39;s machine; it is queued."))
        let queue = try fixture.store.queue()
        #expect(queue.first?.hash == main[0], "first in line")
        #expect(queue.first?.priority == BranchComparer.mergeBasePriority)

        // And an admin's comparison queues it whatever the base's name
        _ = try fixture.store.dequeue(main[0])
        _ = try await fixture.get("/compare/\(main[1])...feature/", viewer: PageFixture.admin)
        #expect(try priority() == BranchComparer.mergeBasePriority)
    }

    @Test("bad names on the branch compare page are refused or not found, naming them")
    func badNames() async throws {
        let (fixture, _, _) = try Self.fixture()
        let unknown = try await fixture.get("/compare/main...nope/")
        #expect(unknown.status == .notFound)
        #expect(unknown.body.contains("<code>nope</code>"))
        let refused = try await fixture.get("/compare/main...main%40%7B1%7D/")
        #expect(refused.status == .badRequest)
        let threshold = try await fixture.get("/compare/main...feature/?threshold=lots")
        #expect(threshold.status == .badRequest)
        for hostile in ["nan", "inf", "-1", "1e400", "10001", "%00", String(repeating: "9", count: 5000)] {
            let answer = try await fixture.get("/compare/main...feature/?threshold=\(hostile)")
            #expect(answer.status == .badRequest, "threshold=\(hostile.prefix(20))")
        }
        #expect(try fixture.store.queue().isEmpty, "a refused comparison queues nothing")
        let bare = try await fixture.get("/compare/main...feature")
        #expect(bare.status == .movedPermanently)
        #expect(bare.location == "/compare/main...feature/")
    }

    @Test("GET /api/changes refuses out-of-range, overflowing, wrongly typed and odd-byte parameters with 400 naming the rule")
    func changesParameters() async throws {
        let (fixture, _, _) = try Self.fixture()
        let refused: [(String, String)] = [
            ("limit=0", "limit must be a number"), ("limit=-1", "limit must be a number"),
            ("limit=99999999999999999999", "limit must be a number"), ("limit=1e3", "limit must be a number"),
            ("all=maybe", "all and tracked must be"), ("tracked=%00", "all and tracked must be"),
            ("state=bogus", "state must be one of"), ("kind=%C3%A9", "kind must be one of"),
            ("commit=main%40%7B1%7D", "syntax is not accepted"),
            ("commit=" + String(repeating: "a", count: 5000), "longer than 1024 bytes"),
        ]
        try await Application(router: WebRoutes.router(fixture.web)).test(.router) { client in
            for (query, message) in refused {
                let (status, body) = try await client.execute(uri: "/api/changes?\(query)", method: .get) { ($0.status, String(buffer: $0.body)) }
                #expect(status == .badRequest, "\(query.prefix(30)): \(status) \(body.prefix(200))")
                #expect(body.contains(message), "\(query.prefix(30)): \(body.prefix(200))")
            }
            let fine = try await client.execute(uri: "/api/changes?limit=1&all=true&tracked=0&state=any", method: .get) {
                ($0.status, String(buffer: $0.body))
            }
            #expect(fine.0 == .ok)
            #expect(fine.1 == "[]")
        }
    }

    @Test("/run/<ref>/ and /compare/<rev>/<rev>/ redirect (302) to run pages, preferring runs of the same machine")
    func runRedirects() async throws {
        let (fixture, main, feature) = try Self.fixture()
        try record(fixture, "old-tip", commit: main[1], ["x": [1]], start: 1_700_000_000_000)
        try record(fixture, "new-tip", commit: main[1], ["x": [1]], start: 1_700_000_100_000, fingerprint: PageFixture.machineB)
        try record(fixture, "feature-a", commit: feature, ["x": [2]])

        let run = try await fixture.get("/run/main/")
        #expect(run.status == .found)
        #expect(run.location == "/run/new-tip/")
        #expect(try await fixture.get("/run/\(main[1].prefix(8))/").location == "/run/new-tip/")
        let compare = try await fixture.get("/compare/main/feature/")
        #expect(compare.status == .found)
        #expect(compare.location == "/compare/old-tip/feature-a/", "main's run on feature's machine, not main's newest")
        #expect(try await fixture.get("/compare/feature-a/main/").location == "/compare/feature-a/old-tip/")

        let none = try await fixture.get("/run/main~1/")
        #expect(none.status == .notFound)
        #expect(none.body.contains("No run of commit named <code>main~1</code>."))
        #expect(none.body.contains("which has no runs yet"))
        let missing = try await fixture.get("/compare/main/nope/")
        #expect(missing.status == .notFound)
        #expect(missing.body.contains("No run named <code>nope</code>."))
    }
}

extension BranchComparePageTests {
    @Test("a branch name with a slash works in two segments (redirected) and percent-encoded; hostile metric names are escaped")
    func slashAndEscaping() async throws {
        var main = ""
        var feature = ""
        let fixture = try PageFixture { repo in
            main = try repo.commit("m1")
            try repo.git(["checkout", "-q", "-b", "team/feature"])
            feature = try repo.commit("f1", file: "feature.txt")
            try repo.git(["checkout", "-q", "main"])
        }
        try record(fixture, "base", commit: main, ["<b>x</b>": [1, 2, 3, 4, 5]])
        try record(fixture, "branch", commit: feature, ["<b>x</b>": [1, 2, 3, 4, 5]])
        let split = try await fixture.get("/compare/main...team/feature/")
        #expect(split.status == .movedPermanently)
        #expect(split.location == "/compare/main...team%2Ffeature/")
        let page = try await fixture.get("/compare/main...team%2Ffeature/")
        #expect(page.status == .ok)
        #expect(page.body.contains("<td class=\"metric\">&lt;b&gt;x&lt;/b&gt;</td>"))
        #expect(!page.body.contains("<b>x</b>"))
        #expect(page.body.contains("0 regressions, 0 improvements, 1 without significant change"))
    }
}

extension BranchComparePageTests {
    @Test("single runs are judged against the metric's noise along BASE's first-parent history")
    func noiseAlongBase() async throws {
        // Given main with 8 benchmarked commits around 100 ms (±1), and two branches off its fourth commit with one run each
        var main: [String] = []
        var slow = "", same = ""
        let fixture = try PageFixture { repo in
            main = try repo.commits(4)
            try repo.git(["checkout", "-q", "-b", "slow"])
            slow = try repo.commit("slow", file: "slow.txt")
            try repo.git(["checkout", "-q", "-b", "same", main[3]])
            same = try repo.commit("same", file: "same.txt")
            try repo.git(["checkout", "-q", "main"])
            main += try repo.commits(4, prefix: "later")
        }
        try fixture.store.setMetric("parse", unit: "ms", direction: .lower)
        for (index, hash) in main.enumerated() {
            try record(fixture, "main-\(index)", commit: hash, ["parse": [100 + [0, 1, -1, 0.5, -0.5, 1, -1, 0][index]]])
        }
        try record(fixture, "slow", commit: slow, ["parse": [110]])
        try record(fixture, "same", commit: same, ["parse": [100.8]])

        // When each branch is compared with main, Then 10 % is far beyond the noise and 0.8 % within it
        let slowPage = try await fixture.get("/compare/main...slow/").body
        let slowRow = try #require(slowPage.row(ofMetric: "parse"))
        #expect(slowRow.contains("<td class=\"verdict worse\">regression</td>"))
        #expect(slowRow.contains("σ of the base&#39;s noise"))
        let samePage = try await fixture.get("/compare/main...same/").body
        #expect(try #require(samePage.row(ofMetric: "parse")).contains("<td class=\"verdict neutral\">no significant change</td>"))
    }

    @Test("/run/ takes tags and branch names with a percent-encoded slash")
    func runByTagAndSlash() async throws {
        var hashes: [String] = []
        let fixture = try PageFixture { repo in
            hashes = try repo.commits(2)
            try repo.git(["tag", "v1.0", hashes[0]])
            try repo.git(["branch", "team/topic", hashes[1]])
        }
        try record(fixture, "first", commit: hashes[0], ["x": [1]])
        try record(fixture, "second", commit: hashes[1], ["x": [1]])
        #expect(try await fixture.get("/run/v1.0/").location == "/run/first/")
        #expect(try await fixture.get("/run/team%2Ftopic/").location == "/run/second/")
        #expect(try await fixture.get("/compare/v1.0/team%2Ftopic/").location == "/compare/first/second/")
    }
}
