/// An SMPP `command_status`: 0 for success, else an `ESME_R…` error.
public struct CommandStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let ok = CommandStatus(rawValue: 0x00)
    public static let invalidMessageLength = CommandStatus(rawValue: 0x01)
    public static let invalidCommandLength = CommandStatus(rawValue: 0x02)
    public static let invalidCommandID = CommandStatus(rawValue: 0x03)
    public static let invalidBindStatus = CommandStatus(rawValue: 0x04)
    public static let alreadyBound = CommandStatus(rawValue: 0x05)
    public static let systemError = CommandStatus(rawValue: 0x08)
    public static let invalidSourceAddress = CommandStatus(rawValue: 0x0A)
    public static let invalidDestinationAddress = CommandStatus(rawValue: 0x0B)
    public static let invalidMessageID = CommandStatus(rawValue: 0x0C)
    public static let bindFailed = CommandStatus(rawValue: 0x0D)
    public static let invalidPassword = CommandStatus(rawValue: 0x0E)
    public static let invalidSystemID = CommandStatus(rawValue: 0x0F)
    public static let messageQueueFull = CommandStatus(rawValue: 0x14)
    public static let invalidServiceType = CommandStatus(rawValue: 0x15)
    public static let submitFailed = CommandStatus(rawValue: 0x45)
    public static let invalidSourceTON = CommandStatus(rawValue: 0x48)
    public static let invalidSourceNPI = CommandStatus(rawValue: 0x49)
    public static let invalidDestinationTON = CommandStatus(rawValue: 0x50)
    public static let invalidDestinationNPI = CommandStatus(rawValue: 0x51)
    public static let invalidSystemType = CommandStatus(rawValue: 0x53)
    public static let throttled = CommandStatus(rawValue: 0x58)
    public static let invalidDataCoding = CommandStatus(rawValue: 0x104)
    public static let invalidOptionalParameterStream = CommandStatus(rawValue: 0xC0)
    public static let optionalParameterNotAllowed = CommandStatus(rawValue: 0xC1)
    public static let invalidParameterLength = CommandStatus(rawValue: 0xC2)
    public static let missingOptionalParameter = CommandStatus(rawValue: 0xC3)
    public static let invalidOptionalParameterValue = CommandStatus(rawValue: 0xC4)
    public static let deliveryFailure = CommandStatus(rawValue: 0xFE)
    public static let unknownError = CommandStatus(rawValue: 0xFF)
    /// ESME_RX_T_APPN: the receiver cannot take it now; the SMSC sends it again later.
    public static let temporaryAppError = CommandStatus(rawValue: 0x64)

    static let names: [UInt32: String] = [
        0x00: "ESME_ROK", 0x01: "ESME_RINVMSGLEN", 0x02: "ESME_RINVCMDLEN", 0x03: "ESME_RINVCMDID",
        0x04: "ESME_RINVBNDSTS", 0x05: "ESME_RALYBND", 0x08: "ESME_RSYSERR", 0x0A: "ESME_RINVSRCADR",
        0x0B: "ESME_RINVDSTADR", 0x0C: "ESME_RINVMSGID", 0x0D: "ESME_RBINDFAIL", 0x0E: "ESME_RINVPASWD",
        0x0F: "ESME_RINVSYSID", 0x14: "ESME_RMSGQFUL", 0x15: "ESME_RINVSERTYP", 0x45: "ESME_RSUBMITFAIL",
        0x48: "ESME_RINVSRCTON", 0x49: "ESME_RINVSRCNPI", 0x50: "ESME_RINVDSTTON", 0x51: "ESME_RINVDSTNPI",
        0x53: "ESME_RINVSYSTYP", 0x58: "ESME_RTHROTTLED", 0x64: "ESME_RX_T_APPN", 0x104: "ESME_RINVDCS",
        0xC0: "ESME_RINVOPTPARSTREAM", 0xC1: "ESME_ROPTPARNOTALLWD", 0xC2: "ESME_RINVPARLEN",
        0xC3: "ESME_RMISSINGOPTPARAM", 0xC4: "ESME_RINVOPTPARAMVAL", 0xFE: "ESME_RDELIVERYFAILURE",
        0xFF: "ESME_RUNKNOWNERR",
    ]

    /// `ESME_RTHROTTLED (0x58)`, or the hex value alone for a vendor code.
    public var description: String {
        let hex = "0x" + String(rawValue, radix: 16, uppercase: true)
        if let name = Self.names[rawValue] { return "\(name) (\(hex))" }
        return hex
    }

    /// The SMSC asks us to slow down and send it again (ESME_RTHROTTLED, ESME_RMSGQFUL).
    public var isThrottling: Bool { self == .throttled || self == .messageQueueFull }

    /// A bind answer that says the credentials or the account are wrong: retrying soon
    /// will not help (ESME_RINVPASWD, ESME_RINVSYSID, ESME_RBINDFAIL, ESME_RINVSYSTYP).
    public var refusesBind: Bool {
        self == .invalidPassword || self == .invalidSystemID || self == .bindFailed || self == .invalidSystemType
    }

    /// A submit answer that will not change on a retry: the destination, the source, the
    /// coding or the content is wrong.
    public var isPermanentSubmitFailure: Bool {
        switch rawValue {
        case 0x01, 0x0A, 0x0B, 0x15, 0x48, 0x49, 0x50, 0x51, 0x104, 0xC1, 0xC2, 0xC4, 0x06, 0x42, 0x43, 0x44, 0x62, 0x63:
            // …, ESME_RINVPRTFLG (0x06), RINVESMCLASS (0x42), RINVREPFLAG/RINVNUMDESTS (0x43/0x44)…
            true
        default:
            false
        }
    }
}
