// JSON-RPC error objects: the spec's codes and tablejohn's application errors.

/// An error returned to a JSON-RPC caller. Application errors use -32000…-32099.
public struct RPCError: Error, Equatable, CustomStringConvertible, Sendable {
    public var code: Int
    public var message: String
    var data: JSONValue?

    init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String { message }

    static func parseError(_ detail: String) -> RPCError {
        RPCError(code: -32700, message: "parse error: \(detail)")
    }
    static func invalidRequest(_ detail: String) -> RPCError {
        RPCError(code: -32600, message: "invalid request: \(detail)")
    }
    static func methodNotFound(_ method: String) -> RPCError {
        RPCError(code: -32601, message: "no method named \(method)", data: ["method": .string(method)])
    }
    static func invalidParams(_ detail: String, data: JSONValue? = nil) -> RPCError {
        RPCError(code: -32602, message: "invalid params: \(detail)", data: data)
    }
    static func internalError(_ detail: String) -> RPCError {
        RPCError(code: -32603, message: "internal error: \(detail)")
    }

    // Application errors.
    public static func notFound(_ what: String, _ name: String, hint: String? = nil) -> RPCError {
        RPCError(code: -32001, message: "no \(what) named \(name)" + (hint.map { ": " + $0 } ?? ""),
                 data: ["kind": .string(what), "name": .string(name)])
    }
    static func ambiguous(_ name: String, candidates: [String]) -> RPCError {
        RPCError(code: -32002, message: "\(name) is ambiguous: it could be \(candidates.joined(separator: ", "))",
                 data: ["name": .string(name), "candidates": .array(candidates.map(JSONValue.string))])
    }
    static func conflict(_ message: String, data: JSONValue? = nil) -> RPCError {
        RPCError(code: -32003, message: message, data: data)
    }
    static func failed(_ message: String) -> RPCError {
        RPCError(code: -32000, message: message)
    }
    static let messageTooLarge = RPCError(code: -32004, message: "message too large")
    /// The code of `tryAgain`: the daemon's storage is busy or failing, not the request.
    public static let tryAgainCode = -32005
    /// The daemon's own trouble (a busy database, a full disk): the same call may succeed later.
    static func tryAgain(_ message: String) -> RPCError {
        RPCError(code: tryAgainCode, message: message, data: ["retry_after_s": .integer(Int64(StorageTrouble.retryAfterSeconds))])
    }

    var json: JSONValue {
        var object: JSONObject = ["code": .integer(Int64(code)), "message": .string(message)]
        if let data { object["data"] = data }
        return .object(object)
    }
}
