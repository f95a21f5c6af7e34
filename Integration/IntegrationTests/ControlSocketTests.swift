import Foundation
import Logging
@testable import TablejohnKit
import Testing
import TestSupport

@Suite("Control socket and tjctl", .serialized)
struct ControlSocketTests {
    let repo: TestRepository
    let hashes: [String]

    init() throws {
        repo = try TestRepository()
        hashes = try repo.commits(8)
        try repo.git(["branch", "topic", hashes[5]])
    }

    var socket: String { repo.path + "/.git/tablejohn/tablejohn.sock" }

    func startDaemon(_ arguments: [String] = []) async throws -> DaemonProcess {
        let daemon = try DaemonProcess(serve: arguments, in: repo.path)
        try await daemon.waitUntilServing()
        _ = try await daemon.waitForPage("/") { $0.contains("8 commits") }
        return daemon
    }

    func tjctl(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try runTjctl(arguments, in: repo.path)
    }

    @Test("the socket is owner-only, and tjctl finds it from the repository it runs in")
    func socketAndStatus() async throws {
        let daemon = try await startDaemon()
        var info = stat()
        #expect(stat(socket, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)

        let status = try tjctl("status")
        #expect(status.status == 0)
        #expect(status.stdout.contains("commits      8 (8 reachable)"))
        #expect(status.stdout.contains("tracked: main"))

        let json = try tjctl("status", "--json")
        #expect(try JSONValue.parse(json.stdout)["queue_length"] == 0)
        _ = try await daemon.stop()
    }

    @Test("tjctl fetch waits for a sync round and reports it, while other calls keep working")
    func fetchNow() async throws {
        let daemon = try await startDaemon()
        let client = try RPCClient(socketPath: socket)
        try repo.commit("fresh work")

        let fetched = try tjctl("fetch")

        #expect(fetched.status == 0)
        #expect(fetched.stdout == "1 new commits, 1 refs changed, 1 queued\n")
        #expect(try client.call("status")["queue_length"] == 1)
        _ = try await daemon.stop()
    }

    @Test("track, untrack, queue add/prio/remove and backfill through tjctl")
    func adminTasks() async throws {
        let daemon = try await startDaemon()

        #expect(try tjctl("track", "topic").stdout == "tracking refs/heads/topic\n")
        #expect(try tjctl("refs", "--tracked").stdout.contains("topic"))
        #expect(try tjctl("untrack", "topic").status == 0)

        #expect(try tjctl("queue", "add", "HEAD~3", "--priority", "5").stdout == "queued 1 commits (0 already queued) at priority 5\n")
        #expect(try tjctl("queue", "add", "main~7..main~5").status == 0)
        #expect(try tjctl("queue", "prio", String(hashes[1].prefix(7)), "9").status == 0)
        let listed = try tjctl("queue", "--json")
        #expect(try JSONValue.parse(listed.stdout).arrayValue?.compactMap { $0["hash"]?.stringValue } == [hashes[1], hashes[4], hashes[2]])
        #expect(try tjctl("queue", "remove", hashes[2]).stdout == "removed \(hashes[2].prefix(10))\n")

        let backfill = try tjctl("backfill", "main", "--last", "4")
        #expect(backfill.stdout == "queued 3 of 4 commits without runs on main\n")
        #expect(try RPCClient(socketPath: socket).call("queue.list").arrayValue?.count == 5)
        _ = try await daemon.stop()
    }

    @Test("failed calls exit 1 with the daemon's message; usage errors exit 2")
    func exitCodes() async throws {
        try repo.git(["tag", "topic"])
        let daemon = try await startDaemon()

        let unknown = try tjctl("track", "nope")
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "tjctl: no ref or commit named nope\n")

        let ambiguous = try tjctl("track", "topic")
        #expect(ambiguous.status == 1)
        #expect(ambiguous.stderr == "tjctl: topic is ambiguous: it could be refs/heads/topic, refs/tags/topic\n")

