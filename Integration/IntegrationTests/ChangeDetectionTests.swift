import Foundation
import Hummingbird
import Synchronization
import Testing
import TestSupport
@testable import TablejohnKit

/// A local HTTP server that keeps every POST body it receives.
final class WebhookReceiver: Sendable {
    final class Bodies: Sendable {
        let list = Mutex<[String]>([])
    }
    private let received = Bodies()
    private let chat = Bodies()
    let port: Int
    private let task: Task<Void, any Error>

    /// The bodies POSTed to /hook so far, oldest first.
    var bodies: [String] { received.list.withLock { $0 } }
    /// The bodies POSTed to /chat so far, oldest first.
    var chatBodies: [String] { chat.list.withLock { $0 } }

    init() async throws {
        let (received, chat) = (self.received, self.chat)
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            received.list.withLock { $0.append(String(buffer: buffer)) }
            return .ok
        }
        router.post("/chat") { request, _ -> HTTPResponse.Status in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            chat.list.withLock { $0.append(String(buffer: buffer)) }
            return .ok
        }
        let port = try FreePort.find()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        self.port = port
        task = Task { try await app.runService() }
        // Bounded wait until it answers.
        for _ in 0..<100 {
            if (try? runProgram(URL(fileURLWithPath: "/usr/bin/curl"), ["-s", "-o", "/dev/null", "http://127.0.0.1:\(port)/"], in: "/").status) == 0 {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func stop() { task.cancel() }
}

@Suite("Change detection end to end", .serialized)
struct ChangeDetectionTests {
    @Test("a 10 % step between benchmarked commits is bisected to its commit, confirmed by re-runs, shown, posted once and announced once in chat")
    func bisectConfirmReport() async throws {
        // Given 101 commits whose benchmark reads value.txt: about 100 ms up to commit 50, about 110 ms from commit 51 on
        let repo = try TestRepository()
        var hashes: [String] = []
        for index in 0..<101 {
            let jitter = Double((index * 37) % 11 - 5) * 0.1
            let value = (index < 50 ? 100.0 : 110.0) + jitter
            try String(format: "%.2f\n", value).write(toFile: repo.path + "/value.txt", atomically: true, encoding: .utf8)
            try repo.git(["add", "value.txt"])
            hashes.append(try repo.commit("change \(index + 1)", file: "notes.txt"))
        }
        let stepCommit = hashes[50]
        let receiver = try await WebhookReceiver()
        defer { receiver.stop() }
        let config = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
        try """
            [bench]
            initial-backfill = 0
            method = "command"
            command = "printf '{\\"parse_time\\": {\\"value\\": %s, \\"unit\\": \\"ms\\"}}' $(cat value.txt) > \\"$TABLEJOHN_RESULTS\\""

            [runner]
            ping-interval = "200ms"

            [detect]
            interval = "300ms"

            [web]
            public-url = "https://bench.example.com/tj/"

            [hooks]
            webhook = "http://127.0.0.1:\(receiver.port)/hook"
            slack = "http://127.0.0.1:\(receiver.port)/chat"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let server = try DaemonProcess(serve: ["--config", config, "--local-runner"], in: repo.path)
        try await server.waitUntilServing()
        #expect(try runTjctl(["metric", "set", "parse_time", "--direction", "lower"], in: repo.path).status == 0)

        // When every fourth commit is benchmarked (the step lies between commits 49 and 53)
        for index in stride(from: 0, to: 101, by: 4) {
            #expect(try runTjctl(["queue", "add", hashes[index]], in: repo.path).status == 0)
        }

        // Then bisection pins the step to commit 51 and re-runs confirm it
        var change: JSONValue?
        for _ in 0..<600 where change == nil {
            let listed = try runTjctl(["changes", "--json", "--state", "confirmed"], in: repo.path)
            change = try JSONValue.parse(Array(listed.stdout.utf8)).arrayValue?.first
            if change == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        let confirmed = try #require(change, "no confirmed change; log:\n\(server.log)")
        #expect(confirmed["commit"] == .string(stepCommit))
        #expect(confirmed["base"] == .string(hashes[49]))
        #expect(confirmed["metric"] == "parse_time")
        #expect(confirmed["kind"] == "regression")
        let magnitude = try #require(confirmed["magnitude"]?.doubleValue)
        #expect(abs(magnitude - 0.10) < 0.02)

        let runs = try storedRuns(in: repo.path)
        func runCount(_ hash: String) -> Int { runs.filter { $0["commit"] == .string(hash) }.count }
        // Bisection benchmarked commits that were not sampled, between the two around the step
        #expect(runCount(hashes[50]) >= 2, "the commit was re-run")
        #expect(runCount(hashes[49]) >= 2, "its parent was re-run")
        #expect(runCount(hashes[51]) == 0 && runCount(hashes[1]) == 0, "commits away from the step were left alone")

        // And the change is on the front page, and the webhook got exactly one POST
        let page = try await server.waitForPage("/", until: { $0.contains(String(stepCommit.prefix(10))) })
        #expect(page.contains("parse_time"))
        for _ in 0..<100 where receiver.bodies.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: .seconds(2))  // a second POST would have arrived by now
        let posts = receiver.bodies
        #expect(posts.count == 1)
        let posted = try JSONValue.parse(Array((posts.first ?? "{}").utf8))
        #expect(posted["event"] == "regression")
        #expect(posted["commit"] == .string(stepCommit))
        #expect(posted["metric"] == "parse_time")
        let announced = receiver.chatBodies
        #expect(announced.count == 1)
        let message = try #require(try JSONValue.parse(Array((announced.first ?? "{}").utf8))["text"]?.stringValue)
        #expect(message.hasPrefix("*Regression* in `parse_time`: +"))
        #expect(message.contains("at `\(stepCommit.prefix(10))` change 51 (main)"))
        #expect(message.hasSuffix("<https://bench.example.com/tj/commit/\(stepCommit)/|Open the commit>"))

        // Acknowledging it hides it from the default listing
        let id = try #require(confirmed["id"]?.intValue)
        #expect(try runTjctl(["changes", "--ack", String(id)], in: repo.path).status == 0)
        let after = try runTjctl(["changes", "--json"], in: repo.path)
        #expect(try JSONValue.parse(Array(after.stdout.utf8)).arrayValue?.isEmpty == true)
        _ = try await server.stop()
    }
}
