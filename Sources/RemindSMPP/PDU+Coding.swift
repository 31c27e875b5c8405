public import NIOCore

extension PDU {
    /// The header's size: command_length, command_id, command_status, sequence_number.
    public static let headerLength = 16

    /// Writes the whole PDU, command_length first.
    public func write(to buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(commandID.rawValue)
        buffer.writeInteger(status.rawValue)
        buffer.writeInteger(sequence)
        switch command {
        case .bind(let b):
            buffer.writeCString(b.systemID)
            buffer.writeCString(b.password)
            buffer.writeCString(b.systemType)
            buffer.writeInteger(b.interfaceVersion)
            buffer.writeInteger(b.addressRange.ton)
            buffer.writeInteger(b.addressRange.npi)
            buffer.writeCString(b.addressRange.value)
        case .bindResp(_, let systemID, let tlvs):
            buffer.writeCString(systemID)
            buffer.writeTLVs(tlvs)
        case .submitSM(let m), .deliverSM(let m):
            buffer.writeCString(m.serviceType)
            buffer.writeAddress(m.source)
            buffer.writeAddress(m.destination)
            buffer.writeInteger(m.esmClass)
            buffer.writeInteger(m.protocolID)
            buffer.writeInteger(m.priority)
            buffer.writeCString(m.scheduleDeliveryTime)
            buffer.writeCString(m.validityPeriod)
            buffer.writeInteger(m.registeredDelivery)
            buffer.writeInteger(m.replaceIfPresent)
            buffer.writeInteger(m.dataCoding)
            buffer.writeInteger(m.defaultMessageID)
            precondition(m.message.count <= 254, "short_message is at most 254 octets; longer text goes in message_payload")
            buffer.writeInteger(UInt8(m.message.count))
            buffer.writeBytes(m.message)
            buffer.writeTLVs(m.tlvs)
        case .submitSMResp(let id):
            // No body on an error (SMPP 3.4 §4.4.2), as SMSCs send it.
            if status == .ok { buffer.writeCString(id) }
        case .deliverSMResp:
            buffer.writeCString("")
        case .enquireLink, .enquireLinkResp, .unbind, .unbindResp, .genericNack:
            break
        }
        buffer.setInteger(UInt32(buffer.writerIndex - start), at: start)
    }

