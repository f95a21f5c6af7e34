import Foundation
import Testing
@testable import TablejohnKit

/// A reply handing out one run, with `run`'s fields replaced.
private func reply(_ changes: JSONObject = [:], method: JSONValue = ["type": "internal"]) -> JSONValue {
    var run: JSONObject = ["id": "r1", "hash": .string(String(repeating: "a", count: 40)), "start": "2026-12-01T00:00:00Z",
                           "timeout_s": 60, "bench_method": method]
    for (key, value) in changes.entries { run[key] = value }
    return ["run": .object(run), "abort_run": false]
}

private func order(_ id: String = "r1") -> RunOrder {
    RunOrder(id: id, hash: String(repeating: "b", count: 40), method: .internal, timeout: .seconds(60), start: "2026-12-01T00:00:00Z")
}

@Suite("Runner wire")
struct RunnerWireTests {
    @Test("a server's huge time limit is cut to 30 days instead of crashing the runner")
    func hugeTimeout() throws {
        let decoded = try RunnerProtocol.StatusReply(json: reply(["timeout_s": 1e300]))
        #expect(decoded.run?.timeout == .seconds(30 * 24 * 3600))
        #expect(try RunnerProtocol.StatusReply(json: reply(["timeout_s": .integer(Int64.max)])).run?.timeout == .seconds(30 * 24 * 3600))
        #expect(try RunnerProtocol.StatusReply(json: reply(["timeout_s": 1.5])).run?.timeout == .milliseconds(1500))
    }

    @Test("a negative, zero or non-numeric time limit, a bad id, hash or entry is refused with a message")
    func refusedReplies() {
        let refused: [(JSONValue, String)] = [
            (reply(["timeout_s": -5]), "the reply's timeout_s must be a positive number of seconds"),
            (reply(["timeout_s": 0]), "the reply's timeout_s must be a positive number of seconds"),
            (reply(["timeout_s": "NaN"]), "the reply's run lacks id, hash, start, timeout_s or bench_method"),
            (reply(["id": .string(String(repeating: "x", count: 100_000))]), "the reply's run id is empty, longer than 128 bytes or has control characters"),
            (reply(["id": "a\u{1}b"]), "the reply's run id is empty, longer than 128 bytes or has control characters"),
            (reply(["hash": "../../../etc"]), "the reply's run hash is not a full commit hash"),
            (reply(["start": .string(String(repeating: "9", count: 1000))]), "the reply's run start is longer than 64 bytes"),
            (reply(method: ["type": "bench_repo", "hash": .string(String(repeating: "c", count: 40)), "entry": "../../bin/evil"]),
             "a bench_repo entry must be a relative path inside the bench repository"),
            (reply(method: ["type": "bench_repo", "hash": "HEAD", "entry": "run.sh"]), "a bench_repo run whose hash is not a full commit hash"),
        ]
        for (value, message) in refused {
            #expect(throws: RunnerWireError(message: message)) { try RunnerProtocol.StatusReply(json: value) }
        }
    }

    @Test("control bytes count as JSON writes them: six bytes each, two for a newline or quote")
    func encodedSize() throws {
        #expect(RunnerWire.encodedSize("\u{1}\u{1}") == 12)
        #expect(RunnerWire.encodedSize("a\n\"") == 5)
        #expect(RunnerWire.encodedSize("é") == 2)
        let text = String(repeating: "\u{1}", count: 1000) + "x\"\\\n\t"
        let encoded = try JSONValue.string(text).serialized()
        #expect(RunnerWire.encodedSize(text) == encoded.count - 2)
    }

    @Test("output whose escaped form is over the budget is cut, with a line saying so; measurements are kept")
    func outputBudget() throws {
        let line = String(repeating: "\u{1}", count: 10_000)  // 60,000 bytes once escaped
        let run = FinishedRun(order: order(), start: 0, end: 1, exitCode: 0, output: Array(repeating: (.stdout, line), count: 100),
                              measurements: [try Measurement(metric: "time", value: 1.5)])
        let submission = RunnerWire.submission(run, outputBudget: 1 << 20)
        #expect(try submission.serialized().count < (1 << 20) + 1000)
        let output = try #require(submission["output"]?.arrayValue)
        #expect(output.count == 18)
        #expect(output.last == ["internal", "tablejohn: output truncated to fit the server's size limit; 83 more lines were not sent"])
        #expect(submission["measurements"]?["time"]?["value"] == .real(1.5))
    }

    @Test("a measurement JSON cannot carry cannot be made, so every submission can be sent")
    func nonFinite() throws {
        // Measurement refuses ±inf and NaN where it is made (the adapters report the metric),
        // so the wire's drop-with-a-note never meets one.
        #expect(throws: MeasurementError.self) { try Measurement(metric: "time", value: .infinity) }
        #expect(throws: MeasurementError.self) { try Measurement(metric: "spread", value: 1, samples: [1, .nan]) }
        let run = FinishedRun(order: order(), start: 0, end: 1, exitCode: 0, output: [],
                              measurements: [try Measurement(metric: "size", value: 3)])
        let submission = RunnerWire.submission(run)
        #expect(throws: Never.self) { try submission.serialized() }
        #expect(submission["measurements"]?.objectValue?.keys.sorted() == ["size"])
        #expect(submission["output"] == [])
    }

    @Test("live output lines are cut to 2,000 characters")
    func liveLines() {
        let plan = StatusPlan(server: 0, activity: .working(order()), requestRun: false, submission: nil)
        let body = RunnerWire.statusBody(plan, secret: "0123456789", info: nil, fingerprint: .null,
                                         lastOutput: [(.stdout, String(repeating: "x", count: 1_000_000))])
        #expect(body["status"]?["run"]?["last_output"]?.arrayValue?.first?.arrayValue?.last?.stringValue?.count == 2_000)
    }
}

@Suite("Duration in milliseconds")
struct DurationMillisecondsTests {
    @Test("whole milliseconds, rounded down; saturating instead of trapping for absurd durations")
    func saturates() {
        #expect(Duration.milliseconds(1500).milliseconds == 1500)
        #expect(Duration.seconds(Int64.max).milliseconds == .max)
        #expect(Duration.seconds(Int64.min).milliseconds == .min)
    }
}
