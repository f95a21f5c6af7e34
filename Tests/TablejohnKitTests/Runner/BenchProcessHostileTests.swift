import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import TablejohnKit

/// Processes whose command line contains `text` (zombies included, as /proc shows them).
func processes(containing text: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { Int($0) != nil }.compactMap { pid in
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
        return line.contains(text) ? "\(pid): \(line)" : nil
    }
}

@Suite("Bench process, hostile scripts", .serialized)
struct BenchProcessHostileTests {
    @Test("a bench script inherits only stdin, stdout and stderr, whatever this process has open")
    func noInheritedDescriptors() async throws {
        let folder = try TemporaryFolder.make(prefix: "tj-proc")
        // Descriptors this process holds without close-on-exec, as NIO, SQLite or libgit2 might.
        let leaked = open(folder, O_RDONLY)
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(leaked); close(socket) }
        let output = RunOutput()
        // ls's own descriptors: the three given and 3, the directory it is listing.
        let end = try await BenchProcess.run(["/bin/sh", "-c", "ls /proc/self/fd"],
                                             directory: folder, environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(30), output: output)
        #expect(end == .exited(0))
        #expect(output.lines.map(\.text) == ["0", "1", "2", "3"])
    }

    @Test("a descendant that left the process group (setsid) is killed and the run ends with its output")
    func escapedDescendant() async throws {
        let folder = try TemporaryFolder.make(prefix: "tj-proc")
        let output = RunOutput()
        let marker = "sleep 100001"
        let end = try await BenchProcess.run(["/bin/sh", "-c", "setsid \(marker) & echo started"],
                                             directory: folder, environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(60), output: output)
        #expect(end == .exited(0))
        #expect(output.lines.map(\.text) == ["started"])
        #expect(processes(containing: marker) == [])
    }

    @Test("a descendant that escaped and holds the pipes does not keep the run from timing out")
    func escapedDescendantHoldingPipes() async throws {
        let folder = try TemporaryFolder.make(prefix: "tj-proc")
        let output = RunOutput()
        let marker = "sleep 100002"
        // The escaped child keeps stdout open; the script itself hangs past its limit.
        let end = try await BenchProcess.run(["/bin/sh", "-c", "setsid sh -c 'echo escaped; exec \(marker)' & sleep 100003"],
                                             directory: folder, environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(1), output: output)
        #expect(end == .timedOut)
        #expect(output.lines.map(\.text) == ["escaped"])
        #expect(processes(containing: marker) == [])
        #expect(processes(containing: "sleep 100003") == [])
    }

    @Test("a descendant that keeps the pipes open after the script exited is cut off after the grace period")
    func pipesHeldAfterExit() async throws {
        let folder = try TemporaryFolder.make(prefix: "tj-proc")
        let output = RunOutput()
        // A process that clears its environment may not be found by its mark: the pipes are
        // still given up after the grace period, so the run ends whether or not it lives on.
        let marker = "100005"
        let end = try await BenchProcess.run(["/bin/sh", "-c", "setsid env -i /bin/sleep \(marker) & sleep 0.5; echo done"],
                                             directory: folder, environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(60), output: output)
        #expect(end == .exited(0))
        #expect(output.lines.map(\.text) == ["done"])
        // Whatever is left of it is the test's to clean up, not something to assert on.
        for survivor in processes(containing: "sleep \(marker)") {
            if let pid = pid_t(survivor.prefix { $0 != ":" }), pid > 1 { kill(pid, SIGKILL) }
        }
    }

    @Test("a results file over 16 MiB (a sparse 64 GiB one) is refused unread")
    func hugeResults() throws {
        let folder = try TemporaryFolder.make(prefix: "tj-results")
        let path = folder + "/results.json"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        #expect(truncate(path, 64 << 30) == 0)
        #expect(throws: RunnerWireError(message: "the results file has 68719476736 bytes, more than the 16 MiB limit")) {
            try BenchExecution.readResults(path)
        }
        #expect(try BenchExecution.readResults(folder + "/none.json") == [])
        try Data("{\"a\": {\"value\": 1}}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try BenchExecution.readResults(path) == Array("{\"a\": {\"value\": 1}}".utf8))
        #expect(mkfifo(folder + "/fifo", 0o600) == 0)
        #expect(throws: RunnerWireError(message: "the results file is not a regular file")) { try BenchExecution.readResults(folder + "/fifo") }
    }
}
