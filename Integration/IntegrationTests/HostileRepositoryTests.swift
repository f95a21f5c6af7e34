import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB
import Logging
@testable import TablejohnKit
import Testing
import TestSupport

/// The real daemon against hostile repository contents and hostile public requests:
/// git bombs, deep trees, huge messages, odd names, git's revision syntax, silent
/// remotes and piles of exports. Each ends with the daemon still answering.
@Suite("Hostile repositories", .serialized)
struct HostileRepositoryTests {
    struct Fetched {
        var status: Int
        var body: String
        var headers: String
    }

    /// GETs `path` as written (no re-encoding) through curl, optionally with Basic auth.
    static func curl(_ server: DaemonProcess, _ path: String, authorization: String? = nil, maxTime: Int = 30) throws -> Fetched {
        let folder = try TemporaryFolder.make(prefix: "tj-curl")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var arguments = ["curl", "-s", "-g", "--path-as-is", "--max-time", "\(maxTime)", "-o", folder + "/body", "-D", folder + "/headers",
                         "-w", "%{http_code}"]
        if let authorization { arguments += ["-H", "Authorization: " + authorization] }
        let result = try runProgram(URL(fileURLWithPath: "/usr/bin/env"), arguments + ["http://127.0.0.1:\(server.port)\(path)"], in: folder)
        let body = (try? Data(contentsOf: URL(fileURLWithPath: folder + "/body"))).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let headers = (try? String(contentsOfFile: folder + "/headers", encoding: .utf8)) ?? ""
        return Fetched(status: Int(result.stdout) ?? 0, body: body, headers: headers)
    }

    /// `curl` that must answer within `seconds` (a generous bound: it proves nothing waits
    /// for the slow work, not how fast pages are).
    static func prompt(_ server: DaemonProcess, _ path: String, seconds: Int = 10) throws -> Fetched {
        let answer = try curl(server, path, maxTime: seconds)
        guard answer.status != 0 else { throw TestFailure("\(path) did not answer within \(seconds) s:\n\(server.log)") }
        return answer
    }

    static func basic(_ name: String, _ token: String) -> String {
        "Basic " + Data("\(name):\(token)".utf8).base64EncodedString()
    }

    /// A curl reading `path` at `rate` bytes per second in the background, until stopped.
    final class SlowReader {
        let process = Process()
        init(_ server: DaemonProcess, _ path: String, rate: String = "1k", authorization: String? = nil) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            var arguments = ["curl", "-s", "--limit-rate", rate, "-o", "/dev/null", "--max-time", "300"]
            if let authorization { arguments += ["-H", "Authorization: " + authorization] }
            process.arguments = arguments + ["http://127.0.0.1:\(server.port)\(path)"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }
        func stop() {
            // SIGKILL: children of the test process did not always act on SIGTERM.
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        deinit { stop() }
    }

    // MARK: Public revision syntax

    @Test("public pages and the export refuse git's search, reflog and range syntax with 400; ~N and ^N still work")
    func publicRevisions() async throws {
        // Given a daemon on a repository of 22 commits
        let repo = try TestRepository()
        let hashes = try repo.commits(22)
        let server = try DaemonProcess(serve: [], in: repo.path)
        try await server.waitUntilServing()
        _ = try await server.waitForPage("/") { $0.contains("22 commits") }

        // When asking for git's regex search, reflog and huge walks
        for path in ["/commit/:/(%5Cw+%5Cs%3F)+$x/", "/commit/main%5E%7B/x%7D/", "/commit/main@%7B1%7D/", "/commit/HEAD~999999/"] {
            let answer = try Self.prompt(server, path)
            // Then each is a 400 page saying what is accepted
            #expect(answer.status == 400, "\(path)")
            #expect(answer.body.contains("a public address names a commit as a ref"), "\(path)")
        }
        let export = try Self.prompt(server, "/api/export.csv?commit=:/(%5Cw+%5Cs%3F)+$x")
        #expect(export.status == 400)
        #expect(export.body.contains("full revision syntax is for tjctl"))
        let exportRef = try Self.prompt(server, "/api/export.csv?ref=main@%7B1%7D")
        #expect(exportRef.status == 400)

        // And bounded steps resolve, the export's ref filter included
        let back = try Self.curl(server, "/commit/main~2%5E/")
        #expect(back.status == 302)
        #expect(back.headers.contains("/commit/\(hashes[18])/"))
        #expect(try Self.prompt(server, "/api/export.csv?ref=main~1").status == 200)
        // And the owner's socket keeps git's full syntax
        let full = try runTjctl(["queue", "add", ":/change 3"], in: repo.path)
        #expect(full.status == 0, "\(full.stderr)")
        #expect(try runTjctl(["queue", "list"], in: repo.path).stdout.contains("change 3"))
        #expect(try Self.prompt(server, "/").status == 200)
        _ = try await server.stop()
    }

