import Foundation
public import RemindCore
public import RemindDelivery
import RemindText

/// How submit_sm PDUs are built for a message: the sender, the coding, long messages.
public struct SubmitOptions: Sendable, Hashable {
    /// How a message longer than one SMS goes out.
    public enum LongMessages: String, Sendable, Hashable, CaseIterable {
        /// A user data header per part (esm_class 0x40, 8-bit reference, part n of m).
        case udh
        /// sar_msg_ref_num / sar_total_segments / sar_segment_seqnum TLVs per part.
        case sar
        /// One submit_sm with the whole text in the message_payload TLV (the SMSC splits).
        case payload
    }

    /// What GSM-7 text is sent as: the default alphabet unpacked (data_coding 0), or
    /// Latin-1 (data_coding 3) for SMSCs that want it.
    public enum Charset: String, Sendable, Hashable, CaseIterable { case gsm7, latin1 }

    public var source: Address
    /// How the SMSC writes message ids (Kannel's `msg-id-type`): nil keeps them as they are;
    /// else bit 0 says submit_sm_resp's id is hex, bit 1 that a receipt's id is hex, and
    /// both are turned into decimal so that a receipt finds its message.
    public var messageIDType: Int?
    public var serviceType: String = ""
    public var receipts: Bool = true
    public var longMessages: LongMessages = .udh
    public var charset: Charset = .gsm7

    public init(source: Address, serviceType: String = "", receipts: Bool = true, longMessages: LongMessages = .udh,
                charset: Charset = .gsm7) {
        self.source = source
        self.serviceType = serviceType
        self.receipts = receipts
        self.longMessages = longMessages
        self.charset = charset
    }
}

extension SubmitOptions {
    /// The id from submit_sm_resp (`receipt` false) or from a receipt, as the reference
    /// remindd keeps: unchanged without ``messageIDType``, else decimal (an id that does
    /// not parse in its declared base is kept as it is).
    public func canonicalMessageID(_ id: String, receipt: Bool) -> String {
        guard let type = messageIDType, type >= 0 else { return id }
        let isHex = type & (receipt ? 2 : 1) != 0
        let trimmed = id.trimmingCharacters(in: .whitespaces)
        guard let value = UInt64(trimmed, radix: isHex ? 16 : 10) else { return id }
        return String(value)
    }
}

/// Turns an outgoing message into the submit_sm bodies it is sent as.
public enum SubmitEncoder {
    /// The one place that reads ``OutgoingMessage/encoding`` (what the text room decided);
    /// text that turns out not to be GSM-7 goes as UCS-2 whatever the label says.
    public static func encoding(of message: OutgoingMessage) -> SMSEncoding {
        let decided = message.encoding
        if decided == .gsm7, !GSM7.canEncode(message.text) { return .ucs2 }
        return decided
    }

    /// The submit_sm bodies for `message`, in order. `reference` is the concatenation
    /// reference (the same for every part of this message).
    public static func submits(for message: OutgoingMessage, options: SubmitOptions, reference: UInt8) -> [ShortMessage] {
        var encoding = encoding(of: message)
        var dataCoding: UInt8 = encoding == .gsm7 ? 0 : 8
        if encoding == .gsm7, options.charset == .latin1 {
            if message.text.unicodeScalars.allSatisfy({ $0.value < 0x100 }) { dataCoding = 3 } else {
                encoding = .ucs2  // € and the like have no Latin-1 octet
                dataCoding = 8
            }
        }
        func encode(_ text: Substring) -> [UInt8] {
            switch dataCoding {
            case 0: GSM7.septets(text) ?? []
            case 3: text.unicodeScalars.map { UInt8($0.value) }
            default: text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            }
        }
        var base = ShortMessage()
        base.serviceType = options.serviceType
        base.source = options.source
        base.destination = .international(message.recipient)
        base.dataCoding = dataCoding
        base.registeredDelivery = options.receipts ? 1 : 0

        let parts = split(message.text, encoding: encoding)
        if parts.count == 1 {
            var m = base
            m.message = encode(parts[0])
            return [m]
        }
        switch options.longMessages {
        case .payload:
            var m = base
            m.tlvs = [TLV(tag: TLV.messagePayload, value: encode(message.text[...]))]
            return [m]
        case .sar:
            return parts.enumerated().map { i, part in
                var m = base
                m.message = encode(part)
                m.tlvs = [.uint16(TLV.sarMessageReference, UInt16(reference)), .uint8(TLV.sarTotalSegments, UInt8(parts.count)),
                          .uint8(TLV.sarSegmentSequenceNumber, UInt8(i + 1))]
                return m
            }
        case .udh:
            return parts.enumerated().map { i, part in
                var m = base
                m.esmClass |= ShortMessage.udhIndicator
                m.message = [0x05, 0x00, 0x03, reference, UInt8(parts.count), UInt8(i + 1)] + encode(part)
                return m
            }
        }
    }

    /// The parts of `text` in `encoding`: 160/70 units fit one SMS, else 153/67 per part;
    /// an escape and its character, or a surrogate pair, never straddle two parts.
    public static func split(_ text: String, encoding: SMSEncoding) -> [Substring] {
        let cost: (Unicode.Scalar) -> Int = encoding == .gsm7 ? { GSM7.cost(of: $0) ?? 1 } : { $0.utf16.count }
        let total = text.unicodeScalars.reduce(0) { $0 + cost($1) }
        guard total > encoding.singleCapacity else { return [text[...]] }
        let capacity = encoding.partCapacity
        var parts: [Substring] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var used = 0
        var index = start
        while index < scalars.endIndex {
            let c = cost(scalars[index])
            if used + c > capacity {
                parts.append(Substring(scalars[start..<index]))
                start = index
                used = 0
            }
            used += c
            scalars.formIndex(after: &index)
        }
        parts.append(Substring(scalars[start..<index]))
        return parts
    }
}
