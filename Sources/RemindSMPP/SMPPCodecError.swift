/// A byte stream that is not SMPP: the link is closed (the framing cannot recover).
public struct SMPPCodecError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: Hashable, Sendable { case frameTooShort, frameTooLong }
        let value: Value
        /// command_length under the 16 octets of the header.
        public static let frameTooShort = Code(value: .frameTooShort)
        /// command_length over the decoder's maximum (a lying or hostile peer).
        public static let frameTooLong = Code(value: .frameTooLong)
        public var description: String { "\(value)" }
    }

    public let code: Code
    /// The command_length the peer sent.
    public let length: UInt32

    public var description: String {
        switch code.value {
        case .frameTooShort: "SMPP command_length \(length) is shorter than a PDU header"
        case .frameTooLong: "SMPP command_length \(length) is over the maximum PDU length"
        }
    }
}
