// Splits a byte stream into newline-terminated messages, with a length limit.
import NIOCore

/// One message read from the socket.
enum RPCFrame: Sendable, Equatable {
    /// A complete line, without its newline (and without a trailing carriage return).
    case line(ByteBuffer)
    /// A line longer than the limit; its bytes were discarded up to the next newline.
    case tooLong
}

/// A `ByteToMessageDecoder` for newline-delimited messages. A line over `maximumLength`
/// is reported once as `.tooLong` and skipped, so the connection stays usable.
struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = RPCFrame

    let maximumLength: Int
    private var discarding = false
    private var scanned = 0

    init(maximumLength: Int) { self.maximumLength = maximumLength }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        let start = view.startIndex
        if let newline = view[(start + scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - start
            scanned = 0
            if discarding {
                discarding = false
                buffer.moveReaderIndex(forwardBy: length + 1)
                return .continue
            }
            guard length <= maximumLength else {
                buffer.moveReaderIndex(forwardBy: length + 1)
                context.fireChannelRead(wrapInboundOut(.tooLong))
                return .continue
            }
            var line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            if line.readableBytesView.last == UInt8(ascii: "\r") { line = line.getSlice(at: line.readerIndex, length: length - 1)! }
            context.fireChannelRead(wrapInboundOut(.line(line)))
            return .continue
        }
        // No newline yet. Past the limit, drop what we have and remember to skip the rest.
        if buffer.readableBytes > maximumLength {
            if !discarding { context.fireChannelRead(wrapInboundOut(.tooLong)) }
            discarding = true
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            scanned = 0
        } else {
            scanned = buffer.readableBytes
        }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
