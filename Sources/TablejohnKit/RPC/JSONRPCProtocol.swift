// JSON-RPC 2.0 message handling: requests, notifications, batches and replies.

/// What a method returns: a result now, work that must wait (such as a fetch), or a
/// result followed by a stream of raw bytes (a CSV export; see RPC.md, "Streams").
enum RPCResult: Sendable {
    case value(JSONValue)
    case deferred(@Sendable () async throws(RPCError) -> JSONValue)
    case stream(JSONValue, any ByteChunkSource)
}

/// The reply to one message: ready now, produced later, none (notifications), or a
/// reply line followed by the chunks of a stream.
enum RPCReply: Sendable {
    case now([UInt8]?)
    case later(@Sendable () async -> [UInt8]?)
    case stream([UInt8], id: JSONValue, any ByteChunkSource)
}

/// Turns one received message (one line) into the reply to send, if any, following
/// JSON-RPC 2.0: notifications get no reply, a batch gets an array of the replies to
/// its calls, and every malformed message gets an error object.
///
/// Methods answer synchronously unless they return `.deferred`, so a connection can
/// be served on its event loop without a thread hand-off per call.
struct JSONRPCProtocol: Sendable {
    typealias Handler = @Sendable (_ method: String, _ params: JSONValue?) throws(RPCError) -> RPCResult

    let limits: JSONLimits
    let handle: Handler

    init(limits: JSONLimits = .standard, handle: @escaping Handler) {
        self.limits = limits
        self.handle = handle
    }

    /// The reply to `message` (without the trailing newline).
    func process(_ message: [UInt8]) -> RPCReply {
        let value: JSONValue
        do {
            value = try JSONValue.parse(message, limits: limits)
        } catch {
            return .now(Self.encode(Self.errorReply(.parseError(error.description), id: .null)))
        }
        let isBatch: Bool
        let calls: [JSONValue]
        switch value {
        case .array(let items):
            guard !items.isEmpty else { return .now(Self.encode(Self.errorReply(.invalidRequest("empty batch"), id: .null))) }
            (isBatch, calls) = (true, items)
        default:
            (isBatch, calls) = (false, [value])
        }
        var outcomes = calls.map(respond)
        // A stream takes over the connection after its reply, so only a lone call may open one.
        for (position, outcome) in outcomes.enumerated() {
            guard case .streaming(let id, let result, let source) = outcome else { continue }
            if !isBatch, let id { return .stream(Self.encode(["jsonrpc": "2.0", "result": result, "id": id]), id: id, source) }
            source.cancel()
            outcomes[position] = .ready(id.map { Self.errorReply(.invalidRequest("a stream cannot be opened inside a batch or by a notification"), id: $0) })
        }
        let settled = outcomes
        let pending = settled.contains { if case .pending = $0 { true } else { false } }
        guard pending else { return .now(Self.assemble(settled.map(\.ready), isBatch: isBatch)) }
        return .later {
            var replies: [JSONValue?] = []
            for outcome in settled {
                switch outcome {
                case .ready(let reply): replies.append(reply)
                case .streaming: break  // replaced above
                case .pending(let id, let work):
                    do throws(RPCError) {
                        let result = try await work()
                        replies.append(id.map { ["jsonrpc": "2.0", "result": result, "id": $0] })
                    } catch {
                        replies.append(id.map { Self.errorReply(error, id: $0) })
                    }
                }
            }
            return Self.assemble(replies, isBatch: isBatch)
        }
    }

    /// The reply to `message`, waiting for deferred work (for tests and simple callers).
    func reply(to message: [UInt8]) async -> [UInt8]? {
        switch process(message) {
        case .now(let bytes): return bytes
        case .later(let work): return await work()
        case .stream(let reply, _, let source):
            source.cancel()
            return reply
        }
    }

    /// The error line that ends a stream whose source failed part-way.
    static func streamFailureReply(_ error: any Error, id: JSONValue) -> [UInt8] {
        encode(errorReply(error as? RPCError ?? .internalError("the stream failed: \(error)"), id: id))
    }

    /// The reply to a too-long message that was discarded unread.
    static var tooLargeReply: [UInt8] { encode(errorReply(.messageTooLarge, id: .null)) }

    private enum Outcome {
        /// The reply object, or nil for a notification.
        case ready(JSONValue?)
        case pending(id: JSONValue?, work: @Sendable () async throws(RPCError) -> JSONValue)
        case streaming(id: JSONValue?, result: JSONValue, source: any ByteChunkSource)

        var ready: JSONValue? { if case .ready(let reply) = self { reply } else { nil } }
    }

    private static func assemble(_ replies: [JSONValue?], isBatch: Bool) -> [UInt8]? {
        let present = replies.compactMap { $0 }
        if isBatch { return present.isEmpty ? nil : encode(.array(present)) }
        return present.first.map(encode)
    }

    private func respond(to call: JSONValue) -> Outcome {
        guard case .object(let request) = call else {
            return .ready(Self.errorReply(.invalidRequest("a request must be an object"), id: .null))
        }
        let id = request["id"]
        if let id {
            switch id {
            case .string, .integer, .real, .null: break
            default: return .ready(Self.errorReply(.invalidRequest("id must be a string, a number or null"), id: .null))
            }
        }
        guard request["jsonrpc"] == .string("2.0") else {
            return .ready(Self.errorReply(.invalidRequest("\"jsonrpc\" must be \"2.0\""), id: id ?? .null))
        }
        guard case .string(let method)? = request["method"] else {
            return .ready(Self.errorReply(.invalidRequest("\"method\" must be a string"), id: id ?? .null))
        }
        let params = request["params"]
        if let params {
            switch params {
            case .array, .object: break
            default: return .ready(Self.errorReply(.invalidRequest("\"params\" must be an array or an object"), id: id ?? .null))
            }
        }
        do {
            switch try handle(method, params) {
            case .value(let result):
                return .ready(id.map { ["jsonrpc": "2.0", "result": result, "id": $0] })  // no id: a notification
            case .deferred(let work):
                return .pending(id: id, work: work)
            case .stream(let result, let source):
                return .streaming(id: id, result: result, source: source)
            }
        } catch {
            return .ready(id.map { Self.errorReply(error, id: $0) })
        }
    }

    static func errorReply(_ error: RPCError, id: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "error": error.json, "id": id]
    }

    private static func encode(_ value: JSONValue) -> [UInt8] {
        do {
            return try value.serialized()
        } catch {
            let fallback = errorReply(.internalError("the result could not be encoded: \(error)"), id: value["id"] ?? .null)
            return (try? fallback.serialized()) ?? Array(#"{"jsonrpc":"2.0","error":{"code":-32603,"message":"internal error"},"id":null}"#.utf8)
        }
    }
}
