import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Run page")
struct RunPageTests {
    @Test("links its commit and runner, offers a comparison, and shows deltas against the parent on the same machine")
    func deltas() async throws {
        var hashes: [String] = []
        let fixture = try PageFixture { repo in hashes = try repo.commits(2) }
        try fixture.store.setMetric("latency", unit: "s", direction: .lower)
        try fixture.record("parent-a1", commit: hashes[0], values: ["latency": 4])
        try fixture.record("parent-a2", commit: hashes[0], values: ["latency": 6])
        try fixture.record("parent-b", commit: hashes[0], fingerprint: PageFixture.machineB, values: ["latency": 100])
        try fixture.record("run-1", commit: hashes[1], values: ["latency": 4.5, "size": 10],
                           output: [(.stdout, "hello <world>"), (.stderr, "warn"), (.internal, "done")])

        let page = try await fixture.get("/run/run-1/")
        #expect(page.status == .ok)
        #expect(page.body.contains("<a href=\"/commit/\(hashes[1])/\">"))
        #expect(page.body.contains("<a href=\"/runner/bench-1/\">bench-1</a>"))
        #expect(page.body.contains("<a id=\"compare-link\" href=\"/compare/run-1/\">Compare with…</a>"))
        // Median of the parent's two machine-A runs is 5; 4.5 is 10 % better. Machine B's 100 is left out.
        let latency = try #require(page.body.row(ofMetric: "latency"))
        #expect(latency.contains("<td class=\"number delta better\">−10.0 %</td>"))
        #expect(latency.contains("title=\"median of 2 runs\">5"))
        #expect(page.body.contains("the median of 2 runs"))
        // A metric the parent lacks has no delta.
        #expect(try #require(page.body.row(ofMetric: "size")).contains("<td class=\"number delta\"></td>"))
        #expect(page.body.contains("<span class=\"stdout\"><span class=\"source\">out</span> hello &lt;world&gt;</span>"))
        #expect(page.body.contains("<span class=\"stderr\"><span class=\"source\">err</span> warn</span>"))
        #expect(page.body.contains("<span class=\"internal\"><span class=\"source\">tj </span> done</span>"))
    }

    @Test("a parent without runs on the machine is said so, without inventing a delta")
    func noBaseline() async throws {
        var hashes: [String] = []
        let fixture = try PageFixture { repo in hashes = try repo.commits(2) }
        try fixture.record("parent-b", commit: hashes[0], fingerprint: PageFixture.machineB, values: ["latency": 1])
        try fixture.record("run-1", commit: hashes[1], values: ["latency": 2])
        let body = try await fixture.get("/run/run-1/").body
        #expect(body.contains("has no successful runs on this machine: no deltas."))
        #expect(!body.contains("delta better") && !body.contains("delta worse"))
    }

    @Test("hostile runner and metric names are escaped; unknown runs are a 404 naming them; no slash redirects")
    func escapingAndAddresses() async throws {
        var hashes: [String] = []
        let fixture = try PageFixture { repo in hashes = try repo.commits(1) }
        try fixture.record("r1", commit: hashes[0], runner: "<i>runner</i>", values: ["<b>metric</b>": 1])
        let body = try await fixture.get("/run/r1/").body
        #expect(!body.contains("<i>runner") && !body.contains("<b>metric"))
        #expect(body.contains("&lt;i&gt;runner&lt;/i&gt;"))
        #expect(body.contains("<td class=\"metric\">&lt;b&gt;metric&lt;/b&gt;</td>"))

        let missing = try await fixture.get("/run/%3Cnope%3E/")
        #expect(missing.status == .notFound)
        #expect(missing.body.contains("No run named <code>&lt;nope&gt;</code>"))
        let bare = try await fixture.get("/run/r1")
        #expect(bare.status == .movedPermanently)
        #expect(bare.location == "/run/r1/")
    }
}
