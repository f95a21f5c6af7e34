// The control socket: JSON-RPC over a Unix domain socket, one message per line.
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Serves JSON-RPC on a Unix socket readable and writable by the owner only.
/// Each connection is served by its own child task; one connection's failure
/// never affects another.
public final class RPCServer: Service, Sendable {
    public let path: String
    private let rpc: JSONRPCProtocol
    private let maximumMessageBytes: Int
    private let logger: Logger

    public init(path: String, rpc: JSONRPCProtocol, maximumMessageBytes: Int = 1 << 20, logger: Logger) {
        self.path = path
        self.rpc = rpc
        self.maximumMessageBytes = maximumMessageBytes
        self.logger = logger
    }

    /// Binds the socket. A leftover socket file from a crashed daemon is replaced:
    /// the caller holds the instance lock, so no live daemon can own it.
    func bind() async throws -> NIOAsyncChannel<NIOAsyncChannel<RPCFrame, ByteBuffer>, Never> {
        let limit = maximumMessageBytes
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 128)
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true) { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLength: limit)))
                    return try NIOAsyncChannel<RPCFrame, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        // The umask leaves the socket at most 0755, which already refuses other users
        // (connecting needs write permission); this narrows it to the owner for reading too.
        chmod(path, 0o600)
        return channel
    }

    public func run() async throws {
        let server = try await bind()
        logger.info("control socket listening", metadata: ["socket": "\(path)"])
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await self.serve(connection) }
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
        }
        unlink(path)
    }

    private func serve(_ connection: NIOAsyncChannel<RPCFrame, ByteBuffer>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                for try await frame in inbound {
                    let reply: [UInt8]?
                    switch frame {
                    case .line(let bytes):
                        reply = await rpc.reply(to: Array(bytes.readableBytesView))
                    case .tooLong:
                        reply = JSONRPCProtocol.tooLargeReply
                    }
                    if let reply {
                        var buffer = ByteBuffer()
                        buffer.reserveCapacity(reply.count + 1)
                        buffer.writeBytes(reply)
                        buffer.writeInteger(UInt8(ascii: "\n"))
                        try await outbound.write(buffer)
                    }
                }
            }
        } catch {
            logger.debug("control connection closed with an error", metadata: ["error": "\(error)"])
        }
    }
}
