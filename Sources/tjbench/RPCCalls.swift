// Drives one JSON-RPC method against a running tablejohnd, for profiling the daemon
// (under callgrind or perf) with a known number of calls.
import ArgumentParser
import Foundation
import TablejohnKit

struct RPCCalls: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc-calls",
        abstract: "Send one JSON-RPC call many times to a running tablejohnd and print calls per second.",
        discussion: "Start the daemon yourself (for example under valgrind --tool=callgrind), then: "
            + "tjbench rpc-calls --socket rpc.sock --method runs.list --params '{\"limit\":1}' --calls 10000")

    @Option(help: "The daemon's control socket.") var socket: String
    @Option(help: "The method to call.") var method: String
    @Option(help: "The params, as a JSON object.") var params: String = "{}"
    @Option(help: "Calls to send.") var calls: Int = 10_000
    @Option(help: "Calls in flight on the connection (1: one at a time).") var window: Int = 64

    func validate() throws {
        guard calls > 0, window > 0 else { throw ValidationError("--calls and --window must be positive") }
        guard case .object? = try? JSONValue.parse(params) else { throw ValidationError("--params must be a JSON object") }
    }

    func run() throws {
        guard case .object(let object) = try JSONValue.parse(params) else { return }
        let client = try RPCClient(socketPath: socket)
        // One call first, so a mistyped method or params is seen before it is timed (an
        // unknown method is still timed: it is the floor of framing and parsing).
        do {
            _ = try client.call(method, object)
        } catch let error as RPCError {
            log("note: the call fails (\(error.message)); timing it anyway")
        }
        let rate = try Self.pipelined(client, method, object, calls: calls, window: window)
        print("\(method): \(calls) calls, \(Int(rate)) calls/s, \(window) in flight")
    }

    /// Calls per second with up to `window` calls in flight on the connection.
    static func pipelined(_ client: RPCClient, _ method: String, _ params: JSONObject, calls: Int, window: Int) throws -> Double {
        let request = try JSONValue.object(["jsonrpc": "2.0", "method": .string(method), "params": .object(params), "id": 1]).serialized()
        let seconds = try Measure.seconds {
            var sent = 0
            var received = 0
            while received < calls {
                while sent < calls && sent - received < window {
                    try client.send(request)
                    sent += 1
                }
                _ = try client.readLine()
                received += 1
            }
        }
        return Double(calls) / seconds
    }
}
