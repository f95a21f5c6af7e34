// Hostile HTTP against the real daemon over raw loopback sockets: oversized bodies,
// malformed and huge requests, slow clients. Each gets a 4xx and the daemon keeps serving.
import Foundation
@testable import TablejohnKit
import Testing
import TestSupport

@Suite("Hostile HTTP", .serialized)
struct HostileHTTPTests {
    let repo: TestRepository
    static let token = "hostile-shared-token-0123456789"

    init() throws {
        repo = try TestRepository()
        try repo.commits(3)
    }

    func startDaemon(config: String = "") async throws -> DaemonProcess {
        let path = try TemporaryFolder.make(prefix: "tj-hostile") + "/tablejohn.toml"
        try "[web]\nrunner-token = \"\(Self.token)\"\n\(config)".write(toFile: path, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(serve: ["--config", path], in: repo.path)
        try await daemon.waitUntilServing()
        return daemon
    }

    static var runnerAuthorization: String {
        "Basic " + Data("hostile-runner:\(token)".utf8).base64EncodedString()
    }

    /// The daemon answers a plain request on a fresh connection.
    func expectServing(_ daemon: DaemonProcess, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let reply = try RawHTTPConnection(port: daemon.port).exchange("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        #expect(reply.status == 200, "GET / after the attack: \(reply.head)", sourceLocation: sourceLocation)
        #expect(daemon.process.isRunning, sourceLocation: sourceLocation)
    }

    @Test("a declared oversized body gets 413 before it is sent; an undeclared one once it passes the limit")
    func oversizedBodies() async throws {
        let daemon = try await startDaemon()
        let declared: [(path: String, headers: String, expected: Int)] = [
            ("/api/runner/status", "Authorization: \(Self.runnerAuthorization)\r\nContent-Type: application/json\r\n", 413),
            ("/api/runs?commit=HEAD", "Authorization: \(Self.runnerAuthorization)\r\n", 413),
            ("/login", "Content-Type: application/x-www-form-urlencoded\r\n", 413),
            // Without credentials the runner API refuses before looking at the body.
            ("/api/runner/status", "Content-Type: application/json\r\n", 401),
        ]
        for request in declared {
            // 1 GiB declared, 64 KiB sent: the reply must come without the rest.
            let connection = try RawHTTPConnection(port: daemon.port)
            try connection.send("POST \(request.path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(request.headers)Content-Length: 1073741824\r\n\r\n")
            try? connection.send(String(repeating: "x", count: 64 << 10))
            let reply = try connection.readReply()
            #expect(reply.status == request.expected, "POST \(request.path): \(reply.head)")
        }

        // Chunked, so the size is only known while reading: refused once past 8 MiB.
        let connection = try RawHTTPConnection(port: daemon.port)
        try connection.send("POST /api/runner/status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(Self.runnerAuthorization)\r\n"
            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = "100000\r\n" + String(repeating: " ", count: 1 << 20) + "\r\n"
        for _ in 0..<9 { try? connection.send(chunk) }
        try? connection.send("0\r\n\r\n")
        #expect(try connection.readReply().status == 413)

        let form = try RawHTTPConnection(port: daemon.port)
        try form.send("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n")
        for _ in 0..<2 { try? form.send("10000\r\n" + String(repeating: "a", count: 1 << 16) + "\r\n") }
        try? form.send("0\r\n\r\n")
        #expect(try form.readReply().status == 413)

        #expect(try storedRuns(in: repo.path).isEmpty)
        try expectServing(daemon)
        _ = try await daemon.stop()
    }

    @Test("malformed and huge request lines and headers, unknown methods and bad percent-encoding get a 4xx")
    func malformedRequests() async throws {
        let daemon = try await startDaemon()
        let host = "Host: 127.0.0.1\r\n"
        let requests: [(what: String, bytes: String)] = [
            ("a header without a colon", "GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n"),
            ("a 100 KB header", "GET / HTTP/1.1\r\n\(host)X-Big: \(String(repeating: "a", count: 100_000))\r\n\r\n"),
            ("2000 headers", "GET / HTTP/1.1\r\n\(host)" + (0..<2000).map { "X-H\($0): v\r\n" }.joined() + "\r\n"),
            ("a header with a NUL", "GET / HTTP/1.1\r\n\(host)X-Bad: a\u{0}b\r\n\r\n"),
            ("two Content-Lengths", "POST /login HTTP/1.1\r\n\(host)Content-Length: 5\r\nContent-Length: 7\r\n\r\nabcde"),
            ("a negative Content-Length", "POST /login HTTP/1.1\r\n\(host)Content-Length: -5\r\n\r\n"),
            ("an unknown method", "BREW / HTTP/1.1\r\n\(host)\r\n"),
            ("a method that is not a token", "G{T / HTTP/1.1\r\n\(host)\r\n"),
            ("DELETE on a page", "DELETE / HTTP/1.1\r\n\(host)\r\n"),
            ("PUT on the runner API", "PUT /api/runner/status HTTP/1.1\r\n\(host)Content-Length: 0\r\n\r\n"),
            ("an unknown HTTP version", "GET / HTTP/9.9\r\n\(host)\r\n"),
            ("a 100 KB URL", "GET /\(String(repeating: "a", count: 100_000)) HTTP/1.1\r\n\(host)\r\n"),
            ("a 60 KB commit name", "GET /commit/\(String(repeating: "f", count: 60_000))/ HTTP/1.1\r\n\(host)\r\n"),
            ("bad percent-encoding in a commit", "GET /commit/%zz/ HTTP/1.1\r\n\(host)\r\n"),
            ("percent-encoded invalid UTF-8", "GET /commit/%ff%fe%fd/ HTTP/1.1\r\n\(host)\r\n"),
            ("a percent-encoded NUL", "GET /commit/%00/ HTTP/1.1\r\n\(host)\r\n"),
            ("a lone percent", "GET /run/%/ HTTP/1.1\r\n\(host)\r\n"),
            ("bad percent-encoding in a query", "GET /api/graph/series?metric=%zz&points=%ff HTTP/1.1\r\n\(host)\r\n"),
            ("a percent-encoded traversal", "GET /static/..%2f..%2fetc%2fpasswd HTTP/1.1\r\n\(host)\r\n"),
            ("a runner id that is not one", "GET /run/%ff%00%2e%2e/ HTTP/1.1\r\n\(host)\r\n"),
            ("a bad export filter", "GET /api/export.csv?commit=%&since=%zz HTTP/1.1\r\n\(host)\r\n"),
            ("raw bytes above ASCII in the path", "GET /commit/\u{00ff}\u{00fe}/ HTTP/1.1\r\n\(host)\r\n"),
            ("bad Basic credentials", "POST /api/runner/status HTTP/1.1\r\n\(host)Authorization: Basic %%%%\r\nContent-Length: 2\r\n\r\n{}"),
            ("Basic credentials without a colon", "POST /api/runner/status HTTP/1.1\r\n\(host)Authorization: Basic "
                + Data("no-colon".utf8).base64EncodedString() + "\r\nContent-Length: 2\r\n\r\n{}"),
            ("a runner body that is not JSON", "POST /api/runner/status HTTP/1.1\r\n\(host)Authorization: \(Self.runnerAuthorization)\r\n"
                + "Content-Length: 5\r\n\r\n{{{{{"),
            ("a TLS client hello", "\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}\u{00}\u{01}\u{fc}\u{03}\u{03}\r\n\r\n"),
        ]
        for request in requests {
            var reply = try RawHTTPConnection(port: daemon.port).exchange(request.bytes)
            // A page may first redirect to its canonical address (a lone % becomes %25); that one must then be a 4xx.
            if reply.status == 301, let location = reply.location, location.hasPrefix("/"), !location.hasPrefix("//") {
                reply = try RawHTTPConnection(port: daemon.port).exchange("GET \(location) HTTP/1.1\r\n\(host)Connection: close\r\n\r\n")
            }
            #expect((400..<500).contains(reply.status), "\(request.what): \(reply.head.prefix(300))")
        }
        try expectServing(daemon)
        _ = try await daemon.stop()
    }

    @Test("200 slow clients holding half-sent requests do not keep a normal request from being served")
    func slowClients() async throws {
        let daemon = try await startDaemon()
        var idle: [RawHTTPConnection] = []
        for index in 0..<200 {
            let connection = try RawHTTPConnection(port: daemon.port)
            // Half a request: the header block never ends.
            try connection.send("GET /queue/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow-\(index): ")
            idle.append(connection)
        }
        try expectServing(daemon)
        #expect(try RawHTTPConnection(port: daemon.port).exchange("GET /queue/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").status == 200)
        idle.removeAll()
        try expectServing(daemon)
        _ = try await daemon.stop()
    }

    @Test("an idle connection is closed by the server after [web] idle-timeout")
    func idleTimeout() async throws {
        let daemon = try await startDaemon(config: "idle-timeout = \"2s\"\n")
        let connection = try RawHTTPConnection(port: daemon.port, timeout: 15)
        try connection.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        // The server closes the connection, with or without a 408: reading ends well before 15 s.
        let started = Date()
        _ = try? connection.readReply()
        #expect(connection.closedByPeer)
        #expect(Date().timeIntervalSince(started) < 12)
        try expectServing(daemon)
        _ = try await daemon.stop()
    }
}

/// One loopback TCP connection with bounded blocking reads and writes.
final class RawHTTPConnection {
    private let fd: Int32
    /// Whether the last read ended because the server closed the connection.
    private(set) var closedByPeer = false

    struct Reply {
        /// 0 when no status line came back.
        var status: Int
        var head: String
        var body: [UInt8]

        /// The Location header's value, if any.
        var location: String? {
            head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("location:") }
                .map { $0.dropFirst("location:".count).trimmingCharacters(in: .whitespaces) }
        }
    }

    init(port: Int, timeout: Int = 20) throws {
        fd = try Loopback.connect(port: port, timeoutSeconds: timeout)
    }

    deinit { close(fd) }

    /// Sends the text's bytes; a string's scalars above U+007F are sent as single bytes (Latin-1),
    /// so tests can write raw octets.
    func send(_ text: String) throws {
        let bytes = text.unicodeScalars.map { $0.value <= 0xff ? UInt8($0.value) : UInt8(ascii: "?") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw TestFailure("the server stopped reading (errno \(errno))") }
            offset += written
        }
    }

    /// Reads one reply: its head, then the body by Content-Length, or until the server closes.
    func readReply() throws -> Reply {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        var wanted: Int?
        while true {
            if headEnd == nil, let end = received.indices.first(where: { received[$0...].starts(with: separator) }) {
                headEnd = end + 4
                let head = String(decoding: received[..<end], as: UTF8.self).lowercased()
                if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }) {
                    wanted = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
                }
            }
            if let headEnd, let wanted, received.count - headEnd >= wanted { break }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 || (count < 0 && errno == ECONNRESET) {
                closedByPeer = true
                break
            }
            guard count > 0 else { throw TestFailure("no reply within the timeout (errno \(errno)); \(received.count) bytes so far") }
            received += chunk[..<count]
        }
        let end = headEnd ?? received.count
        let head = String(decoding: received[..<min(end, received.count)], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n").first ?? ""
        let status = statusLine.hasPrefix("HTTP/1.") ? Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0 : 0
        return Reply(status: status, head: head, body: Array(received[min(end, received.count)...]))
    }

    /// Sends a whole request and reads its reply.
    func exchange(_ request: String) throws -> Reply {
        try send(request)
        return try readReply()
    }
}
