import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Runner page")
struct RunnerPageTests {
    @Test("a registered runner never seen: its state, and no runs yet")
    func neverSeen() async throws {
        let fixture = try PageFixture { repo in try repo.commits(1) }
        _ = try fixture.store.addRunner("bench-2", now: 1)
        let page = try await fixture.get("/runner/bench-2/")
        #expect(page.status == .ok)
        #expect(page.body.contains("<span class=\"state state-never-seen\" data-field=\"state\">never seen</span>"))
        #expect(page.body.contains("<td id=\"last-seen\">never</td>"))
        #expect(page.body.contains("No runs yet."))
    }

    @Test("a runner at work: state, machine, current run, last output; its runs page by page")
    func working() async throws {
        var hashes: [String] = []
        let fixture = try PageFixture { repo in hashes = try repo.commits(2) }
        for index in 0..<(RunnerPage.pageSize + 3) {
            try fixture.record("run-\(index)", commit: hashes[0], runner: "w<1>", values: ["x": 1], start: 1_700_000_000_000 + Int64(index))
        }
        _ = try fixture.store.enqueue([hashes[1]], priority: 0, now: 1)
        let body: JSONValue = ["secret": "0123456789", "fingerprint": PageFixture.machineB,
                               "status": ["type": "working", "run": ["id": "live-run", "hash": .string(hashes[1]),
                                                                     "last_output": [["stdout", "compiling <x>"]]]]]
        _ = try await fixture.runners.status(name: "w<1>", body: body, now: Timestamp.now())

        let page = try await fixture.get("/runner/w%3C1%3E/")
        #expect(page.status == .ok)
        #expect(page.body.contains("<span id=\"runner-name\">w&lt;1&gt;</span>"))
        #expect(page.body.contains("state-working"))
        #expect(page.body.contains("cpu: Ryzen B · cores: 16"))
        #expect(page.body.contains("on <a href=\"/commit/\(hashes[1])/\">"))
        #expect(page.body.contains("compiling &lt;x&gt;"))
        #expect(page.body.contains("href=\"/run/run-52/\""))
        #expect(!page.body.contains("href=\"/run/run-2/\""))
        let older = try #require(page.body.range(of: "/runner/w%3C1%3E/?before=")).upperBound
        let cursor = String(page.body[older...].prefix { $0 != "\"" })
        let next = try await fixture.get("/runner/w%3C1%3E/?before=\(cursor)").body
        #expect(next.contains("href=\"/run/run-2/\""))
        #expect(next.contains("href=\"/run/run-0/\""))
        #expect(!next.contains("href=\"/run/run-3/\""))
        #expect(next.contains("Newest runs"))
    }

    @Test("an unknown runner is a 404 naming it")
    func unknown() async throws {
        let fixture = try PageFixture { repo in try repo.commits(1) }
        let page = try await fixture.get("/runner/ghost/")
        #expect(page.status == .notFound)
        #expect(page.body.contains("No runner named <code>ghost</code>"))
    }
}
