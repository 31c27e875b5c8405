/// What an acknowledgement needs from a message's MSH segment.
///
/// The application, facility, control id, processing id and version fields are kept
/// raw, as escaped in the message with its own delimiters, so an ACK written with the
/// same delimiters echoes them byte for byte.
public struct HL7MessageHeader: Hashable, Sendable {
    /// MSH-1: the field separator.
    public var fieldSeparator: UInt8
    /// MSH-2: the encoding characters (component, repetition, escape, subcomponent …).
    public var encodingCharacters: [UInt8]
    /// MSH-3, MSH-4, MSH-5 and MSH-6, raw.
    public var sendingApplication: [UInt8]
    public var sendingFacility: [UInt8]
    public var receivingApplication: [UInt8]
    public var receivingFacility: [UInt8]
    /// MSH-9.1 and MSH-9.2 (`SIU`, `S12`), unescaped.
    public var messageType: String
    public var triggerEvent: String
    /// MSH-10: the message control id an ACK names in MSA-2, raw.
    public var controlID: [UInt8]
    /// MSH-11 (`P`, `T`, `D`), raw.
    public var processingID: [UInt8]
    /// MSH-12, raw (`2.3`, `2.5.1`).
    public var version: [UInt8]

    public init(
        fieldSeparator: UInt8 = UInt8(ascii: "|"), encodingCharacters: [UInt8] = Array("^~\\&".utf8),
        sendingApplication: [UInt8] = [], sendingFacility: [UInt8] = [], receivingApplication: [UInt8] = [],
        receivingFacility: [UInt8] = [], messageType: String = "SIU", triggerEvent: String = "",
        controlID: [UInt8] = [], processingID: [UInt8] = Array("P".utf8), version: [UInt8] = Array("2.5".utf8)
    ) {
        self.fieldSeparator = fieldSeparator
        self.encodingCharacters = encodingCharacters
        self.sendingApplication = sendingApplication
        self.sendingFacility = sendingFacility
        self.receivingApplication = receivingApplication
        self.receivingFacility = receivingFacility
        self.messageType = messageType
        self.triggerEvent = triggerEvent
        self.controlID = controlID
        self.processingID = processingID
        self.version = version
    }

    /// MSH-10 as text, raw (control ids are plain letters and digits in practice).
    public var controlIDText: String { String(decoding: controlID, as: UTF8.self) }

    init(msh: HL7Segment) {
        let delimiters = msh.delimiters
        self.init(
            fieldSeparator: delimiters.field, encodingCharacters: delimiters.encodingCharacters,
            sendingApplication: Array(msh.raw(3)), sendingFacility: Array(msh.raw(4)),
            receivingApplication: Array(msh.raw(5)), receivingFacility: Array(msh.raw(6)),
            messageType: msh.value(9, component: 1), triggerEvent: msh.value(9, component: 2),
            controlID: Array(msh.raw(10)), processingID: Array(msh.raw(11)), version: Array(msh.raw(12)))
    }

    var delimiters: HL7Delimiters {
        func at(_ k: Int) -> UInt8? { k < encodingCharacters.count ? encodingCharacters[k] : nil }
        return HL7Delimiters(
            field: fieldSeparator, component: at(0), repetition: at(1), escape: at(2), subcomponent: at(3),
            truncation: at(4))
    }
}
