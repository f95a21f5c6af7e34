import Foundation
@testable import TablejohnKit
import Testing
import TestSupport

@Suite("Runner API", .serialized)
struct RunnerAPITests {
    let repo: TestRepository
    let hashes: [String]

    init() throws {
        repo = try TestRepository()
        hashes = try repo.commits(3)
    }

    func tjctl(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try runTjctl(arguments, in: repo.path)
    }

    static func basic(_ name: String, _ token: String) -> String {
        "Basic " + Data("\(name):\(token)".utf8).base64EncodedString()
    }

    func status(_ daemon: DaemonProcess, _ name: String, _ token: String, _ body: JSONValue) async throws -> (status: Int, body: String) {
        try await daemon.post("/api/runner/status", body: Data(try body.serialized()), authorization: Self.basic(name, token))
    }

    @Test("a runner with a token gets a queued commit, submits its run once, and others are refused")
    func statusCalls() async throws {
        let daemon = try DaemonProcess(serve: [], in: repo.path)
        try await daemon.waitUntilServing()
        _ = try await daemon.waitForPage("/") { $0.contains("3 commits") }
        let token = try tjctl("runner", "add", "box-a").stdout.trimmingCharacters(in: .newlines)
        let otherToken = try tjctl("runner", "add", "box-b").stdout.trimmingCharacters(in: .newlines)
        #expect(try tjctl("queue", "add", hashes[2]).status == 0)
        let idle: JSONValue = ["secret": "secret-of-a-1", "status": ["type": "idle"], "request_run": true,
                               "fingerprint": ["cpu": "Test CPU", "cores": 2]]

        // Without credentials, or with a wrong token: 401 and nothing handed out.
        let anonymous = try await daemon.post("/api/runner/status", body: Data(try idle.serialized()))
        #expect(anonymous.status == 401)
        #expect(anonymous.body.contains("tjctl runner add NAME"))
        #expect(try await status(daemon, "box-a", otherToken, idle).status == 401)
        #expect(try await status(daemon, "nobody", token, idle).status == 401)

        // The first idle runner asking for work gets the queued commit.
        let first = try await status(daemon, "box-a", token, idle)
        #expect(first.status == 200)
        let reply = try JSONValue.parse(first.body)
        let runID = try #require(reply["run"]?["id"]?.stringValue)
        #expect(reply["run"]?["hash"] == .string(hashes[2]))
        #expect(reply["run"]?["bench_method"] == ["type": "internal"])
        #expect(reply["abort_run"] == false)
        // It is reserved: another runner gets nothing, a second process named box-a is refused.
        let other = try await status(daemon, "box-b", otherToken, ["secret": "secret-of-b-1", "status": ["type": "idle"], "request_run": true])
        #expect(try JSONValue.parse(other.body)["run"] == .null)
        let impostor = try await status(daemon, "box-a", token, ["secret": "another-secret", "status": ["type": "idle"]])
        #expect(impostor.status == 409)
        #expect(impostor.body.contains("already connected from another process"))

        // Bad bodies: clear 400s, nothing changes.
        let garbage = try await daemon.post("/api/runner/status", body: Data("{oops".utf8), authorization: Self.basic("box-a", token))
        #expect(garbage.status == 400)
        #expect(garbage.body.hasPrefix("the body is not JSON"))
        let noSecret = try await status(daemon, "box-a", token, ["status": ["type": "idle"]])
        #expect(noSecret.status == 400)
        #expect(noSecret.body.contains("\"secret\""))
        // Over the size limit: 413, and the run is not stored.
        let huge: JSONValue = ["secret": "secret-of-a-1", "status": ["type": "idle"],
                               "submit_run": ["id": .string(runID), "output": [["stdout", .string(String(repeating: "x", count: 9 << 20))]]]]
        let tooLarge = try await status(daemon, "box-a", token, huge)
        #expect(tooLarge.status == 413)
        #expect(tooLarge.body.contains("larger than 8 MiB"))

        // The finished run, submitted twice (a retry after a lost reply), lands once.
        let submission: JSONValue = [
            "secret": "secret-of-a-1", "status": ["type": "idle"],
            "submit_run": ["id": .string(runID), "hash": .string(hashes[2]), "bench_method": "internal",
                           "start": "2026-11-22T10:00:00Z", "end": "2026-11-22T10:00:05.5Z", "exit_code": 0,
                           "output": [["stdout", "counted"], ["internal", "done"]],
                           "measurements": ["lines": ["value": 42, "unit": "lines"], "time": ["value": 1.5, "unit": "s", "samples": [1.4, 1.6]]]],
        ]
        #expect(try await status(daemon, "box-a", token, submission).status == 200)
        #expect(try await status(daemon, "box-a", token, submission).status == 200)
        let runs = try JSONValue.parse(try tjctl("runs", "--json").stdout)
        #expect(runs["runs"]?.arrayValue?.count == 1)
        #expect(runs["runs"]?.arrayValue?.first?["id"] == .string(runID))
        #expect(runs["runs"]?.arrayValue?.first?["runner"] == "box-a")
        #expect(runs["runs"]?.arrayValue?.first?["measurements"] == 2)
        #expect(try tjctl("queue", "--json").stdout == "[]\n")
        let listed = try tjctl("runners")
        #expect(listed.stdout.contains("cpu=Test CPU"))

        // A revoked token stops working at once.
        #expect(try tjctl("runner", "revoke", "box-b").status == 0)
        #expect(try await status(daemon, "box-b", otherToken, ["secret": "secret-of-b-1", "status": ["type": "idle"]]).status == 401)
        _ = try await daemon.stop()
    }
}
