import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Commit page")
struct CommitPageTests {
    @Test("refs, branch names and short hashes redirect to the full hash; the full hash without a slash moves for good")
    func redirects() async throws {
        var head = ""
        let fixture = try PageFixture { repo in
            try repo.commit("first")
            head = try repo.commit("second")
        }
        for name in ["main", "refs/heads/main", String(head.prefix(7)), head.uppercased()] {
            let answer = try await fixture.get("/commit/\(name)/")
            #expect(answer.status == .found, "\(name)")
            #expect(answer.location == "/commit/\(head)/", "\(name)")
        }
        let bare = try await fixture.get("/commit/\(head)")
        #expect(bare.status == .movedPermanently)
        #expect(bare.location == "/commit/\(head)/")
        #expect(try await fixture.get("/commit/\(head)/").status == .ok)
    }

    @Test("an unknown name is a 404 page naming it, escaped; an ambiguous one lists what it could mean")
    func unknownAndAmbiguous() async throws {
        let fixture = try PageFixture { repo in
            try repo.commit("first")
            try repo.git(["branch", "v1"])
            try repo.git(["tag", "v1"])
        }
        let missing = try await fixture.get("/commit/%3Cscript%3Enope/")
        #expect(missing.status == .notFound)
        #expect(missing.body.contains("No commit or ref named <code>&lt;script&gt;nope</code>"))
        #expect(!missing.body.contains("<script>nope"))

        let ambiguous = try await fixture.get("/commit/v1/")
        #expect(ambiguous.status == .multipleChoices)
        #expect(ambiguous.body.contains("<code>v1</code> could mean any of these"))
        #expect(ambiguous.body.contains("<a href=\"/commit/refs/heads/v1/\"><code>refs/heads/v1</code></a>"))
        #expect(ambiguous.body.contains("<a href=\"/commit/refs/tags/v1/\"><code>refs/tags/v1</code></a>"))
    }

    @Test("shows message, people, parents, children, refs and queue state, escaping the repository's text")
    func details() async throws {
        var hashes: [String] = []
        let fixture = try PageFixture { repo in
            hashes.append(try repo.commit("base"))
            hashes.append(try repo.commit("<img src=x onerror=alert(1)> summary\n\nbody <b>line</b> & more", author: "Mallory \" onmouseover=\"x & 'co' Ltd"))
            hashes.append(try repo.commit("child"))
            try repo.git(["tag", "v<1>", hashes[1]])
        }
        _ = try fixture.store.enqueue([hashes[1]], priority: 7, now: 1)
        let page = try await fixture.get("/commit/\(hashes[1])/")
        #expect(page.status == .ok)
        #expect(!page.body.contains("<img src=x"))
        #expect(!page.body.contains("<b>line"))
        #expect(page.body.contains("body &lt;b&gt;line&lt;/b&gt; &amp; more"))
        #expect(page.body.contains("<pre class=\"message\" id=\"message\">"))
        // git drops angle brackets from names; quotes and ampersands stay, escaped here.
        #expect(page.body.contains("<td id=\"author\">Mallory &quot; onmouseover=&quot;x &amp; &#39;co&#39; Ltd <span"))
        #expect(page.body.contains("<a href=\"/commit/\(hashes[0])/\"><code>\(hashes[0].prefix(10))</code></a> <span class=\"summary\">base</span>"))
        #expect(page.body.contains("<a href=\"/commit/\(hashes[2])/\"><code>\(hashes[2].prefix(10))</code></a> <span class=\"summary\">child</span>"))
        #expect(page.body.contains(">v&lt;1&gt;</span>"))
        #expect(page.body.contains("queued with priority 7"))
        #expect(page.body.contains("No measurements yet: the commit is queued."))
    }

    @Test("measurements: the median per machine against the parent's runs on the same machine, coloured by direction")
    func deltas() async throws {
        var hashes: [String] = []
        let fixture = try PageFixture { repo in hashes = try repo.commits(2) }
        try fixture.store.setMetric("latency", unit: "s", direction: .lower)
        try fixture.store.setMetric("throughput", unit: "ops", direction: .higher)
        try fixture.record("p1", commit: hashes[0], values: ["latency": 2, "throughput": 100])
        try fixture.record("p2", commit: hashes[0], fingerprint: PageFixture.machineB, values: ["latency": 50])
        try fixture.record("c1", commit: hashes[1], values: ["latency": 2.4, "throughput": 90])
        try fixture.record("c2", commit: hashes[1], values: ["latency": 2.6, "throughput": 130], start: 1_700_000_100_000)
        try fixture.record("c3", commit: hashes[1], values: ["latency": 9], exitCode: 1)
        try fixture.record("c4", commit: hashes[1], fingerprint: ["cpu": "Other", "cores": 1], values: ["latency": 1])

        let body = try await fixture.get("/commit/\(hashes[1])/").body
        // Machine A: median 2.5 against 2 is 25 % slower; throughput 110 against 100 is better.
        let latency = try #require(body.row(ofMetric: "latency"))
        #expect(latency.contains("<td class=\"number delta worse\">+25.0 %</td>"))
        #expect(latency.contains("title=\"median of 2 runs\">2.5"))
        let throughput = try #require(body.row(ofMetric: "throughput"))
        #expect(throughput.contains("<td class=\"number delta better\">+10.0 %</td>"))
        // Machine B's parent run (50) is never compared with machine A's numbers.
        #expect(!body.contains(">50<"))
        // The third machine has no parent runs: it says so and shows no delta.
        #expect(body.contains("has no successful runs on this machine: no deltas."))
        #expect(body.components(separatedBy: "<section class=\"machine\">").count == 3)
        // The failed run is listed, but its numbers stay out of the medians.
        #expect(body.contains("<td class=\"error\">exit 1</td>"))
        #expect(!body.contains(">9<"))
    }

    @Test("a runner renamed on the same machine (same fingerprint) is still compared with the parent's runs")
    func renamedRunner() async throws {
        // Given the parent measured by bench-1 and the commit by the same machine renamed bench-2
        var hashes: [String] = []
        let fixture = try PageFixture { repo in hashes = try repo.commits(2) }
        try fixture.store.setMetric("latency", unit: "s", direction: .lower)
        try fixture.record("p1", commit: hashes[0], runner: "bench-1", values: ["latency": 2])
        try fixture.record("c1", commit: hashes[1], runner: "bench-2", values: ["latency": 3])
        // And a fingerprint-less run of the parent under the commit's runner name
        try fixture.record("p2", commit: hashes[0], runner: "bench-2", fingerprint: nil, values: ["latency": 100])
        // When the commit's page is shown
        let body = try await fixture.get("/commit/\(hashes[1])/").body
        // Then the commit's run is compared with bench-1's parent run: one machine, a delta of +50 %
        #expect(body.contains("Deltas against the run of the parent"))
        #expect(try #require(body.row(ofMetric: "latency")).contains("<td class=\"number delta worse\">+50.0 %</td>"))
        // And the fingerprint-less run (another machine by the rule) is never the baseline
        #expect(!body.contains(">100<"))
        #expect(body.components(separatedBy: "<section class=\"machine\">").count == 2)
        // And the run's own page says the same
        let run = try await fixture.get("/run/c1/").body
        #expect(try #require(run.row(ofMetric: "latency")).contains("<td class=\"number delta worse\">+50.0 %</td>"))
    }
}
