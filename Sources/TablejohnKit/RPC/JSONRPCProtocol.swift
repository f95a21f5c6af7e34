// JSON-RPC 2.0 message handling: requests, notifications, batches and replies.

/// Turns one received message (one line) into the reply to send, if any, following
/// JSON-RPC 2.0: notifications get no reply, a batch gets an array of the replies to
/// its calls, and every malformed message gets an error object.
public struct JSONRPCProtocol: Sendable {
    public typealias Handler = @Sendable (_ method: String, _ params: JSONValue?) async throws(RPCError) -> JSONValue

    let limits: JSONLimits
    let handle: Handler

    public init(limits: JSONLimits = .standard, handle: @escaping Handler) {
        self.limits = limits
        self.handle = handle
    }

    /// The reply to `message` (without the trailing newline), or nil when there is nothing to send.
    public func reply(to message: [UInt8]) async -> [UInt8]? {
        let value: JSONValue
        do {
            value = try JSONValue.parse(message, limits: limits)
        } catch {
            return Self.encode(Self.errorReply(.parseError(error.description), id: .null))
        }
        switch value {
        case .array(let calls):
            guard !calls.isEmpty else { return Self.encode(Self.errorReply(.invalidRequest("empty batch"), id: .null)) }
            var replies: [JSONValue] = []
            for call in calls {
                if let reply = await respond(to: call) { replies.append(reply) }
            }
            return replies.isEmpty ? nil : Self.encode(.array(replies))
        default:
            return await respond(to: value).map(Self.encode)
        }
    }

    /// The reply to a too-long message that was discarded unread.
    public static var tooLargeReply: [UInt8] { encode(errorReply(.messageTooLarge, id: .null)) }

    private func respond(to call: JSONValue) async -> JSONValue? {
        guard case .object(let request) = call else {
            return Self.errorReply(.invalidRequest("a request must be an object"), id: .null)
        }
        let id = request["id"]
        if let id {
            switch id {
            case .string, .integer, .real, .null: break
            default: return Self.errorReply(.invalidRequest("id must be a string, a number or null"), id: .null)
            }
        }
        guard request["jsonrpc"] == .string("2.0") else {
            return Self.errorReply(.invalidRequest("\"jsonrpc\" must be \"2.0\""), id: id ?? .null)
        }
        guard case .string(let method)? = request["method"] else {
            return Self.errorReply(.invalidRequest("\"method\" must be a string"), id: id ?? .null)
        }
        let params = request["params"]
        if let params {
            switch params {
            case .array, .object: break
            default: return Self.errorReply(.invalidRequest("\"params\" must be an array or an object"), id: id ?? .null)
            }
        }
        let result: Result<JSONValue, RPCError>
        do {
            result = .success(try await handle(method, params))
        } catch {
            result = .failure(error)
        }
        guard let id else { return nil }  // a notification: no reply, even on error
        switch result {
        case .success(let value): return ["jsonrpc": "2.0", "result": value, "id": id]
        case .failure(let error): return Self.errorReply(error, id: id)
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