        let usage = try tjctl("backfill", "main")
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("Missing expected argument '--last <last>'"))
        #expect(try tjctl("metric", "set", "t", "--direction", "down").status == 2)
        #expect(try tjctl("no-such-command").status == 2)
        _ = try await daemon.stop()

        let notRunning = try tjctl("status")
        #expect(notRunning.status == 1)
        #expect(notRunning.stderr.hasPrefix("tjctl: cannot reach tablejohnd at \(socket) ("))
        #expect(notRunning.stderr.hasSuffix("is it running?\n"))
    }

    @Test("malformed, unknown, badly-typed and oversized messages get errors and the connection stays usable")
    func badMessages() async throws {
        let daemon = try await startDaemon()
        let client = try RPCClient(socketPath: socket)
        func send(_ text: String) throws -> JSONValue { try JSONValue.parse(try client.exchange(Array(text.utf8))) }

        #expect(try send("{not json")["error"]?["code"] == -32700)
        #expect(try send(#"{"jsonrpc":"2.0","method":"refs.delete","id":1}"#)["error"]?["code"] == -32601)
        let bad = try send(#"{"jsonrpc":"2.0","method":"queue.backfill","params":{"ref":"main","last":"ten"},"id":2}"#)
        #expect(bad["error"]?["code"] == -32602)
        #expect(bad["error"]?["data"]?["parameter"] == "last")
        let huge = "{\"jsonrpc\":\"2.0\",\"method\":\"status\",\"params\":{\"x\":\"" + String(repeating: "a", count: 2 << 20) + "\"},\"id\":3}"
        #expect(try send(huge)["error"]?["code"] == -32004)
        let batch = try send("""
            [{"jsonrpc":"2.0","method":"status","id":"a"},{"jsonrpc":"2.0","method":"nope","id":"b"},\
            {"jsonrpc":"2.0","method":"refs.track","params":["main"]},7]
            """).arrayValue
        #expect(batch?.count == 3)
        #expect(batch?[0]["result"]?["commits"] == 8)
        #expect(batch?[1]["error"]?["code"] == -32601)
        #expect(batch?[2]["error"]?["code"] == -32600)

        // Another connection is unaffected by all of this, and so is this one.
        #expect(try RPCClient(socketPath: socket).call("status")["commits"] == 8)
        #expect(try client.call("status")["commits"] == 8)
        _ = try await daemon.stop()
    }

    @Test("a streamed export: reply line, length-prefixed chunks, end mark; the connection stays usable")
    func streamedExport() async throws {
        let daemon = try await startDaemon()
        let client = try RPCClient(socketPath: socket)
        let request = #"{"jsonrpc":"2.0","method":"runs.export","params":{"format":"csv","stream":true},"id":"x"}"#
        let reply = try JSONValue.parse(try client.exchange(Array(request.utf8)))
        #expect(reply == ["jsonrpc": "2.0", "result": ["format": "csv", "stream": "chunked"], "id": "x"])
        // No runs yet: one chunk with the header line, then the end mark.
        #expect(String(decoding: try client.readLine(), as: UTF8.self) == "\(Store.csvHeader.utf8.count)")
        #expect(String(decoding: try client.readLine(), as: UTF8.self) + "\n" == Store.csvHeader)
        #expect(String(decoding: try client.readLine(), as: UTF8.self) == "0")
        #expect(try client.call("status")["commits"] == 8)

        // Through the client, as tjctl reads it.
        var streamed: [UInt8] = []
        let result = try client.stream("runs.export", ["stream": true]) { streamed += $0 }
        #expect(result["stream"] == "chunked")
        #expect(String(decoding: streamed, as: UTF8.self) == Store.csvHeader)

        // A stream cannot be paged, batched or JSON.
        #expect(throws: RPCError.self) { try client.call("runs.export", ["stream": true, "limit": 10]) }
        #expect(throws: RPCError.self) { try client.call("runs.export", ["stream": true, "format": "json"]) }
        let batch = try JSONValue.parse(try client.exchange(Array("[\(request),{\"jsonrpc\":\"2.0\",\"method\":\"status\",\"id\":2}]".utf8)))
        #expect(batch.arrayValue?.first?["error"]?["code"] == -32600)
        #expect(batch.arrayValue?.last?["result"]?["commits"] == 8)
        #expect(try client.call("status")["commits"] == 8)
        _ = try await daemon.stop()
    }

    @Test("tjctl runner add prints a token once; runners lists it; revoke removes it")
    func runners() async throws {
        let daemon = try await startDaemon()
        let added = try tjctl("runner", "add", "bench-box")
        #expect(added.status == 0)
        let token = added.stdout.trimmingCharacters(in: .newlines)
        #expect(token.count == 64)
        #expect(added.stderr.contains("runner bench-box added"))
        let listed = try tjctl("runners")
        #expect(listed.stdout.contains("bench-box"))
        #expect(listed.stdout.contains("never"))
        #expect(!listed.stdout.contains(token))
        let twice = try tjctl("runner", "add", "bench-box")
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("a runner named bench-box exists"))
        #expect(try tjctl("runner", "revoke", "bench-box").stdout == "revoked runner bench-box\n")
        #expect(try tjctl("runner", "revoke", "bench-box").status == 1)
        #expect(try tjctl("runners", "--json").stdout == "[]\n")
        _ = try await daemon.stop()
    }

    @Test("a stale socket file left by a crashed daemon is replaced")
    func staleSocket() async throws {
        let first = try await startDaemon()
        _ = try await first.stop(signal: SIGKILL)
        #expect(FileManager.default.fileExists(atPath: socket))

        let second = try await startDaemon()
        #expect(try RPCClient(socketPath: socket).call("status")["commits"] == 8)
        _ = try await second.stop()
        #expect(!FileManager.default.fileExists(atPath: socket))
    }
}
