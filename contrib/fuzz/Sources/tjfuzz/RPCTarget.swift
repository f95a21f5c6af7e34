// Fuzz target "rpc": one control-socket line through JSON-RPC parsing and every method.
import Logging
@testable import TablejohnKit

/// Feeds the input as one message line to the daemon's `JSONRPCProtocol` with the real
/// `ControlMethods` on an imported in-memory store. Work the daemon defers (a fetch, a
/// password hash) is not awaited and streams are cancelled: the parsing, parameter
/// checks and synchronous store calls are what is fuzzed. Every reply must be JSON.
final class RPCTarget: FuzzTarget {
    private let repository = FuzzRepository()
    private var rpc: JSONRPCProtocol
    private var calls = 0

    init() {
        rpc = Self.protocolHandler(repository)
    }

    /// A fresh store now and then, so runs and runners added by earlier inputs do not pile up.
    private static let callsPerStore = 5000

    private static func protocolHandler(_ repository: FuzzRepository) -> JSONRPCProtocol {
        let store = repository.importedStore()
        let sync = SyncService(repository: repository.git, store: store, remote: nil, interval: .seconds(3600),
                               logger: Logger(label: "tjfuzz"))
        let methods = ControlMethods(store: store, sync: sync, resolver: RevisionResolver(store: store, repository: repository.git),
                                     repositoryPath: repository.path, databasePath: ":memory:")
        return JSONRPCProtocol(handle: methods.handler)
    }

    func run(_ input: [UInt8]) {
        calls += 1
        if calls % Self.callsPerStore == 0 { rpc = Self.protocolHandler(repository) }
        switch rpc.process(input) {
        case .now(let reply):
            if let reply { Self.checkReply(reply, input) }
        case .later:
            break
        case .stream(let reply, _, let source):
            source.cancel()
            Self.checkReply(reply, input)
        }
    }

    /// A reply line is one JSON value with no raw newline (the framing depends on it).
    private static func checkReply(_ reply: [UInt8], _ input: [UInt8]) {
        guard !reply.contains(UInt8(ascii: "\n")) else { fatalError("a reply contains a newline: \(String(decoding: reply, as: UTF8.self))") }
        guard (try? JSONValue.parse(reply)) != nil else { fatalError("a reply is not JSON: \(String(decoding: reply, as: UTF8.self))") }
    }
}
