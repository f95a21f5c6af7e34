import Testing
@testable import TablejohnKit

@Suite("Runner live output")
struct RunnerLiveOutputTests {
    func lines(_ texts: String...) -> [LiveOutput.Line] { texts.map { (source: OutputSource.stdout, text: $0) } }
    func texts(_ output: LiveOutput, _ runner: String) -> [String] { output.entries[runner]?.lines.map(\.text) ?? [] }

    @Test("overlapping windows are pieced together; a repeated window adds nothing")
    func merges() {
        var output = LiveOutput()
        output.report(runner: "r", runID: "1", window: lines("a", "b", "c"))
        output.report(runner: "r", runID: "1", window: lines("b", "c", "d"))
        output.report(runner: "r", runID: "1", window: lines("b", "c", "d"))
        output.report(runner: "r", runID: "1", window: lines("d", "d"))
        #expect(texts(output, "r") == ["a", "b", "c", "d", "d"])
        // No overlap (more lines came than a window holds): appended as they are.
        output.report(runner: "r", runID: "1", window: lines("x", "y"))
        #expect(texts(output, "r") == ["a", "b", "c", "d", "d", "x", "y"])
    }

    @Test("a line from another stream is not an overlap")
    func streamsDiffer() {
        var output = LiveOutput()
        output.report(runner: "r", runID: "1", window: [(.stdout, "a")])
        output.report(runner: "r", runID: "1", window: [(.stderr, "a")])
        #expect(output.entries["r"]?.lines.map(\.source) == [.stdout, .stderr])
    }

    @Test("windows of identical lines merge in linear time and keep the newest line")
    func repeatedLines() {
        var output = LiveOutput()
        let same = Array(repeating: (source: OutputSource.stdout, text: String(repeating: "y", count: 4000)), count: 199)
        output.report(runner: "r", runID: "1", window: same)
        output.report(runner: "r", runID: "1", window: Array(same.dropFirst()) + [(.stdout, "done")])
        #expect(output.entries["r"]?.lines.count == 200)
        #expect(output.entries["r"]?.lines.last?.text == "done")
        #expect(LiveOutput.merge(lines("a", "b", "a", "b"), lines("a", "b", "a", "b", "c")).map(\.text) == ["a", "b", "a", "b", "c"])
        #expect(LiveOutput.merge(lines("a", "b", "c"), lines("c", "a")).map(\.text) == ["a", "b", "c", "a"])
    }

    @Test("bounded per runner; a new run starts afresh; finished and cleared runs are forgotten")
    func bounds() {
        var output = LiveOutput()
        output.report(runner: "r", runID: "1", window: (0..<500).map { (source: OutputSource.stdout, text: "line \($0)") })
        #expect(output.entries["r"]?.lines.count == LiveOutput.maximumLines)
        #expect(output.entries["r"]?.lines.last?.text == "line 499")
        output.report(runner: "r", runID: "1", window: [(.stdout, String(repeating: "x", count: 10_000))])
        #expect(output.entries["r"]?.lines.last?.text.utf8.count == LiveOutput.maximumLineBytes + "…".utf8.count)
        // One character with a megabyte of combining marks is cut by its bytes, not let through as one character.
        output.report(runner: "r", runID: "1", window: [(.stdout, "e" + String(repeating: "\u{301}", count: 500_000))])
        #expect(output.entries["r"]?.lines.last.map { $0.text.utf8.count <= LiveOutput.maximumLineBytes + 3 } == true)
        output.report(runner: "r", runID: "2", window: lines("new"))
        #expect(texts(output, "r") == ["new"])
        output.report(runner: "s", runID: "3", window: lines("s"))
        output.finished(runID: "2")
        output.clear(runner: "s")
        #expect(output.entries.isEmpty)
    }

    @Test("malformed last_output entries are skipped")
    func lenient() throws {
        let status: JSONValue = ["type": "working", "run": ["id": "1", "hash": "h",
                                                            "last_output": [["stdout", "ok"], ["bogus", "x"], ["stderr"], 5, ["internal", "fine"]]]]
        func window(_ status: JSONValue) throws -> [String] {
            guard case .working(let run) = try RunnerProtocol.StatusRequest(json: ["secret": "0123456789", "status": status], runner: "r").status else {
                return []
            }
            return run.lastOutput.map(\.text)
        }
        #expect(try window(status) == ["ok", "fine"])
        #expect(try window(["type": "idle"]).isEmpty)
    }
}
