/// The Minimal Lower Layer Protocol's framing: 0x0B, the message, 0x1C 0x0D.
///
/// Interface engines that write their TCP stream to files keep it; ``HL7SIUParser``
/// reads framed and plain files alike. ``frame(_:)`` wraps an acknowledgement for a
/// sender that wants its ACK files framed too.
public enum MLLP {
    /// Vertical tab, before each message.
    public static let startBlock: UInt8 = 0x0B
    /// File separator, after each message (followed by ``carriageReturn``).
    public static let endBlock: UInt8 = 0x1C
    public static let carriageReturn: UInt8 = 0x0D

    /// `message` in one MLLP frame.
    public static func frame(_ message: [UInt8]) -> [UInt8] {
        [startBlock] + message + [endBlock, carriageReturn]
    }

    /// True when the bytes (after any leading whitespace) begin with a start block.
    public static func isFramed(_ bytes: [UInt8]) -> Bool {
        bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A } == startBlock
    }
}
