// The control socket: JSON-RPC over a Unix domain socket, one message per line.
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Serves JSON-RPC on a Unix socket readable and writable by the owner only.
///
/// Connections are served by `RPCChannelHandler` on the socket's own one-thread event
/// loop group: a call is answered on the thread its bytes arrived on. Bridging each
/// message to Swift concurrency and back cost about five thread wake-ups per call,
/// more than the calls themselves; store reads block only this loop, never the web
/// server's. One connection's failure never affects another.
final class RPCServer: Service, Sendable {
    let path: String
    private let rpc: JSONRPCProtocol
    private let maximumMessageBytes: Int
    private let logger: Logger
    private let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    init(path: String, rpc: JSONRPCProtocol, maximumMessageBytes: Int = 1 << 20, logger: Logger) {
        self.path = path
        self.rpc = rpc
        self.maximumMessageBytes = maximumMessageBytes
        self.logger = logger
    }

    /// Binds the socket. A leftover socket file from a crashed daemon is replaced:
    /// the caller holds the instance lock, so no live daemon can own it.
    func bind() async throws -> any Channel {
        let (limit, rpc, logger) = (maximumMessageBytes, rpc, logger)
        let channel = try await ServerBootstrap(group: eventLoops)
            .serverChannelOption(.backlog, value: 128)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLength: limit)))
                    try child.pipeline.syncOperations.addHandler(RPCChannelHandler(rpc: rpc, logger: logger))
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true)
            .get()
        // The umask leaves the socket at most 0755, which already refuses other users
        // (connecting needs write permission); this narrows it to the owner for reading too.
        chmod(path, 0o600)
        return channel
    }

    func run() async throws {
        let server = try await bind()
        logger.info("control socket listening", metadata: ["socket": "\(path)"])
        try? await gracefulShutdown()
        try? await server.close()
        unlink(path)
        try await eventLoops.shutdownGracefully()
    }
}

/// Answers the messages of one connection, in order. Calls that return deferred work
/// (a fetch) are awaited off the loop; messages arriving meanwhile wait their turn.
final class RPCChannelHandler: ChannelInboundHandler {
    typealias InboundIn = RPCFrame
    typealias OutboundOut = ByteBuffer

    private let rpc: JSONRPCProtocol
    private let logger: Logger
    private var waiting: CircularBuffer<RPCFrame> = []
    private var busy = false

    init(rpc: JSONRPCProtocol, logger: Logger) {
        self.rpc = rpc
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if busy {
            waiting.append(frame)
        } else {
            handle(frame, context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("control connection closed with an error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    private func handle(_ frame: RPCFrame, context: ChannelHandlerContext) {
        let reply: RPCReply
        switch frame {
        case .line(let bytes): reply = rpc.process(Array(bytes.readableBytesView))
        case .tooLong: reply = .now(JSONRPCProtocol.tooLargeReply)
        }
        switch reply {
        case .now(let bytes):
            write(bytes, context: context)
        case .stream(let bytes, let id, let source):
            write(bytes, context: context)
            context.flush()
            stream(source, id: id, context: context)
        case .later(let work):
            busy = true
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            Task {
                let bytes = await work()
                loop.execute {
                    let (handler, context) = bound.value
                    handler.write(bytes, context: context)
                    context.flush()
                    handler.resume(context: context)
                }
            }
        }
    }

    /// Sends a stream's chunks, each as its length on a line of its own and then its
    /// bytes, one chunk in flight at a time; `0` ends the stream and `-1` followed by an
    /// error reply line ends a failed one. Messages arriving meanwhile wait their turn.
    private func stream(_ source: any ByteChunkSource, id: JSONValue, context: ChannelHandlerContext) {
        busy = true
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        Task {
            defer { source.cancel() }
            var trailer = Array("0\n".utf8)
            while true {
                let chunk: [UInt8]
                do {
                    guard let next = try await source.next() else { break }
                    guard !next.isEmpty else { continue }  // a length of 0 would end the stream
                    chunk = next
                } catch {
                    trailer = Array("-1\n".utf8) + JSONRPCProtocol.streamFailureReply(error, id: id) + [UInt8(ascii: "\n")]
                    break
                }
                do {
                    try await loop.flatSubmit {
                        let (handler, context) = bound.value
                        var buffer = context.channel.allocator.buffer(capacity: chunk.count + 12)
                        buffer.writeString("\(chunk.count)\n")
                        buffer.writeBytes(chunk)
                        return context.writeAndFlush(handler.wrapOutboundOut(buffer))
                    }.get()
                } catch {
                    return  // the connection is gone
                }
            }
            let finalTrailer = trailer
            loop.execute {
                let (handler, context) = bound.value
                guard context.channel.isActive else { return }
                context.writeAndFlush(handler.wrapOutboundOut(ByteBuffer(bytes: finalTrailer)), promise: nil)
                handler.resume(context: context)
            }
        }
    }

    /// Handles the messages that arrived while deferred work was running.
    private func resume(context: ChannelHandlerContext) {
        busy = false
        while !busy, let next = waiting.popFirst() {
            handle(next, context: context)
        }
        context.flush()
    }

    private func write(_ bytes: [UInt8]?, context: ChannelHandlerContext) {
        guard let bytes, context.channel.isActive else { return }
        var buffer = context.channel.allocator.buffer(capacity: bytes.count + 1)
        buffer.writeBytes(bytes)
        buffer.writeInteger(UInt8(ascii: "\n"))
        context.write(wrapOutboundOut(buffer), promise: nil)
    }
}
