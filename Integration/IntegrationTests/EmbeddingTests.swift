import Foundation
@testable import TablejohnKit
import Testing
import TestSupport

/// The embedding example (`contrib/embedding`): a Swift program running tablejohn's detector,
/// a server and a runner through the library's public API.
@Suite("Embedding", .serialized)
struct EmbeddingTests {
    var example: URL { DaemonProcess.binary.deletingLastPathComponent().appendingPathComponent("tablejohn-embedding") }

    @Test("the detector in-process finds the step of a series and nothing in a flat one")
    func detect() throws {
        let before = (0..<30).map { 10 + Double($0 % 3) * 0.05 }
        let after = (0..<30).map { 12 + Double($0 % 3) * 0.05 }
        let step = try runProgram(example, ["detect"] + (before + after).map { String($0) }, in: "/")
        #expect(step.status == 0, "\(step.stderr)")
        #expect(step.stdout.hasPrefix("change at 30: "), "\(step.stdout)")
        #expect(step.stdout.hasSuffix("(regression)\n"), "\(step.stdout)")
        let flat = try runProgram(example, ["detect"] + before.map { String($0) }, in: "/")
        #expect(flat.stdout == "no change\n")
        #expect(try runProgram(example, [], in: "/").status == 2)
    }

    @Test("a server with a runner in one program measures the repository; a runner in another program works for a tablejohnd")
    func serverAndRunner() async throws {
        let repo = try TestRepository()
        let hashes = try repo.commits(3)
        let port = try FreePort.find()
        let server = try DaemonProcess(embedding: ["serve", repo.path, String(port)], port: port, in: repo.path)
        try await server.waitUntilServing()
        _ = try await server.waitForPage("/") { $0.contains("3 commits") }
        // The runner inside the program measures the tip (the first start's backfill).
        let runs = try await waitForRuns(1, in: repo.path, logs: server.log)
        #expect(runs.contains { $0["runner"] == "local" && $0["commit"] == .string(hashes[2]) }, "\(runs)")
        #expect(try await server.stop() == 0)

        let other = try TestRepository()
        _ = try other.commits(2)
        let daemon = try DaemonProcess(serve: [], in: other.path)
        try await daemon.waitUntilServing()
        let token = try runTjctl(["runner", "add", "embedded"], in: other.path).stdout.trimmingCharacters(in: .newlines)
        #expect(try runTjctl(["queue", "add", "HEAD"], in: other.path).status == 0)
        let runner = try DaemonProcess(embedding: ["runner", "http://127.0.0.1:\(daemon.port)", token, "embedded"], in: other.path)
        let measured = try await waitForRuns(1, in: other.path, logs: daemon.log + runner.log)
        #expect(measured.first?["runner"] == "embedded")
        #expect(try await runner.stop() == 0)
        #expect(try await daemon.stop() == 0)
    }
}
