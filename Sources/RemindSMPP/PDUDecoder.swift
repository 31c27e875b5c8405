public import NIOCore

/// Splits the byte stream into SMPP PDUs by their command_length and parses each.
///
/// A command_length under 16 or over ``maximumLength`` throws ``SMPPCodecError`` (the
/// stream cannot be resynchronised: the link must close, and the session handler does).
/// A frame of a plausible length is never buffered beyond it: a length that lies short
/// yields an ``InboundFrame/invalid(commandID:sequence:status:)``; one that lies long waits
/// for bytes that the session's timers stop waiting for.
public struct PDUDecoder: ByteToMessageDecoder {
    public typealias InboundOut = InboundFrame

    /// The longest PDU accepted. 64 KiB of message_payload plus the fixed fields fits.
    public let maximumLength: Int

    public init(maximumLength: Int = 70_000) {
        precondition(maximumLength >= PDU.headerLength)
        self.maximumLength = maximumLength
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard length >= UInt32(PDU.headerLength) else { throw SMPPCodecError(code: .frameTooShort, length: length) }
        guard length <= UInt32(maximumLength) else { throw SMPPCodecError(code: .frameTooLong, length: length) }
        guard var frame = buffer.readSlice(length: Int(length)) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(PDU.read(frame: &frame)))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Writes PDUs.
public struct PDUEncoder: MessageToByteEncoder {
    public typealias OutboundIn = PDU

    public init() {}

    public func encode(data: PDU, out: inout ByteBuffer) throws {
        data.write(to: &out)
    }
}
