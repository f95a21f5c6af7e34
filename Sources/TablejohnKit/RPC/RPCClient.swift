// A blocking JSON-RPC client for the control socket, used by tjctl and the tests.
import Foundation

/// Why the client could not talk to the daemon.
enum RPCClientError: Error, Equatable, CustomStringConvertible {
    case notRunning(socket: String, reason: String)
    case connectionLost(socket: String)
    case badReply(String)

    var description: String {
        switch self {
        case .notRunning(let socket, let reason): "cannot reach tablejohnd at \(socket) (\(reason)); is it running?"
        case .connectionLost(let socket): "tablejohnd closed the connection at \(socket)"
        case .badReply(let detail): "unexpected reply from tablejohnd: \(detail)"
        }
    }
}

/// One connection to the control socket. Calls are sent one per line and answered in order.
public final class RPCClient {
    let socketPath: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    /// Where unread bytes start in `buffer`; consumed bytes are dropped only occasionally.
    private var start = 0
    private var chunk = [UInt8](repeating: 0, count: 1 << 18)
    private var nextID: Int64 = 1

    public init(socketPath: String) throws {
        self.socketPath = socketPath
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else {
            throw RPCClientError.notRunning(socket: socketPath, reason: "the path is longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RPCClientError.notRunning(socket: socketPath, reason: String(cString: strerror(errno))) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw RPCClientError.notRunning(socket: socketPath, reason: reason)
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Calls `method` and returns its result, or throws the daemon's `RPCError`.
    public func call(_ method: String, _ params: JSONObject = [:]) throws -> JSONValue {
        let id = nextID
        nextID += 1
        var request: JSONObject = ["jsonrpc": "2.0", "method": .string(method), "id": .integer(id)]
        if params.count > 0 { request["params"] = .object(params) }
        let reply = try JSONValue.parse(try exchange(JSONValue.object(request).serialized()), limits: .init(maximumBytes: 1 << 30, maximumDepth: 64))
        if let error = reply["error"] {
            throw RPCError(code: Int(error["code"]?.intValue ?? -32603), message: error["message"]?.stringValue ?? "unknown error",
                           data: error["data"])
        }
        guard reply["id"] == .integer(id), let result = reply["result"] else {
            throw RPCClientError.badReply(String(decoding: try reply.serialized().prefix(200), as: UTF8.self))
        }
        return result
    }

    /// Calls a method that answers with a stream (RPC.md, "Streams") and passes each
    /// piece of the streamed bytes, in order, to `body`; returns the call's result.
    /// Throws the daemon's `RPCError` if the call or the stream fails.
    public func stream(_ method: String, _ params: JSONObject, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> JSONValue {
        let result = try call(method, params)
        while true {
            let header = String(decoding: try readLine(), as: UTF8.self)
            let length = Int(header) ?? -2
            switch length {
            case 0:
                return result
            case -1:
                let reply = try JSONValue.parse(try readLine())
                let error = reply["error"]
                throw RPCError(code: Int(error?["code"]?.intValue ?? -32603), message: error?["message"]?.stringValue ?? "the stream failed",
                               data: error?["data"])
            case 1...:
                try readBytes(length, body)
            default:
                throw RPCClientError.badReply("\(header.prefix(40)) is not a chunk length")
            }
        }
    }

    /// Passes exactly `count` bytes to `body`, buffered ones first, reading no further.
    private func readBytes(_ count: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var remaining = count
        let buffered = min(remaining, buffer.count - start)
        if buffered > 0 {
            try buffer[start..<(start + buffered)].withUnsafeBytes(body)
            start += buffered
            remaining -= buffered
            if start == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                start = 0
            }
        }
        while remaining > 0 {
            let wanted = min(remaining, chunk.count)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, wanted) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw RPCClientError.connectionLost(socket: socketPath) }
            try chunk.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            remaining -= count
        }
    }

    /// Sends one raw line and returns the reply line (for tests of malformed input).
    public func exchange(_ line: [UInt8]) throws -> [UInt8] {
        try send(line)
        return try readLine()
    }

    /// Sends one raw line without waiting for a reply.
    public func send(_ line: [UInt8]) throws {
        var bytes = line
        bytes.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw RPCClientError.connectionLost(socket: socketPath) }
            offset += written
        }
    }

    /// Reads the next reply line.
    public func readLine() throws -> [UInt8] {
        var scanned = start
        while true {
            if let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                if start == buffer.count {
                    buffer.removeAll(keepingCapacity: true)
                    start = 0
                } else if start > 1 << 20 {
                    buffer.removeSubrange(..<start)
                    start = 0
                }
                return line
            }
            scanned = buffer.count
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw RPCClientError.connectionLost(socket: socketPath) }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}
