import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Compare pages")
struct ComparePageTests {
    @Test("changes are judged by each metric's direction")
    func verdicts() {
        #expect(MetricChange(from: 2, to: 3, direction: .lower).verdict == .worse)
        #expect(MetricChange(from: 2, to: 1, direction: .lower).verdict == .better)
        #expect(MetricChange(from: 2, to: 3, direction: .higher).verdict == .better)
        #expect(MetricChange(from: 2, to: 3, direction: .neutral).verdict == .neutral)
        #expect(MetricChange(from: 2, to: 2, direction: .lower).verdict == .neutral)
        #expect(MetricChange(from: 2, to: 3, direction: .lower).text == "+50.0 %")
        #expect(MetricChange(from: -4, to: -2, direction: .higher).text == "+50.0 %")
        #expect(MetricChange(from: 0, to: 3, direction: .lower).text == "+3")
        #expect(MetricComparison.median([3, 1, 2]) == 2)
        #expect(MetricComparison.median([4, 1, 2, 3]) == 2.5)
        #expect(MetricComparison.median([]) == nil)
    }

    @Test("two runs side by side, the second against the first, coloured by direction")
    func sideBySide() async throws {
        var hashes: [String] = []
        let fixture = try PageFixture { repo in hashes = try repo.commits(2) }
        try fixture.store.setMetric("latency", unit: "s", direction: .lower)
        try fixture.record("a", commit: hashes[0], values: ["latency": 2])
        try fixture.record("b", commit: hashes[1], values: ["latency": 3])
        let page = try await fixture.get("/compare/a/b/")
        #expect(page.status == .ok)
        #expect(try #require(page.body.row(ofMetric: "latency")).contains("<td class=\"number delta worse\">+50.0 %</td>"))
        #expect(!page.body.contains("machine-warning"))
        #expect(page.body.contains("<a id=\"swap\" href=\"/compare/b/a/\">"))
    }

    @Test("runs from different machines are compared only under a warning")
    func differentMachines() async throws {
        var hashes: [String] = []
        let fixture = try PageFixture { repo in hashes = try repo.commits(1) }
        try fixture.record("a", commit: hashes[0], values: ["latency": 2])
        try fixture.record("b", commit: hashes[0], runner: "<evil>", fingerprint: PageFixture.machineB, values: ["latency": 3])
        let body = try await fixture.get("/compare/a/b/").body
        #expect(body.contains("<p class=\"warning\" id=\"machine-warning\">These runs come from different machines"))
        #expect(body.contains("&lt;evil&gt; (cpu: Ryzen B · cores: 16)"))
        #expect(!body.contains("<evil>"))
    }

    @Test("a renamed runner on the same fingerprint is the same machine: no warning; the same name without a fingerprint is another")
    func renamedRunner() async throws {
        var hashes: [String] = []
        let fixture = try PageFixture { repo in hashes = try repo.commits(1) }
        try fixture.record("a", commit: hashes[0], runner: "bench-1", values: ["latency": 2])
        try fixture.record("b", commit: hashes[0], runner: "bench-2", values: ["latency": 3])
        try fixture.record("c", commit: hashes[0], runner: "bench-1", fingerprint: nil, values: ["latency": 4])
        #expect(try await !fixture.get("/compare/a/b/").body.contains("id=\"machine-warning\""))
        #expect(try await fixture.get("/compare/a/c/").body.contains("id=\"machine-warning\""))
    }

    @Test("unknown runs are a 404 naming them; addresses without a slash redirect")
    func unknown() async throws {
        var hashes: [String] = []
        let fixture = try PageFixture { repo in hashes = try repo.commits(1) }
        try fixture.record("a", commit: hashes[0], values: ["x": 1])
        let one = try await fixture.get("/compare/a/zz%3Cx/")
        #expect(one.status == .notFound)
        #expect(one.body.contains("No run named <code>zz&lt;x</code>"))
        let both = try await fixture.get("/compare/y/z/")
        #expect(both.body.contains("No runs named <code>y, z</code>"))
        #expect(try await fixture.get("/compare/nope/").status == .notFound)
        let bare = try await fixture.get("/compare/a/a")
        #expect(bare.status == .movedPermanently)
        #expect(bare.location == "/compare/a/a/")
    }

    @Test("the picker lists the parent's runs (same machine first), the commit's and the runner's, and takes an id")
    func picker() async throws {
        var hashes: [String] = []
        let fixture = try PageFixture { repo in hashes = try repo.commits(2) }
        try fixture.record("parent-other", commit: hashes[0], fingerprint: PageFixture.machineB, values: ["x": 1],
                           start: 1_700_000_500_000)
        try fixture.record("parent-same", commit: hashes[0], values: ["x": 1])
        try fixture.record("sibling", commit: hashes[1], values: ["x": 1], start: 1_700_000_200_000)
        try fixture.record("mine", commit: hashes[1], values: ["x": 2], start: 1_700_000_300_000)
        let body = try await fixture.get("/compare/mine/").body
        let same = try #require(body.range(of: "href=\"/compare/mine/parent-same/\""))
        let other = try #require(body.range(of: "href=\"/compare/mine/parent-other/\""))
        #expect(same.lowerBound < other.lowerBound)
        #expect(body.contains("other machine"))
        #expect(body.contains("href=\"/compare/mine/sibling/\""))
        #expect(!body.contains("href=\"/compare/mine/mine/\""))
        #expect(body.contains("<form method=\"get\" action=\"/compare/mine/\""))

        let chosen = try await fixture.get("/compare/mine/?other=sibling")
        #expect(chosen.status == .found)
        #expect(chosen.location == "/compare/mine/sibling/")
    }
}
