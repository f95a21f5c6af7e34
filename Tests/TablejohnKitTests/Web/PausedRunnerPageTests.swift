import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Paused runners on the pages")
struct PausedRunnerPageTests {
    @Test("/queue/, the live API and /runner/NAME/ show a paused runner's state and reason, escaped")
    func pausedRunner() async throws {
        var hashes: [String] = []
        let fixture = try PageFixture { repo in hashes = try repo.commits(1) }
        _ = try fixture.store.enqueue([hashes[0]], priority: 0, now: 1)
        // Given a runner short of space whose reason carries markup and an escape
        let body: JSONValue = ["secret": "0123456789", "status": ["type": "idle"], "request_run": true,
                               "paused": "only 1 GiB free on /tmp/<script>\u{1B}[2J (needs 5 GiB)"]
        let reply = try await fixture.runners.status(name: "box", body: body, now: Timestamp.now())
        #expect(reply["run"] == .null)

        // When the queue page is read, then it shows the state and the reason as text
        let queue = try await fixture.get("/queue/")
        #expect(queue.body.contains("<span class=\"state state-paused\" data-field=\"state\">paused</span>"
            + "<span class=\"paused\" data-field=\"paused\">only 1 GiB free on /tmp/&lt;script&gt;?[2J (needs 5 GiB)</span>"))
        #expect(!queue.body.contains("<script>"))
        #expect(queue.body.contains("<h2>Queued commits <span class=\"hint\" id=\"queue-total\">1 commit</span></h2>"))

        let live = try JSONValue.parse(Array(try await fixture.get("/api/queue/live").body.utf8))
        #expect(live["runners"]?.arrayValue?.first?["state"] == "paused")
        #expect(live["runners"]?.arrayValue?.first?["paused"] == "only 1 GiB free on /tmp/<script>?[2J (needs 5 GiB)")

        let page = try await fixture.get("/runner/box/")
        #expect(page.body.contains("<td id=\"state\"><span class=\"state state-paused\" data-field=\"state\">paused</span>"
            + "<span class=\"paused\" data-field=\"paused\">only 1 GiB free on /tmp/&lt;script&gt;?[2J (needs 5 GiB)</span></td>"))

        // When it has space again, the reason is gone
        _ = try await fixture.runners.status(name: "box", body: ["secret": "0123456789", "status": ["type": "idle"]], now: Timestamp.now())
        let after = try await fixture.get("/queue/")
        #expect(after.body.contains("<span class=\"state state-idle\" data-field=\"state\">idle</span><span class=\"paused\" data-field=\"paused\"></span>"))
        let liveAfter = try JSONValue.parse(Array(try await fixture.get("/api/queue/live").body.utf8))
        #expect(liveAfter["runners"]?.arrayValue?.first?["paused"] == .null)
    }
}