    // MARK: Tree archives

    @Test("a git bomb's archive is refused at once with a message naming the limit; a 5,000-deep tree too; the daemon keeps answering")
    func gitBombArchive() async throws {
        // Given a repository holding a 9-level git bomb (10^9 files) and a 5,000-deep tree
        let repo = try TestRepository()
        let hashes = try repo.commits(2)
        let bomb = try repo.gitBomb(levels: 9)
        let deep = try repo.deepTree(depth: 5000)
        let server = try DaemonProcess(serve: [], in: repo.path)
        try await server.waitUntilServing()
        let token = try runTjctl(["runner", "add", "box"], in: repo.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let auth = Self.basic("box", token)

        // When a runner asks for their trees
        let bombArchive = try Self.curl(server, "/api/runner/repo/\(bomb)/tree.tar.gz", authorization: auth, maxTime: 60)
        let deepArchive = try Self.curl(server, "/api/runner/repo/\(deep)/tree.tar.gz", authorization: auth, maxTime: 60)

        // Then both are refused with a status and a message the runner shows
        #expect(bombArchive.status == 422)
        #expect(bombArchive.body == "the tree of commit \(bomb) has more than 1000000 entries; "
            + "the server's [repo] archive-max-entries setting raises the limit\n")
        #expect(deepArchive.status == 422)
        #expect(deepArchive.body.contains("nests directories deeper than 64 levels"))
        #expect(deepArchive.body.contains("[repo] archive-max-depth"))
        // And memory stayed bounded: the daemon's peak resident size is far from a billion files
        let status = try String(contentsOfFile: "/proc/\(server.process.processIdentifier)/status", encoding: .utf8)
        let peakKB = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true)[1]) } ?? Int.max
        #expect(peakKB < 512 << 10, "peak resident size \(peakKB) kB")
        // And the daemon is up: pages and ordinary archives answer
        #expect(try Self.prompt(server, "/commit/\(hashes[0])/").status == 200)
        #expect(try Self.prompt(server, "/").status == 200)
        let fine = try Self.curl(server, "/api/runner/repo/\(hashes[1])/tree.tar.gz", authorization: auth)
        #expect(fine.status == 200)
        #expect(fine.headers.lowercased().contains("content-type: application/gzip"))
        _ = try await server.stop()
    }

    @Test("a runner's run on a commit past the archive limits fails with the server's message")
    func runnerShowsArchiveLimit() async throws {
        // Given a server limiting trees to 3 entries, and a commit with 5 files queued
        let repo = try TestRepository()
        try repo.commit("base")
        for index in 0..<5 { try "x\n".write(toFile: repo.path + "/f\(index).txt", atomically: true, encoding: .utf8) }
        try repo.git(["add", "-A"])
        try repo.git(["commit", "-q", "-m", "five files"])
        let head = try repo.head()
        let config = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
        try "[repo]\narchive-max-entries = 3\n\n[bench]\ninitial-backfill = 0\n".write(toFile: config, atomically: true, encoding: .utf8)
        let server = try DaemonProcess(serve: ["--config", config, "--local-runner"], in: repo.path)
        try await server.waitUntilServing()
        _ = try await server.waitForPage("/") { $0.contains("2 commits") }

        // When the commit is queued and the local runner takes it
        #expect(try runTjctl(["queue", "add", head], in: repo.path).status == 0)
        let runs = try await waitForRuns(1, in: repo.path, logs: server.log)

        // Then the run failed, its output saying which limit and how to raise it
        let run = try #require(runs.first)
        #expect(run["exit_code"] != .integer(0))
        let output = (run["output"]?.arrayValue ?? []).compactMap { $0.arrayValue?.last?.stringValue }.joined(separator: "\n")
        #expect(output.contains("has more than 3 entries; the server's [repo] archive-max-entries setting raises the limit"), "\(run)")
        _ = try await server.stop()
    }

    // MARK: Git work off the request threads

    @Test("while a fetch waits on a silent remote, pages and archives answer; after fetch-timeout tjctl status shows the error")
    func silentRemote() async throws {
        // Given a remote that accepts connections and never says anything
        let listener = try SilentListener()
        defer { listener.close() }
        let source = try TestRepository()
        let hashes = try source.commits(3)
        let mirror = try TestRepository(cloning: source, bare: true)
        let config = try TemporaryFolder.make(prefix: "tj-config") + "/tablejohn.toml"
        try """
            [repo]
            path = "\(mirror.path)"
            url = "http://127.0.0.1:\(listener.port)/x.git"
            fetch-timeout = "20s"
            fetch-interval = "1h"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let server = try DaemonProcess(serve: ["--config", config], in: mirror.path)
        try await server.waitUntilServing()

        // When the first sync's fetch is connected to it and waiting
        try await listener.waitForConnection(seconds: 30)
        #expect(listener.accepted >= 1)

        // Then pages and the runner API answer meanwhile (the fetch holds no shared lock)
        #expect(try Self.prompt(server, "/").status == 200)
        #expect(try Self.prompt(server, "/queue/").status == 200)
        let token = try runTjctl(["runner", "add", "box"], in: mirror.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let archive = try Self.curl(server, "/api/runner/repo/\(hashes[2])/tree.tar.gz", authorization: Self.basic("box", token), maxTime: 10)
        #expect(archive.status == 200)

        // And once the remote has been silent for fetch-timeout, the round fails with that reason
        let deadline = Date().addingTimeInterval(90)
        var status = ""
        while Date() < deadline {
            status = try runTjctl(["status"], in: mirror.path).stdout
            if status.contains("last error") { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(status.contains("the remote did not answer for 20.000 s (the [repo] fetch-timeout setting)"), "\(status)\n\(server.log)")
        #expect(try Self.prompt(server, "/").status == 200)
        _ = try await server.stop()
    }

    @Test("a large archive read slowly does not hold up pages or other archives")
    func slowArchiveReader() async throws {
        // Given a commit with 48 MB that do not compress
        let repo = try TestRepository()
        let first = try repo.commit("first")
        let noise = try #require(FileHandle(forReadingAtPath: "/dev/urandom")).readData(ofLength: 48 << 20)
        try noise.write(to: URL(fileURLWithPath: repo.path + "/noise.bin"))
        try repo.git(["add", "-A"])
        try repo.git(["commit", "-q", "-m", "noise"])
        let big = try repo.head()
        let server = try DaemonProcess(serve: [], in: repo.path)
        try await server.waitUntilServing()
        _ = try await server.waitForPage("/") { $0.contains("2 commits") }
        let token = try runTjctl(["runner", "add", "box"], in: repo.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let auth = Self.basic("box", token)

        // When six runners read its archive at 100 KB/s (more than the git threads)
        let readers = try (0..<6).map { _ in try SlowReader(server, "/api/runner/repo/\(big)/tree.tar.gz", rate: "100k", authorization: auth) }
        defer { readers.forEach { $0.stop() } }
        try await Task.sleep(for: .seconds(2))

        // Then pages and another archive still answer
        #expect(try Self.prompt(server, "/commit/\(first)/").status == 200)
        #expect(try Self.prompt(server, "/").status == 200)
        let other = try Self.curl(server, "/api/runner/repo/\(first)/tree.tar.gz", authorization: auth, maxTime: 10)
        #expect(other.status == 200)
        #expect(readers.allSatisfy { $0.process.isRunning })
        readers.forEach { $0.stop() }
        _ = try await server.stop()
    }

    // MARK: Commit text and names

    @Test("a 30 MB message, a non-UTF-8 author and a 250-character branch of HTML characters import; pages answer and escape them")
    func hostileText() async throws {
        // Given such commits and refs
        let repo = try TestRepository()
        let base = try repo.commit("base")
        let tree = try repo.git(["rev-parse", "HEAD^{tree}"])
        let message = "huge message\n\n" + String(repeating: "spam spam spam\n", count: 2_000_000)
        let huge = try repo.rawCommit(Array("tree \(tree)\nparent \(base)\nauthor A <a@example.com> 1700000100 +0000\ncommitter C <c@example.com> 1700000100 +0000\n\n\(message)".utf8))
        let badAuthor = try repo.rawCommit(Array("tree \(tree)\nparent \(huge)\nauthor ".utf8) + [0x4d, 0xe4, 0x6c, 0xff, 0x20]
            + Array("<m\u{00e4}@example.com> 1700000200 +0000\ncommitter C <c@example.com> 1700000200 +0000\n\nlatin-1 author\n".utf8))
        try repo.git(["update-ref", "refs/heads/main", badAuthor])
        let branch = "<b>&\"'" + String(repeating: "x", count: 250 - 7) + ">"
        try repo.git(["update-ref", "refs/heads/\(branch)", huge])
        try repo.git(["update-ref", "refs/heads/-x", base])
        try repo.git(["update-ref", "refs/heads/grüße/ünï😀", base])

        // When the daemon imports them
        let server = try DaemonProcess(serve: [], in: repo.path)
        try await server.waitUntilServing()
        let index = try await server.waitForPage("/") { $0.contains("3 commits") }

        // Then / lists the branch escaped, and the commit pages answer
        #expect(index.contains("&lt;b&gt;&amp;"))
        #expect(!index.contains("<b>&"))
        #expect(index.contains("refs/heads/-x") || index.contains(">-x<"))
        let hugePage = try Self.prompt(server, "/commit/\(huge)/")
        #expect(hugePage.status == 200)
        #expect(hugePage.body.contains("huge message"))
        #expect(hugePage.body.utf8.count < 1 << 20)
        let authorPage = try Self.prompt(server, "/commit/\(badAuthor)/")
        #expect(authorPage.status == 200)
        #expect(authorPage.body.contains("M\u{FFFD}l\u{FFFD}"))
        let byBranch = try Self.curl(server, "/commit/" + branch.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "/")
        #expect(byBranch.status == 302)
        #expect(byBranch.headers.contains("/commit/\(huge)/"))
        #expect(try Self.prompt(server, "/commit/refs/heads/-x/").status == 302)
        #expect(index.contains("grüße/ünï😀"))
        let unicode = try Self.curl(server, "/commit/" + "grüße/ünï😀".addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)! + "/")
        #expect(unicode.status == 302)
        #expect(unicode.headers.contains("/commit/\(base)/"))

        // And the database holds the message cut to 64 KiB with a note
        let database = repo.path + "/.git/tablejohn/tablejohn.db"
        var configuration = Configuration()
        configuration.readonly = true
        let stored = try await DatabaseQueue(path: database, configuration: configuration).read { db in
            try String.fetchOne(db, sql: "SELECT message FROM commits WHERE hash = ?", arguments: [huge])
        }
        let text = try #require(stored)
        #expect(text.utf8.count < (64 << 10) + 100)
        #expect(text.hasSuffix("[tablejohn kept the first 65536 of \(message.utf8.count) bytes of this message]"))
        _ = try await server.stop()
    }

    // MARK: Exports

    @Test("past 4 exports at once the next gets 503 with Retry-After; once they end a new export works")
    func exportLimit() async throws {
        // Given a database with 400,000 measurements (some 50 MB of CSV: more than the kernel buffers for a reader)
        let repo = try TestRepository()
        let hashes = try repo.commits(5)
        let state = try TemporaryFolder.make(prefix: "tj-export-limit")
        let database = state + "/export.db"
        do {
            let store = try Store(path: database)
            _ = try Importer(repository: GitRepository(opening: repo.path), store: store, logger: Logger(label: "seed")).run()
            for index in 0..<10_000 {
                try store.record(Run(
                    id: String(format: "run-%05d", index), commit: hashes[index % 5], benchMethod: "internal", runnerName: "box",
                    fingerprint: nil, start: 1_700_000_000_000 + Int64(index) * 1000, end: 1_700_000_000_500 + Int64(index) * 1000,
                    exitCode: 0, origin: .runner,
                    measurements: try (0..<40).map { try Measurement(metric: "metric/\($0)", value: Double(index), unit: "ns") }))
            }
        }
        let server = try DaemonProcess(serve: ["--db", database], in: repo.path)
        try await server.waitUntilServing()

        // When four clients ask for exports and stop reading, one of them filtered by ref
        var readers = try (0..<3).map { _ in try StalledReader(port: server.port, path: "/api/export.csv") }
        readers.append(try StalledReader(port: server.port, path: "/api/export.csv?ref=main"))
        defer { readers.forEach { $0.close() } }
        for _ in 0..<300 where !readers.allSatisfy({ $0.received.hasPrefix("HTTP/1.1 200") }) {  // slow on a loaded machine
            try await Task.sleep(for: .milliseconds(100))
        }
        var refused = Fetched(status: 0, body: "", headers: "")
        for _ in 0..<50 {
            refused = try Self.prompt(server, "/api/export.csv?runner=nobody")
            if refused.status == 503 { break }
            try await Task.sleep(for: .milliseconds(100))
        }

        // Then a fifth is refused with 503, Retry-After and a reason
        #expect(refused.status == 503, "what the four stalled readers saw: \(readers.map { $0.received.prefix(40) })")
        #expect(refused.headers.lowercased().contains("retry-after: 10"))
        #expect(refused.body == "4 exports are running, the most at once; try again in 10 seconds\n")
        #expect(try Self.prompt(server, "/").status == 200)

        // And once the readers leave, an export works again
        readers.forEach { $0.close() }
        var after = Fetched(status: 0, body: "", headers: "")
        for _ in 0..<100 {
            after = try Self.curl(server, "/api/export.csv?metric=metric/1&runner=box&since=2023-11-14T22:13:20Z&until=2023-11-14T22:13:30Z")
            if after.status == 200 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(after.status == 200)
        #expect(after.body.split(separator: "\n").count == 11)
        _ = try await server.stop()
    }
}

/// An HTTP client that sends one GET and never reads the answer, with a receive buffer
/// too small for the kernel to soak it up: the server's response stays pending.
final class StalledReader {
    private var fd: Int32

    init(port: Int, path: String) throws {
        fd = try Loopback.connect(port: port, timeoutSeconds: 300, receiveBuffer: 4096)
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n".utf8)
        guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { throw TestFailure("cannot send") }
    }

    /// The first bytes of the answer, left in the socket: the reader still reads nothing.
    /// "closed" once the server hung up without a byte.
    var received: String {
        guard fd >= 0 else { return "" }
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = recv(fd, &bytes, bytes.count, Int32(MSG_PEEK | MSG_DONTWAIT))
        if count == 0 { return "closed" }
        return count > 0 ? String(decoding: bytes.prefix(count), as: UTF8.self) : ""
    }

    func close() {
        guard fd >= 0 else { return }
        _ = Glibc.close(fd)
        fd = -1
    }

    deinit { close() }
}

/// A TCP listener on loopback that accepts connections and never sends a byte: a
/// remote that hangs after the handshake.
final class SilentListener: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var connections: [Int32] = []
    private var closed = false

    init() throws {
        let listening = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listening, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listening, 16) == 0 else { throw TestFailure("cannot listen: \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listening, $0, &length) }
        }
        fd = listening
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in
            for _ in 0..<64 {  // bounded: a handful of fetch attempts at most
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                lock.withLock { connections.append(client) }
            }
        }
        thread.start()
    }

    var accepted: Int { lock.withLock { connections.count } }

    func waitForConnection(seconds: Double) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while accepted == 0 {
            guard Date() < deadline else { throw TestFailure("nobody connected to the silent remote within \(seconds) s") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func close() {
        lock.withLock {
            guard !closed else { return }
            closed = true
            connections.forEach { _ = Glibc.close($0) }
            shutdown(fd, Int32(SHUT_RDWR))
            _ = Glibc.close(fd)
        }
    }
}