    /// Parses one whole frame (header included, length already checked by the decoder).
    static func read(frame: inout ByteBuffer) -> InboundFrame {
        guard let _ = frame.readInteger(as: UInt32.self), let rawID = frame.readInteger(as: UInt32.self),
              let rawStatus = frame.readInteger(as: UInt32.self), let sequence = frame.readInteger(as: UInt32.self)
        else { return .invalid(commandID: CommandID(rawValue: 0), sequence: 0, status: .invalidCommandLength) }
        let id = CommandID(rawValue: rawID)
        let status = CommandStatus(rawValue: rawStatus)
        func invalid(_ s: CommandStatus) -> InboundFrame { .invalid(commandID: id, sequence: sequence, status: s) }
        var body = frame
        let command: PDU.Command
        do {
            switch id {
            case .bindTransceiver, .bindTransmitter, .bindReceiver:
                let mode: BindMode = id == .bindTransceiver ? .transceiver : id == .bindTransmitter ? .transmitter : .receiver
                let systemID = try body.readCStringOrThrow()
                let password = try body.readCStringOrThrow()
                let systemType = try body.readCStringOrThrow()
                let version = try body.readByteOrThrow()
                let ton = try body.readByteOrThrow()
                let npi = try body.readByteOrThrow()
                let range = try body.readCStringOrThrow()
                command = .bind(BindRequest(mode: mode, systemID: systemID, password: password, systemType: systemType,
                                            interfaceVersion: version, addressRange: Address(ton: ton, npi: npi, range)))
            case .bindTransceiverResp, .bindTransmitterResp, .bindReceiverResp:
                let mode: BindMode = id == .bindTransceiverResp ? .transceiver : id == .bindTransmitterResp ? .transmitter : .receiver
                // Many SMSCs send no body with an error status.
                let systemID = body.readableBytes == 0 ? "" : try body.readCStringOrThrow()
                command = .bindResp(mode, systemID: systemID, tlvs: try body.readTLVs())
            case .submitSM, .deliverSM:
                var m = ShortMessage()
                m.serviceType = try body.readCStringOrThrow()
                m.source = try body.readAddress()
                m.destination = try body.readAddress()
                m.esmClass = try body.readByteOrThrow()
                m.protocolID = try body.readByteOrThrow()
                m.priority = try body.readByteOrThrow()
                m.scheduleDeliveryTime = try body.readCStringOrThrow()
                m.validityPeriod = try body.readCStringOrThrow()
                m.registeredDelivery = try body.readByteOrThrow()
                m.replaceIfPresent = try body.readByteOrThrow()
                m.dataCoding = try body.readByteOrThrow()
                m.defaultMessageID = try body.readByteOrThrow()
                let length = Int(try body.readByteOrThrow())
                guard let bytes = body.readBytes(length: length) else { throw Malformed(status: .invalidMessageLength) }
                m.message = bytes
                m.tlvs = try body.readTLVs()
                command = id == .submitSM ? .submitSM(m) : .deliverSM(m)
            case .submitSMResp:
                // No body on an error; some SMSCs leave out the NUL of an empty id.
                let messageID = body.readableBytes == 0 ? "" : try body.readCStringOrThrow()
                command = .submitSMResp(messageID: messageID)
            case .deliverSMResp:
                if body.readableBytes > 0 { _ = try body.readCStringOrThrow() }
                command = .deliverSMResp
            case .enquireLink: command = .enquireLink
            case .enquireLinkResp: command = .enquireLinkResp
            case .unbind: command = .unbind
            case .unbindResp: command = .unbindResp
            case .genericNack: command = .genericNack
            default:
                return invalid(.invalidCommandID)
            }
        } catch let error as Malformed {
            return invalid(error.status)
        } catch {
            return invalid(.invalidCommandLength)
        }
        return .pdu(PDU(command, sequence: sequence, status: status))
    }
}

/// A field that runs past the end of the body.
struct Malformed: Error {
    var status: CommandStatus
}

extension ByteBuffer {
    mutating func writeCString(_ s: String) {
        writeString(s)
        writeInteger(UInt8(0))
    }

    mutating func writeAddress(_ a: Address) {
        writeInteger(a.ton)
        writeInteger(a.npi)
        writeCString(a.value)
    }

    mutating func writeTLVs(_ tlvs: [TLV]) {
        for tlv in tlvs {
            writeInteger(tlv.tag)
            writeInteger(UInt16(tlv.value.count))
            writeBytes(tlv.value)
        }
    }

    mutating func readByteOrThrow() throws(Malformed) -> UInt8 {
        guard let b = readInteger(as: UInt8.self) else { throw Malformed(status: .invalidCommandLength) }
        return b
    }

    /// A NUL-terminated string; Latin-1 for octets that are not UTF-8 (SMSC ids are ASCII).
    mutating func readCStringOrThrow() throws(Malformed) -> String {
        guard let nul = readableBytesView.firstIndex(of: 0) else { throw Malformed(status: .invalidCommandLength) }
        let bytes = readBytes(length: nul - readerIndex)!
        moveReaderIndex(forwardBy: 1)
        return String(validating: bytes, as: UTF8.self) ?? String(bytes.map { Character(Unicode.Scalar($0)) })
    }

    mutating func readAddress() throws(Malformed) -> Address {
        let ton = try readByteOrThrow()
        let npi = try readByteOrThrow()
        return Address(ton: ton, npi: npi, try readCStringOrThrow())
    }

    /// TLVs to the end of the body; a truncated one is ESME_RINVOPTPARSTREAM.
    mutating func readTLVs() throws(Malformed) -> [TLV] {
        var tlvs: [TLV] = []
        while readableBytes > 0 {
            guard readableBytes >= 4, let tag = readInteger(as: UInt16.self), let length = readInteger(as: UInt16.self),
                  let value = readBytes(length: Int(length))
            else { throw Malformed(status: .invalidOptionalParameterStream) }
            tlvs.append(TLV(tag: tag, value: value))
        }
        return tlvs
    }
}
