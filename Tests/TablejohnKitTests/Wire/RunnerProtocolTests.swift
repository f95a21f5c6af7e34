import Foundation
import Testing
@testable import TablejohnKit

private let commit = String(repeating: "a", count: 40)
private let benchCommit = String(repeating: "c", count: 40)

/// Both sides of the runner protocol call the same codec: what one writes, the other reads.
@Suite("Runner protocol")
struct RunnerProtocolTests {
    @Test("a reply the server writes is the bytes RUNNERS.md shows, and the runner reads back the same order")
    func replyBytes() throws {
        // Given a run handed out with the bench-repo method and a named result format
        let order = RunOrder(id: "r1", hash: commit, method: .benchRepo(hash: benchCommit, entry: "run.sh"), timeout: .seconds(3600),
                             start: "2026-11-22T10:00:00.000Z", format: .goBench)
        // When the server encodes the reply
        let reply = RunnerProtocol.StatusReply(run: order, abort: false).json
        // Then its text is the documented shape, with the wire spelling bench_repo
        #expect(try reply.jsonString() == #"{"run":{"id":"r1","hash":"\#(commit)","bench_method":{"type":"bench_repo","hash":"\#(benchCommit)","entry":"run.sh","format":"go"},"timeout_s":3600,"start":"2026-11-22T10:00:00.000Z"},"abort_run":false}"#)
        // And the runner reads the same order back
        #expect(try RunnerProtocol.StatusReply(json: JSONValue.parse(Array(reply.serialized()))) == RunnerProtocol.StatusReply(run: order, abort: false))
    }

    @Test("every bench method survives the trip; a time limit in milliseconds goes out as whole seconds, rounded up")
    func methodsRoundTrip() throws {
        for method in [RunOrder.Method.internal, .command("make bench"), .benchRepo(hash: benchCommit, entry: "scripts/run.sh")] {
            let order = RunOrder(id: "r2", hash: commit, method: method, timeout: .seconds(60), start: "2026-12-01T00:00:00.000Z")
            #expect(try RunnerProtocol.StatusReply(json: RunnerProtocol.StatusReply(run: order, abort: true).json).run == order)
        }
        let short = RunOrder(id: "r3", hash: commit, method: .internal, timeout: .milliseconds(1500), start: "2026-12-01T00:00:00.000Z")
        #expect(short.json["timeout_s"] == 2)
        #expect(RunnerProtocol.StatusReply(run: nil, abort: false).json == ["run": nil, "abort_run": false])
    }

