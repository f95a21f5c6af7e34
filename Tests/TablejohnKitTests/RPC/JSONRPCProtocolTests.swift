import Testing
import TestSupport
@testable import TablejohnKit

@Suite("JSON-RPC protocol")
struct JSONRPCProtocolTests {
    let rpc = JSONRPCProtocol { method, params throws(RPCError) in
        switch method {
        case "echo": return .value(params ?? .null)
        case "later": return .deferred { () async throws(RPCError) -> JSONValue in
            try? await Task.sleep(for: .milliseconds(10))
            return "done later"
        }
        case "later-fail": return .deferred { () async throws(RPCError) -> JSONValue in throw RPCError.failed("fetch failed") }
        case "fail": throw RPCError.notFound("ref", "nope")
        default: throw RPCError.methodNotFound(method)
        }
    }

    func reply(_ text: String) async throws -> JSONValue? {
        guard let bytes = await rpc.reply(to: Array(text.utf8)) else { return nil }
        return try JSONValue.parse(bytes)
    }

    @Test("answers a call with its result and id, whatever the id's type", arguments: [
        #""abc""#, "7", "7.5", "null",
    ])
    func result(id: String) async throws {
        let answer = try await reply(#"{"jsonrpc":"2.0","method":"echo","params":[1,"two"],"id":\#(id)}"#)
        #expect(answer == ["jsonrpc": "2.0", "result": [1, "two"], "id": try JSONValue.parse(id)])
    }

    @Test("notifications get no reply, even when they fail")
    func notifications() async throws {
        #expect(try await reply(#"{"jsonrpc":"2.0","method":"echo","params":{}}"#) == nil)
        #expect(try await reply(#"{"jsonrpc":"2.0","method":"missing"}"#) == nil)
        #expect(try await reply(#"[{"jsonrpc":"2.0","method":"echo"}]"#) == nil)
    }

    @Test("errors carry the spec's codes", arguments: [
        (#"{"jsonrpc":"2.0","method":"echo","id":1"#, -32700, JSONValue.null),
        (#"[]"#, -32600, .null),
        (#""just a string""#, -32600, .null),
        (#"{"jsonrpc":"1.0","method":"echo","id":1}"#, -32600, 1),
        (#"{"jsonrpc":"2.0","method":5,"id":1}"#, -32600, 1),
        (#"{"jsonrpc":"2.0","method":"echo","params":3,"id":1}"#, -32600, 1),
        (#"{"jsonrpc":"2.0","method":"echo","id":{"a":1}}"#, -32600, .null),
        (#"{"jsonrpc":"2.0","method":"nope","id":2}"#, -32601, 2),
        (#"{"jsonrpc":"2.0","method":"fail","id":3}"#, -32001, 3),
    ])
    func errors(text: String, code: Int64, id: JSONValue) async throws {
        let answer = try #require(try await reply(text))
        #expect(answer["error"]?["code"] == .integer(code))
        #expect(answer["error"]?["message"]?.stringValue?.isEmpty == false)
        #expect(answer["id"] == id)
        #expect(answer["result"] == nil)
    }

    @Test("application errors carry structured data")
    func errorData() async throws {
        let answer = try #require(try await reply(#"{"jsonrpc":"2.0","method":"fail","id":3}"#))
        #expect(answer["error"]?["message"] == "no ref named nope")
        #expect(answer["error"]?["data"] == ["kind": "ref", "name": "nope"])
    }

    @Test("deferred results are awaited, alone and inside batches, keeping the order of calls")
    func deferred() async throws {
        #expect(try await reply(#"{"jsonrpc":"2.0","method":"later","id":1}"#) == ["jsonrpc": "2.0", "result": "done later", "id": 1])
        guard case .later = rpc.process(Array(#"{"jsonrpc":"2.0","method":"later","id":1}"#.utf8)) else {
            Issue.record("a deferred method must not be answered at once")
            return
        }
        let batch = try await reply("""
            [{"jsonrpc":"2.0","method":"echo","params":[1],"id":1},{"jsonrpc":"2.0","method":"later","id":2},            {"jsonrpc":"2.0","method":"later-fail","id":3}]
            """)?.arrayValue
        #expect(batch?.map { $0["id"] } == [1, 2, 3])
        #expect(batch?[1]["result"] == "done later")
        #expect(batch?[2]["error"]?["message"] == "fetch failed")
    }

    @Test("a batch mixing good calls, bad calls and notifications answers each call in order")
    func batch() async throws {
        let answer = try await reply("""
            [{"jsonrpc":"2.0","method":"echo","params":["a"],"id":1},
             {"jsonrpc":"2.0","method":"echo","params":["silent"]},
             {"jsonrpc":"2.0","method":"nope","id":2},
             42,
             {"jsonrpc":"2.0","method":"echo","params":["b"],"id":3}]
            """)
        let replies = try #require(answer?.arrayValue)
        #expect(replies.count == 4)
        #expect(replies[0]["result"] == ["a"])
        #expect(replies[1]["error"]?["code"] == -32601)
        #expect(replies[2]["error"]?["code"] == -32600)
        #expect(replies[3]["result"] == ["b"])
    }
}
