import Foundation
import Testing
import TestSupport
@testable import TablejohnKit

@Suite("Bench process")
struct BenchProcessTests {
    @Test("stdout and stderr arrive as tagged lines, with the exit code, in the given directory and environment")
    func output() async throws {
        let folder = try TemporaryFolder.make(prefix: "tj-proc")
        let output = RunOutput()
        let end = try await BenchProcess.run(["/bin/sh", "-c", "pwd; echo \"commit $TABLEJOHN_COMMIT\"; echo oops >&2; printf 'no newline'; exit 3"],
                                             directory: folder, environment: ["TABLEJOHN_COMMIT": "abc", "PATH": "/usr/bin:/bin"],
                                             timeout: .seconds(30), output: output)
        #expect(end == .exited(3))
        #expect(end.exitCode == 3)
        let lines = output.lines
        #expect(lines.filter { $0.source == .stdout }.map(\.text) == [URL(fileURLWithPath: folder).resolvingSymlinksInPath().path, "commit abc", "no newline"])
        #expect(lines.filter { $0.source == .stderr }.map(\.text) == ["oops"])
    }

    @Test("past the timeout the whole process group is killed, children included")
    func timeout() async throws {
        let folder = try TemporaryFolder.make(prefix: "tj-proc")
        let output = RunOutput()
        // A child in the background would write a file 3 s in if it survived: its absence
        // shows the group was killed before then. (How soon this call returns depends on
        // the test process's busy task pool, so that is not what is checked.)
        let end = try await BenchProcess.run(["/bin/sh", "-c", "(sleep 3; touch survived) & echo started; sleep 60"],
                                             directory: folder, environment: ["PATH": "/usr/bin:/bin"], timeout: .milliseconds(500), output: output)
        #expect(end == .timedOut)
        #expect(end.exitCode == 137)
        #expect(output.lines.map(\.text) == ["started"])
        try await Task.sleep(for: .seconds(4))
        #expect(!FileManager.default.fileExists(atPath: folder + "/survived"))
    }

    @Test("cancelling the waiting task aborts the run")
    func cancel() async throws {
        let folder = try TemporaryFolder.make(prefix: "tj-proc")
        let task = Task {
            try await BenchProcess.run(["/bin/sleep", "60"], directory: folder, environment: [:], timeout: .seconds(60), output: RunOutput())
        }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        #expect(try await task.value == .aborted)
    }

    @Test("the output budget keeps the first lines and says how many were dropped; the tail stays current")
    func budget() {
        let output = RunOutput(budget: 100, tailLength: 2)
        for index in 1...10 { output.append(.stdout, "line \(index)") }
        #expect(output.lines.map(\.text) == ["line 1", "line 2", "line 3", "line 4", "tablejohn: 6 more output lines were not kept"])
        #expect(output.lastLines.map(\.text) == ["line 9", "line 10"])
    }
}
