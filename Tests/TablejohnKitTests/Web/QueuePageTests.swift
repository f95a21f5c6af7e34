import Foundation
import Hummingbird
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Queue page")
struct QueuePageTests {
    /// A status call of runner `name` at the current time.
    func status(_ fixture: PageFixture, _ name: String, _ status: JSONValue, requestRun: Bool = false,
                submit: JSONValue? = nil) async throws -> JSONValue {
        var body: JSONObject = ["secret": .string("secret-of-\(name)"), "fingerprint": PageFixture.machineA, "status": status,
                                "request_run": .bool(requestRun)]
        if let submit { body["submit_run"] = submit }
        return try await fixture.runners.status(name: name, body: .object(body), now: Timestamp.now())
    }

    @Test("shows each runner's state, run and last output lines, escaped; the live API serves the same lines merged")
    func liveOutput() async throws {
        var hashes: [String] = []
        let fixture = try PageFixture { repo in hashes = try repo.commits(2) }
        _ = try fixture.store.enqueue([hashes[0]], priority: 5, now: 1)
        let reply = try await status(fixture, "<r>", ["type": "idle"], requestRun: true)
        let runID = try #require(reply["run"]?["id"]?.stringValue)
        let hash = try #require(reply["run"]?["hash"]?.stringValue)
        func working(_ lines: [(String, String)]) -> JSONValue {
            ["type": "working", "run": ["id": .string(runID), "hash": .string(hash), "bench_method": "internal",
                                        "start": "2026-01-01T00:00:00Z",
                                        "last_output": .array(lines.map { [.string($0.0), .string($0.1)] })]]
        }
        _ = try await status(fixture, "<r>", working([("stdout", "one"), ("stderr", "<two>")]))
        _ = try await status(fixture, "<r>", working([("stderr", "<two>"), ("internal", "three")]))

        let live = try await fixture.get("/api/queue/live")
        let json = try JSONValue.parse(Array(live.body.utf8))
        let runner = try #require(json["runners"]?.arrayValue?.first)
        #expect(runner["name"] == "<r>")
        #expect(runner["state"] == "working")
        #expect(runner["run"]?["id"]?.stringValue == runID)
        #expect(runner["output"] == [["stdout", "one"], ["stderr", "<two>"], ["internal", "three"]])

        let page = try await fixture.get("/queue/")
        #expect(page.status == .ok)
        #expect(page.body.contains("<section class=\"runner\" data-runner=\"&lt;r&gt;\">"))
        #expect(page.body.contains("<span class=\"state state-working\" data-field=\"state\">working</span>"))
        #expect(page.body.contains("<span class=\"stderr\"><span class=\"source\">err</span> &lt;two&gt;</span>"))
        #expect(page.body.contains("<script src=\"/static/queue.js?v="))
        #expect(page.body.contains("<h2>Queued commits <span class=\"hint\" id=\"queue-total\">1 commit</span></h2>"))
        #expect(!page.body.contains("<r>"))

        // The submitted run takes its live output with it.
        let submission: JSONValue = ["id": .string(runID), "hash": .string(hash), "bench_method": "internal",
                                     "start": "2026-01-01T00:00:00Z", "end": "2026-01-01T00:00:01Z", "exit_code": 0]
        _ = try await status(fixture, "<r>", ["type": "idle"], submit: submission)
        let after = try JSONValue.parse(Array(try await fixture.get("/api/queue/live").body.utf8))
        #expect(after["runners"]?.arrayValue?.first?["state"] == "idle")
        #expect(after["runners"]?.arrayValue?.first?["output"] == [])
        #expect(after["queue_length"] == 0)
    }

    @Test("admin forms only for admins, each with the CSRF field and the way back")
    func adminForms() async throws {
        var hashes: [String] = []
        let fixture = try PageFixture { repo in hashes = try repo.commits(1) }
        _ = try fixture.store.enqueue([hashes[0]], priority: 2, now: 1)
        let anonymous = try await fixture.get("/queue/").body
        #expect(!anonymous.contains("/admin/"))

        let body = try await fixture.get("/queue/", viewer: PageFixture.admin).body
        let csrf = "<input type=\"hidden\" name=\"csrf\" value=\"tok&lt;en&gt;\">"
        let back = "<input type=\"hidden\" name=\"back\" value=\"/queue/\">"
        for action in ["/admin/queue/add", "/admin/queue/remove", "/admin/queue/priority", "/admin/fetch"] {
            let form = try #require(body.form(action: action), "\(action)")
            #expect(form.contains("method=\"post\""))
            #expect(form.contains(csrf) && form.contains(back), "\(action)")
        }
        #expect(try #require(body.form(action: "/admin/queue/add")).contains("name=\"priority\""))
        #expect(body.contains("<input type=\"hidden\" name=\"commit\" value=\"\(hashes[0])\">"))
        #expect(body.contains("name=\"priority\" value=\"2\""))
    }

    @Test("the list is bounded and says how many are queued in all; /queue redirects to /queue/")
    func bounded() async throws {
        let fixture = try PageFixture { repo in try repo.commits(3) }
        let hashes = try fixture.repo.git(["rev-list", "main"]).split(separator: "\n").map(String.init)
        _ = try fixture.store.enqueue(hashes, priority: 0, now: 1)
        let page = QueuePage(runners: [], queue: try fixture.store.queue(limit: 2), total: try fixture.store.queueLength()).render()
        #expect(page.contains("The first 2 of 3 queued commits."))
        let bare = try await fixture.get("/queue")
        #expect(bare.status == .movedPermanently)
        #expect(bare.location == "/queue/")
    }
}
