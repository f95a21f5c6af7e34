// Every control-socket method given the wrong kind of parameters, and malformed lines,
// against the real daemon: each gets an error reply, nothing changes, the daemon stays up.
import Foundation
@testable import TablejohnKit
import Testing
import TestSupport

@Suite("Hostile control socket", .serialized)
struct HostileRPCTests {
    let repo: TestRepository

    init() throws {
        repo = try TestRepository()
        try repo.commits(6)
        try repo.git(["branch", "topic", "HEAD~2"])
    }

    var socket: String { repo.path + "/.git/tablejohn/tablejohn.sock" }

    func startDaemon() async throws -> DaemonProcess {
        let daemon = try DaemonProcess(serve: [], in: repo.path)
        try await daemon.waitUntilServing()
        _ = try await daemon.waitForPage("/") { $0.contains("6 commits") }
        return daemon
    }

    /// A parameter's kind, as `RPCParams` reads it.
    enum Kind { case string, integer, number, bool, strings, object, array }

    /// One method's parameters: their kinds, which are required, and a call that is valid
    /// apart from the parameter under attack (so each reply is about that parameter).
    struct MethodShape {
        var kinds: [String: Kind]
        var required: Set<String> = []
        var base: JSONObject = [:]
    }

    /// Every method of RPC.md with the kinds of its parameters (RPC.md lists their names).
    static let shapes: [String: MethodShape] = [
        "status": MethodShape(kinds: [:]),
        "repo.fetch": MethodShape(kinds: [:]),
        "refs.list": MethodShape(kinds: ["tracked": .bool]),
        "refs.track": MethodShape(kinds: ["ref": .string], required: ["ref"], base: ["ref": "topic"]),
        "refs.untrack": MethodShape(kinds: ["ref": .string], required: ["ref"], base: ["ref": "main"]),
        "queue.list": MethodShape(kinds: ["limit": .integer]),
        "queue.add": MethodShape(kinds: ["rev": .string, "priority": .integer], required: ["rev"], base: ["rev": "HEAD~1", "priority": 1]),
        "queue.remove": MethodShape(kinds: ["rev": .string], required: ["rev"], base: ["rev": "HEAD"]),
        "queue.prioritize": MethodShape(kinds: ["rev": .string, "priority": .integer], required: ["rev", "priority"],
                                        base: ["rev": "HEAD", "priority": 1]),
        "queue.backfill": MethodShape(kinds: ["ref": .string, "last": .integer, "priority": .integer], required: ["ref", "last"],
                                      base: ["ref": "main", "last": 3, "priority": 0]),
        "runs.list": MethodShape(kinds: filterKinds.merging(["limit": .integer, "cursor": .string]) { $1 }, base: ["limit": 10]),
        "runs.get": MethodShape(kinds: ["id": .string, "include_archive": .bool], required: ["id"], base: ["id": "no-such-run"]),
        "runs.delete": MethodShape(kinds: ["id": .string], required: ["id"], base: ["id": "no-such-run"]),
        "runs.submit": MethodShape(kinds: ["commit": .string, "files": .strings, "names": .strings, "format": .string, "runner": .string,
                                           "fingerprint": .object],
                                   required: ["commit", "files"],
                                   base: ["commit": "HEAD", "files": [#"{"hostile/time": {"value": 1.5, "unit": "ns"}}"#],
                                          "format": "tablejohn", "runner": "ci", "fingerprint": ["cpu": "x"]]),
        "runs.import": MethodShape(kinds: ["runs": .array], required: ["runs"]),
        "runs.export": MethodShape(kinds: filterKinds.merging(["format": .string, "stream": .bool, "limit": .integer, "cursor": .string]) { $1 },
                                   base: ["format": "csv", "limit": 10]),
        "metrics.list": MethodShape(kinds: [:]),
        "metrics.set": MethodShape(kinds: ["name": .string, "unit": .string, "direction": .string], required: ["name"],
                                   base: ["name": "no/such/metric", "unit": "ns", "direction": "lower"]),
        "runners.list": MethodShape(kinds: [:]),
        "runners.add": MethodShape(kinds: ["name": .string], required: ["name"], base: ["name": "hostile-box"]),
        "runners.revoke": MethodShape(kinds: ["name": .string], required: ["name"], base: ["name": "no-such-runner"]),
        "changes.list": MethodShape(kinds: ["state": .string, "all": .bool, "commit": .string, "kind": .string, "tracked": .bool,
                                            "limit": .integer],
                                    base: ["state": "any", "all": true, "commit": "HEAD", "kind": "regression", "tracked": false, "limit": 5]),
        "compare": MethodShape(kinds: ["base": .string, "head": .string, "threshold": .number], required: ["base", "head"],
                               base: ["base": "main", "head": "HEAD", "threshold": 2]),
        "changes.ack": MethodShape(kinds: ["id": .integer], required: ["id"], base: ["id": 1]),
        "users.list": MethodShape(kinds: [:]),
        "users.add": MethodShape(kinds: ["name": .string, "password": .string, "admin": .bool], required: ["name", "password"],
                                 base: ["name": "eve", "password": "a long enough password", "admin": false]),
        "users.passwd": MethodShape(kinds: ["name": .string, "password": .string], required: ["name", "password"],
                                    base: ["name": "nobody", "password": "a long enough password"]),
        "users.remove": MethodShape(kinds: ["name": .string], required: ["name"], base: ["name": "nobody"]),
        "db.query": MethodShape(kinds: ["sql": .string, "limit": .integer, "offset": .integer], required: ["sql"],
                                base: ["sql": "SELECT count(*) FROM runs", "limit": 10, "offset": 0]),
        "db.backup": MethodShape(kinds: ["path": .string, "force": .bool], required: ["path"],
                                 base: ["path": "/no/such/folder/copy.db", "force": false]),
        "archive.move": MethodShape(kinds: ["before": .string, "ref": .string, "keep_last": .integer], required: ["before"],
                                    base: ["before": "1970-01-02", "ref": "main", "keep_last": 1]),
        "archive.restore": MethodShape(kinds: ["before": .string, "after": .string], base: ["before": "1970-01-02", "after": "1970-01-01"]),
        "archive.status": MethodShape(kinds: [:]),
    ]

    static let filterKinds: [String: Kind] = ["commit": .string, "ref": .string, "metric": .string, "runner": .string,
                                              "since": .string, "until": .string, "include_archive": .bool]

    /// Values of the wrong kind for parameter `name` of `kind`, and numbers out of its range.
    static func wrongValues(_ name: String, _ kind: Kind) -> [JSONValue] {
        let containers: [JSONValue] = [[], [:], [["nested": [1, 2, 3]]]]
        switch kind {
        case .string: return containers + [42, -1, 1e308, true, ["HEAD"]]
        case .integer:
            let outOfRange: [JSONValue] = switch name {
            case "priority": [.integer(.min), .integer(.max), 1_000_001, -1_000_001]
            case "id": [0, -1, .integer(.min)]
            case "offset", "keep_last": [-1, .integer(.min), .integer(.max)]
            default: [0, -1, .integer(.min), .integer(.max)]
            }
            return containers + ["10", 1.5, 1e308, -1e308, true] + outOfRange
        case .number: return containers + ["10", true, -1, 1e308, -1e308]
        case .bool: return containers + ["true", 1, 0, "yes"]
        case .strings: return [[:], "file", 1, [1, 2], [[:]], [], ["a", 1]]
        case .object: return [[], "cpu", 1, true]
        case .array: return [[:], "runs", 1, true, [1], [[:]], [["id": 1]], [[], []]]
        }
    }

    /// What a caller can see of the daemon's state, minus the sync loop's counters.
    func snapshot(_ client: SocketLineClient) throws -> [JSONValue] {
        var status = try client.call("status", [:])
        if case .object(var fields) = status {
            fields["sync"] = nil
            status = .object(fields)
        }
        return [status] + (try ["refs.list", "queue.list", "runs.list", "metrics.list", "runners.list", "users.list"].map { try client.call($0, [:]) })
            + [try client.call("changes.list", ["state": "any", "all": true])]
    }

    @Test("every method given wrong parameter types, missing or extra parameters gets an invalid-params error and changes nothing")
    func wrongParameters() async throws {
        let daemon = try await startDaemon()
        let client = try SocketLineClient(path: socket)
        let documented = try RPCDocumentation.methods()
        #expect(documented.count >= 25)
        let before = try snapshot(client)

        for (method, names) in documented.sorted(by: { $0.key < $1.key }) {
            guard let shape = Self.shapes[method] else {
                Issue.record("RPC.md documents \(method), which this test does not know: add its parameter kinds to `shapes`")
                continue
            }
            #expect(Set(names) == Set(shape.kinds.keys), "RPC.md's parameters of \(method)")
            var attempts: [(what: String, params: JSONValue)] = []
            for (name, kind) in shape.kinds.sorted(by: { $0.key < $1.key }) {
                for value in Self.wrongValues(name, kind) {
                    var params = shape.base
                    params[name] = value
                    attempts.append(("\(name) = \(String(decoding: try value.serialized(), as: UTF8.self))", .object(params)))
                }
            }
            for name in shape.required.sorted() {
                var params = JSONObject()
                for (key, value) in shape.base.entries where key != name { params[key] = value }
                attempts.append(("\(name) missing", .object(params)))
                params[name] = .null
                attempts.append(("\(name) null", .object(params)))
            }
            var extra = shape.base
            extra["no_such_parameter"] = 1
            attempts.append(("an unknown parameter", .object(extra)))
            attempts.append(("too many positional parameters", .array(Array(repeating: "x", count: shape.kinds.count + 1))))
            for params: JSONValue in ["a string", 7, true] {
                attempts.append(("params \(String(decoding: try params.serialized(), as: UTF8.self))", params))
            }

            for attempt in attempts {
                let reply = try client.request(method, attempt.params)
                let code = reply["error"]?["code"]?.intValue
                #expect(code == -32602 || code == -32600, "\(method) with \(attempt.what) answered \(reply)")
            }
        }

        #expect(try snapshot(client) == before)
        #expect(try SocketLineClient(path: socket).call("status", [:])["commits"] == 6)
        #expect(daemon.process.isRunning)
        _ = try await daemon.stop()
    }

    @Test("huge strings, deep nesting and huge numbers in parameters get an answer, never a crash, and change nothing")
    func hugeValues() async throws {
        let daemon = try await startDaemon()
        let client = try SocketLineClient(path: socket)
        let before = try snapshot(client)
        let huge = String(repeating: "ä/", count: 150_000)  // 450 KB, under the 1 MiB line limit
        let deep: JSONValue = (0..<60).reduce(JSONValue.string("bottom")) { inner, _ in ["a": inner] }

        for (method, shape) in Self.shapes.sorted(by: { $0.key < $1.key }) {
            for (name, kind) in shape.kinds.sorted(by: { $0.key < $1.key }) {
                // Read-only lookups may answer with an empty result; what they must not do is store anything.
                // Values these store are checked below.
                guard !["runners.add", "users.add", "metrics.set"].contains(method) || kind != .string else { continue }
                guard method != "runs.submit" || !["runner", "fingerprint"].contains(name) else { continue }
                var params = shape.base
                switch kind {
                case .string: params[name] = .string(huge)
                case .integer: params[name] = .integer(.max)
                case .number: params[name] = .real(1e308)
                case .strings: params[name] = .array([.string(huge)])
                case .object, .array: params[name] = deep
                case .bool: continue
                }
                let reply = try client.request(method, .object(params))
                #expect(reply["error"] != nil || reply["result"] != nil, "\(method) with a huge \(name) answered \(reply)")
                let after = try snapshot(client)
                #expect(after == before, "\(method) with a huge \(name) changed what the daemon reports")
                if after != before { return }
            }
        }
        // Names that would be stored are refused when huge.
        for (method, params) in [("runners.add", ["name": JSONValue.string(huge)]),
                                 ("users.add", ["name": .string(huge), "password": "a long enough password"]),
                                 ("users.add", ["name": "eve", "password": .string(huge)])] as [(String, JSONObject)] {
            let reply = try client.request(method, .object(params))
            #expect(reply["error"]?["code"] == -32602, "\(method) with a huge value answered \(reply["error"] ?? "a result")")
        }
        #expect(try snapshot(client) == before)
        // A deeply nested fingerprint within the JSON limits is a fingerprint like any other.
        var nested = Self.shapes["runs.submit"]!.base
        nested["fingerprint"] = deep
        #expect(try client.request("runs.submit", .object(nested))["result"]?["measurements"] == 1)
        #expect(daemon.process.isRunning)
        _ = try await daemon.stop()
    }

    @Test("metric names, units and runner names given to runs.submit and metrics.set are refused when huge")
    func hugeStoredNames() async throws {
        let daemon = try await startDaemon()
        let client = try SocketLineClient(path: socket)
        let before = try snapshot(client)
        let huge = String(repeating: "ä/", count: 150_000)
        let submit = Self.shapes["runs.submit"]!.base
        var hugeRunner = submit
        hugeRunner["runner"] = .string(huge)
        var hugeMetric = submit
        hugeMetric["files"] = [.string(#"{"\#(huge)": {"value": 1, "unit": "ns"}}"#)]
        var hugeUnit = submit
        hugeUnit["files"] = [.string(#"{"m": {"value": 1, "unit": "\#(huge)"}}"#)]
        let attempts: [(String, String, JSONObject)] = [
            ("a huge runner name", "runs.submit", hugeRunner),
            ("a huge metric name", "runs.submit", hugeMetric),
            ("a huge unit", "runs.submit", hugeUnit),
            ("a huge metric name", "metrics.set", ["name": .string(huge), "unit": "ns"]),
            ("a huge unit", "metrics.set", ["name": "m", "unit": .string(huge)]),
        ]
        for (what, method, params) in attempts {
            let reply = try client.request(method, .object(params))
            #expect(reply["error"]?["code"] == -32602, "\(method) with \(what) answered \(reply["error"] ?? "a result")")
        }
        let after = try snapshot(client)
        #expect(after == before)
        #expect(daemon.process.isRunning)
        _ = try await daemon.stop()
    }

    @Test("invalid UTF-8, a 2 MB line, deep nesting and broken framing get errors on a connection that stays usable")
    func malformedLines() async throws {
        let daemon = try await startDaemon()
        let client = try SocketLineClient(path: socket)
        let before = try snapshot(client)
        func code(_ line: [UInt8]) throws -> Int64? {
            try JSONValue.parse(try client.exchange(line))["error"]?["code"]?.intValue
        }

        #expect(try code([0xff, 0xfe, 0xfd, 0x00, 0x80]) == -32700)
        #expect(try code(Array(#"{"jsonrpc":"2.0","method":"status"#.utf8) + [0xc3, 0x28] + Array(#"","id":1}"#.utf8)) == -32700)
        #expect(try code(Array(#"{"jsonrpc":"2.0","method":"refs.track","params":{"ref":"ma"#.utf8) + [0xed, 0xa0, 0x80]
                         + Array(#""},"id":1}"#.utf8)) == -32700)
        #expect(try code(Array(#"{"jsonrpc":"2.0","method":"status","id":1,"x":"\u0000"}"#.utf8)) == nil)  // valid: an escaped NUL
        #expect(try code(Array(repeating: UInt8(ascii: "x"), count: 2 << 20)) == -32004)
        #expect(try code(Array(repeating: UInt8(ascii: "["), count: 500_000) + Array(repeating: UInt8(ascii: "]"), count: 500_000)) == -32700)
        #expect(try code(Array(String(repeating: #"{"a":"#, count: 100_000).utf8)) == -32700)
        let nested = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        #expect(try code(Array(#"{"jsonrpc":"2.0","method":"runs.import","params":{"runs":\#(nested)},"id":1}"#.utf8)) == -32700)
        #expect(try code(Array("1e999999".utf8)) == -32700)
        #expect(try code(Array(#"{"jsonrpc":"2.0","method":"status","id":1e400}"#.utf8)) == -32700)
        // A repeated member: either reading is fine, as long as the answer is JSON.
        #expect((try? JSONValue.parse(try client.exchange(Array(#"{"jsonrpc":"2.0","method":"status","id":1,"id":2}"#.utf8)))) != nil)
        #expect(try code([]) == -32700)
        #expect(try code(Array("\r".utf8)) == -32700)

        #expect(try client.call("status", [:])["commits"] == 6)
        #expect(try snapshot(client) == before)
        #expect(daemon.process.isRunning)
        _ = try await daemon.stop()
    }

    @Test("a connection closed mid-line or mid-call, and many connections at once, leave the daemon serving")
    func brokenConnections() async throws {
        let daemon = try await startDaemon()
        for _ in 0..<20 {
            let half = try SocketLineClient(path: socket)
            try half.sendRaw(Array(#"{"jsonrpc":"2.0","method":"sta"#.utf8))
            half.close()
            let early = try SocketLineClient(path: socket)
            try early.sendRaw(Array("{\"jsonrpc\":\"2.0\",\"method\":\"runs.export\",\"params\":{\"stream\":true},\"id\":1}\n".utf8))
            early.close()
        }
        let many = try (0..<100).map { _ in try SocketLineClient(path: socket) }
        for client in many { try client.sendRaw(Array(#"{"jsonrpc":"2.0","method":"sta"#.utf8)) }
        #expect(try SocketLineClient(path: socket).call("status", [:])["commits"] == 6)
        many.forEach { $0.close() }
        #expect(daemon.process.isRunning)
        _ = try await daemon.stop()
    }
}

/// A line client for the control socket whose reads give up after `timeout` seconds, so
/// a daemon that hangs fails the test instead of stopping it.
final class SocketLineClient {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var nextID: Int64 = 1

    init(path: String, timeout: Int = 30) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket failed") }
        var time = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8.prefix(raw.count - 1))
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw TestFailure("cannot connect to \(path)")
        }
    }

    deinit { Glibc.close(fd) }

    func close() { shutdown(fd, Int32(SHUT_RDWR)) }

    func sendRaw(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw TestFailure("the daemon stopped reading (errno \(errno))") }
            offset += written
        }
    }

    /// Sends `line` and a newline; returns the reply line.
    func exchange(_ line: [UInt8]) throws -> [UInt8] {
        try sendRaw(line + [UInt8(ascii: "\n")])
        return try readLine()
    }

    func readLine() throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw TestFailure(count == 0 ? "the daemon closed the connection" : "no reply in time (errno \(errno))") }
            buffer += chunk[..<count]
        }
    }

    /// The whole reply to a call of `method` with `params` (a result or an error object).
    func request(_ method: String, _ params: JSONValue) throws -> JSONValue {
        let id = nextID
        nextID += 1
        let line = try JSONValue.object(["jsonrpc": "2.0", "method": .string(method), "params": params, "id": .integer(id)]).serialized()
        let reply = try JSONValue.parse(try exchange(line))
        guard reply["id"] == .integer(id) else { throw TestFailure("a reply for another call: \(reply)") }
        return reply
    }

    /// The result of a call that must succeed.
    func call(_ method: String, _ params: JSONObject) throws -> JSONValue {
        let reply = try request(method, .object(params))
        guard let result = reply["result"] else { throw TestFailure("\(method) failed: \(reply)") }
        return result
    }
}
