// The crash harness's load: clients that submit runs and remember every acknowledged one.
import Foundation
import Synchronization
import TablejohnKit

/// Eight (or `clients`) threads submitting runs to a daemon until told to stop. Even
/// clients are runners (`POST /api/runner/status`: ask for a run, then submit it with the
/// next call, as RUNNERS.md describes); odd clients post result files (`POST /api/runs`).
/// A submission counts as acknowledged only when its `200` reply was read in full.
final class CrashLoad: Sendable {
    private let port: Int
    private let token: String
    private let commit: String
    private let marker: String
    private let stopping = Atomic<Bool>(false)
    private let acknowledged = Mutex<[String]>([])
    private let uploads = Atomic<Int>(0)
    private let refused = Mutex<[String]>([])

    /// - Parameters:
    ///   - commit: the commit `POST /api/runs` submissions name.
    ///   - marker: makes this trial's runner names and secrets its own.
    init(port: Int, token: String, commit: String, marker: String) {
        self.port = port
        self.token = token
        self.commit = commit
        self.marker = marker
    }

    /// Run ids whose submission was acknowledged.
    var acknowledgedRuns: [String] { acknowledged.withLock { $0 } }
    /// How many of them were uploads (`POST /api/runs`); the rest were runner submissions.
    var acknowledgedUploads: Int { uploads.load(ordering: .relaxed) }
    /// Replies other than 200 that came back whole (the daemon refused a submission).
    var refusals: [String] { refused.withLock { $0 } }

    /// Starts the clients; each runs until `stop()`.
    func start(clients: Int) -> [Thread] {
        (0..<clients).map { index in
            let thread = Thread { [self] in
                if index % 2 == 0 { runner(index) } else { poster(index) }
            }
            thread.start()
            return thread
        }
    }

    func stop() { stopping.store(true, ordering: .relaxed) }

    private var stopped: Bool { stopping.load(ordering: .relaxed) }

    /// A runner: each call submits the run handed out by the previous one and asks for the next.
    private func runner(_ index: Int) {
        let name = "crash-\(index)"
        let secret = "secret-\(marker)-\(index)"
        var pending: (id: String, hash: String)?
        var number = 0
        while !stopped {
            var body: JSONObject = ["secret": .string(secret), "status": ["type": "idle"], "request_run": true]
            if let pending {
                number += 1
                body["submit_run"] = [
                    "id": .string(pending.id), "hash": .string(pending.hash), "bench_method": "internal",
                    "start": "2026-11-23T00:00:00Z", "end": "2026-11-23T00:00:01Z", "exit_code": 0,
                    "output": [["stdout", .string("client \(index) run \(number)")]],
                    "measurements": ["crash/value": ["value": .real(Double(number)), "unit": "n"]],
                ]
            }
            guard let reply = post("/api/runner/status", name: name, body: JSONValue.object(body)) else { continue }
            guard reply.status == 200, let json = try? JSONValue.parse(Array(reply.body.utf8)) else {
                refused.withLock { $0.append("runner status \(reply.status): \(reply.body.prefix(200))") }
                continue
            }
            if let submitted = pending { acknowledged.withLock { $0.append(submitted.id) } }
            pending = nil
            if case .string(let id)? = json["run"]?["id"], case .string(let hash)? = json["run"]?["hash"] {
                pending = (id, hash)
            } else {
                usleep(5_000)  // the queue is empty for now
            }
        }
    }

    /// An uploader of result files: each acknowledged upload names the run id it became.
    private func poster(_ index: Int) {
        var number = 0
        while !stopped {
            number += 1
            let body: JSONValue = ["crash/upload": ["value": .real(Double(number)), "unit": "n"],
                                   "crash/client": ["value": .real(Double(index))]]
            guard let reply = post("/api/runs?commit=\(commit)&format=tablejohn", name: "upload-\(index)", body: body) else { continue }
            guard reply.status == 200, case .string(let id)? = (try? JSONValue.parse(Array(reply.body.utf8)))?["id"] else {
                refused.withLock { $0.append("upload \(reply.status): \(reply.body.prefix(200))") }
                continue
            }
            acknowledged.withLock { $0.append(id) }
            uploads.add(1, ordering: .relaxed)
        }
    }

    /// One request on a connection of its own; nil when the daemon did not answer in full.
    private func post(_ path: String, name: String, body: JSONValue) -> (status: Int, body: String)? {
        guard let bytes = try? body.serialized() else { return nil }
        let credentials = Data("\(name):\(token)".utf8).base64EncodedString()
        let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Basic \(credentials)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n\r\n"
        guard let reply = LoopbackHTTP.exchange(port: port, Array(head.utf8) + bytes) else {
            usleep(2_000)  // the daemon is down: do not spin
            return nil
        }
        return reply
    }
}

/// Blocking HTTP/1.1 over loopback, one request per connection (`Connection: close`).
enum LoopbackHTTP {
    /// Sends `request` and reads the reply to the end; nil when the connection failed or
    /// the reply is incomplete (no header end, or a body shorter than its Content-Length).
    static func exchange(port: Int, _ request: [UInt8], timeoutSeconds: Int = 10) -> (status: Int, body: String)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return nil }
            sent += count
        }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            guard count > 0 else { return nil }  // reset or timed out: no complete reply
            reply += buffer[0..<count]
        }
        return parse(reply)
    }

    private static func parse(_ reply: [UInt8]) -> (status: Int, body: String)? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = reply.indices.first(where: { reply[$0...].starts(with: separator) }) else { return nil }
        let head = String(decoding: reply[..<end], as: UTF8.self)
        let body = Array(reply[(end + 4)...])
        let fields = head.split(separator: "\r\n")
        guard let statusLine = fields.first, statusLine.hasPrefix("HTTP/1."),
              let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else { return nil }
        for field in fields.dropFirst() where field.lowercased().hasPrefix("content-length:") {
            guard let length = Int(field.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)),
                  body.count == length else { return nil }
        }
        return (status, String(decoding: body, as: UTF8.self))
    }
}