    @Test("a reply naming the method by its recorded name bench-repo is read as bench_repo")
    func eitherSpelling() throws {
        let reply: JSONValue = ["run": ["id": "r1", "hash": .string(commit), "start": "s", "timeout_s": 60,
                                        "bench_method": ["type": "bench-repo", "hash": .string(benchCommit), "entry": "run.sh"]]]
        #expect(try RunnerProtocol.StatusReply(json: reply).run?.method == .benchRepo(hash: benchCommit, entry: "run.sh"))
        #expect(throws: RunnerWireError(message: "unknown bench method \"bench repo\"")) {
            try RunnerProtocol.StatusReply(json: ["run": ["id": "r1", "hash": .string(commit), "start": "s", "timeout_s": 60,
                                                          "bench_method": ["type": "bench repo"]]])
        }
    }

    @Test("a status call the runner writes is read by the server: status, last output, pause, and the submitted run with its machine")
    func requestRoundTrip() throws {
        // Given a runner working on a bench-repo run that also delivers a finished one
        let order = RunOrder(id: "r1", hash: commit, method: .benchRepo(hash: benchCommit, entry: "run.sh"), timeout: .seconds(60),
                             start: "2026-12-01T00:00:00.000Z")
        let finished = FinishedRun(order: order, start: 1_764_547_200_000, end: 1_764_547_201_500, exitCode: 0,
                                   output: [(.stdout, "hello"), (.stderr, "warn")],
                                   measurements: [try Measurement(metric: "time", value: 1.5, unit: "s", samples: [1.4, 1.6]),
                                                  try Measurement(metric: "count", value: 3)])
        let plan = StatusPlan(server: 0, activity: .working(order), requestRun: false, paused: "disk", submission: finished)
        let fingerprint: JSONValue = ["cpu": "test", "machine": "lab-1"]
        // When it is encoded by the runner and read by the server as runner bench-1's call
        let body = RunnerWire.statusBody(plan, secret: "0123456789", info: "rack 4", fingerprint: fingerprint,
                                         lastOutput: [(.stdout, "hello")])
        let request = try RunnerProtocol.StatusRequest(json: JSONValue.parse(Array(body.serialized())), runner: "bench-1")
        // Then every field arrives
        #expect(request.secret == "0123456789")
        #expect(request.info == "rack 4")
        #expect(request.fingerprint == fingerprint)
        #expect(request.paused == "disk")
        #expect(!request.requestRun)
        guard case .working(let working) = request.status else { Issue.record("not working: \(request.status)"); return }
        #expect(working.id == "r1" && working.hash == commit && working.benchMethod == "bench-repo")
        #expect(working.lastOutput.map(\.text) == ["hello"])
        // And the submitted run is the stored shape, on bench-1's machine, with the method's recorded name
        let run = try #require(request.submitRun)
        #expect(run == Run(id: "r1", commit: commit, benchMethod: "bench-repo", runnerName: "bench-1", fingerprint: fingerprint,
                           start: 1_764_547_200_000, end: 1_764_547_201_500, exitCode: 0, origin: .runner,
                           measurements: finished.measurements, output: finished.output))
    }

    @Test("a submission naming its method by the wire spelling is recorded under the method's name")
    func submittedWireSpelling() throws {
        let body: JSONValue = ["secret": "0123456789", "status": ["type": "idle"],
                               "submit_run": ["id": "r9", "hash": .string(commit), "bench_method": "bench_repo",
                                              "start": "2026-12-01T00:00:00Z", "end": "2026-12-01T00:00:01Z", "exit_code": 0]]
        #expect(try RunnerProtocol.StatusRequest(json: body, runner: "r").submitRun?.benchMethod == "bench-repo")
    }

    @Test("a status call of the wrong shape is refused with a message naming the field")
    func strictRequest() {
        let refused: [(JSONValue, String)] = [
            ([1, 2], "the body must be a JSON object"),
            (["secret": "short", "status": ["type": "idle"]], "\"secret\" must be a string of 8 to 256 bytes, chosen at random when the runner starts"),
            (["secret": "0123456789", "fingerprint": "x", "status": ["type": "idle"]], "\"fingerprint\" must be an object"),
            (["secret": "0123456789", "status": ["type": "asleep"]], "status type \"asleep\" is not idle, busy or working"),
            (["secret": "0123456789", "status": ["type": "working", "run": ["id": "r1"]]], "a working status needs \"run\" with \"id\" and \"hash\""),
            (["secret": "0123456789", "status": ["type": "idle"], "request_run": "yes"], "\"request_run\" must be true or false"),
            (["secret": "0123456789", "status": ["type": "idle"], "paused": 5], "\"paused\" must be a string saying why the runner takes no work, or null"),
            (["secret": "0123456789", "status": ["type": "idle"], "submit_run": ["id": "r1"]], "submit_run: \"hash\" must be a non-empty string"),
        ]
        for (body, message) in refused {
            #expect(throws: RunnerWireError(message: message)) { try RunnerProtocol.StatusRequest(json: body, runner: "r") }
        }
    }

    @Test("a pending result written before the protocol had one home still loads, its bench_repo method included")
    func pendingFileCompatible() throws {
        let file: JSONValue = [
            "server": "http://tablejohn:8221",
            "order": ["id": "r1", "hash": .string(commit), "method": ["type": "bench_repo", "hash": .string(benchCommit), "entry": "run.sh"],
                      "timeout_ms": 60_000, "start": "2026-12-01T00:00:00.000Z", "format": nil],
            "start": 1, "end": 2, "exit_code": 0, "output": [["stdout", "x"]], "conditions": nil,
            "measurements": [["metric": "time", "value": 1.5, "unit": "s", "samples": nil, "lower": nil, "upper": nil]],
        ]
        let (run, server) = try PendingResults.decode(file)
        #expect(server == "http://tablejohn:8221")
        #expect(run.order.method == .benchRepo(hash: benchCommit, entry: "run.sh"))
        #expect(run.measurements.map(\.metric) == ["time"])
        // And what is written now is the same shape
        #expect(PendingResults.encode(run, server: server) == file)
    }
}
