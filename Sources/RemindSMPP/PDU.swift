
/// An SMPP 3.4 `command_id`.
public struct CommandID: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let genericNack = CommandID(rawValue: 0x8000_0000)
    public static let bindReceiver = CommandID(rawValue: 0x01)
    public static let bindReceiverResp = CommandID(rawValue: 0x8000_0001)
    public static let bindTransmitter = CommandID(rawValue: 0x02)
    public static let bindTransmitterResp = CommandID(rawValue: 0x8000_0002)
    public static let submitSM = CommandID(rawValue: 0x04)
    public static let submitSMResp = CommandID(rawValue: 0x8000_0004)
    public static let deliverSM = CommandID(rawValue: 0x05)
    public static let deliverSMResp = CommandID(rawValue: 0x8000_0005)
    public static let unbind = CommandID(rawValue: 0x06)
    public static let unbindResp = CommandID(rawValue: 0x8000_0006)
    public static let bindTransceiver = CommandID(rawValue: 0x09)
    public static let bindTransceiverResp = CommandID(rawValue: 0x8000_0009)
    public static let enquireLink = CommandID(rawValue: 0x15)
    public static let enquireLinkResp = CommandID(rawValue: 0x8000_0015)

    /// A response's id has the top bit set.
    public var isResponse: Bool { rawValue & 0x8000_0000 != 0 }

    public var description: String { "0x" + String(rawValue, radix: 16) }
}

/// How the client binds: send and receive on one link, or only one of them.
public enum BindMode: String, Sendable, Hashable, CaseIterable {
    case transceiver, transmitter, receiver

    var request: CommandID {
        switch self {
        case .transceiver: .bindTransceiver
        case .transmitter: .bindTransmitter
        case .receiver: .bindReceiver
        }
    }

    var response: CommandID { CommandID(rawValue: request.rawValue | 0x8000_0000) }
}

/// An SMPP address: type of number, numbering plan and the digits (or alphanumeric text).
public struct Address: Sendable, Hashable {
    public var ton: UInt8
    public var npi: UInt8
    public var value: String

    public init(ton: UInt8, npi: UInt8, _ value: String) {
        self.ton = ton
        self.npi = npi
        self.value = value
    }

    /// An international number (TON 1, NPI 1, E.164 digits without `+`).
    public static func international(_ e164: String) -> Address {
        Address(ton: 1, npi: 1, String(e164.drop { $0 == "+" }))
    }

    /// An alphanumeric sender (TON 5, NPI 0), or an international number (TON 1, NPI 1)
    /// when `value` is digits with an optional leading `+`.
    public static func sender(_ value: String) -> Address {
        let digits = value.hasPrefix("+") ? value.dropFirst() : value[...]
        if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) { return .international(String(digits)) }
        return Address(ton: 5, npi: 0, value)
    }
}

/// An optional parameter (tag, length, value).
public struct TLV: Sendable, Hashable {
    public var tag: UInt16
    public var value: [UInt8]

    public init(tag: UInt16, value: [UInt8]) {
        self.tag = tag
        self.value = value
    }

    public static let receiptedMessageID: UInt16 = 0x001E
    public static let messageState: UInt16 = 0x0427
    public static let networkErrorCode: UInt16 = 0x0423
    public static let messagePayload: UInt16 = 0x0424
    public static let sarMessageReference: UInt16 = 0x020C
    public static let sarTotalSegments: UInt16 = 0x020E
    public static let sarSegmentSequenceNumber: UInt16 = 0x020F
    public static let scInterfaceVersion: UInt16 = 0x0210

    public static func uint8(_ tag: UInt16, _ value: UInt8) -> TLV { TLV(tag: tag, value: [value]) }
    public static func uint16(_ tag: UInt16, _ value: UInt16) -> TLV { TLV(tag: tag, value: [UInt8(value >> 8), UInt8(value & 0xFF)]) }
}

extension [TLV] {
    /// The first TLV with `tag`.
    public subscript(tag tag: UInt16) -> TLV? { first { $0.tag == tag } }
}

/// bind_transmitter, bind_receiver, bind_transceiver.
public struct BindRequest: Sendable, Hashable, CustomStringConvertible {
    public var mode: BindMode
    public var systemID: String
    public var password: String
    public var systemType: String
    public var interfaceVersion: UInt8
    public var addressRange: Address

    public init(mode: BindMode, systemID: String, password: String, systemType: String = "", interfaceVersion: UInt8 = 0x34,
                addressRange: Address = Address(ton: 0, npi: 0, "")) {
        self.mode = mode
        self.systemID = systemID
        self.password = password
        self.systemType = systemType
        self.interfaceVersion = interfaceVersion
        self.addressRange = addressRange
    }

    /// Never shows the password.
    public var description: String { "bind_\(mode.rawValue)(system_id: \(systemID), system_type: \(systemType))" }
}

/// The body of submit_sm and deliver_sm (the same layout).
public struct ShortMessage: Sendable, Hashable {
    public var serviceType = ""
    public var source = Address(ton: 0, npi: 0, "")
    public var destination = Address(ton: 0, npi: 0, "")
    public var esmClass: UInt8 = 0
    public var protocolID: UInt8 = 0
    public var priority: UInt8 = 0
    public var scheduleDeliveryTime = ""
    public var validityPeriod = ""
    public var registeredDelivery: UInt8 = 0
    public var replaceIfPresent: UInt8 = 0
    public var dataCoding: UInt8 = 0
    public var defaultMessageID: UInt8 = 0
    public var message: [UInt8] = []
    public var tlvs: [TLV] = []

    public init() {}

    /// esm_class bit: a UDH starts the short message.
    public static let udhIndicator: UInt8 = 0x40
    /// esm_class message type: an SMSC delivery receipt.
    public static let deliveryReceipt: UInt8 = 0x04
}

/// One PDU: its status, sequence number and what it says.
public struct PDU: Sendable, Hashable {
    public enum Command: Sendable, Hashable {
        case bind(BindRequest)
        case bindResp(BindMode, systemID: String, tlvs: [TLV])
        case submitSM(ShortMessage)
        case submitSMResp(messageID: String)
        case deliverSM(ShortMessage)
        case deliverSMResp
        case enquireLink
        case enquireLinkResp
        case unbind
        case unbindResp
        case genericNack
    }

    public var status: CommandStatus
    public var sequence: UInt32
    public var command: Command

    public init(_ command: Command, sequence: UInt32, status: CommandStatus = .ok) {
        self.command = command
        self.sequence = sequence
        self.status = status
    }

    public var commandID: CommandID {
        switch command {
        case .bind(let b): b.mode.request
        case .bindResp(let mode, _, _): mode.response
        case .submitSM: .submitSM
        case .submitSMResp: .submitSMResp
        case .deliverSM: .deliverSM
        case .deliverSMResp: .deliverSMResp
        case .enquireLink: .enquireLink
        case .enquireLinkResp: .enquireLinkResp
        case .unbind: .unbind
        case .unbindResp: .unbindResp
        case .genericNack: .genericNack
        }
    }
}

/// What the decoder passes on: a PDU, or a whole frame it could not parse (the session
/// answers it with generic_nack, or with an error response of its kind).
public enum InboundFrame: Sendable, Hashable {
    case pdu(PDU)
    case invalid(commandID: CommandID, sequence: UInt32, status: CommandStatus)
}
