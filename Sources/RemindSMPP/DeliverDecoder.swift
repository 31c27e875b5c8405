public import Foundation
public import RemindDelivery
internal import RemindText

/// What a deliver_sm says: a delivery receipt, a patient's text, or a receipt of a state
/// that is not final (ENROUTE, ACCEPTD), which is acknowledged and otherwise ignored.
public enum DeliverContent: Sendable, Hashable {
    case receipt(DeliveryReceipt)
    case intermediateReceipt(reference: String)
    case inbound(InboundMessage)
}

public enum DeliverDecoder {
    /// Reads a deliver_sm received at `now`.
    public static func decode(_ m: ShortMessage, now: Date) -> DeliverContent {
        let isReceipt = m.esmClass & 0x3C == ShortMessage.deliveryReceipt || m.tlvs[tag: TLV.receiptedMessageID] != nil
        if isReceipt {
            let fields = receiptFields(text(m))
            var reference = fields["id"] ?? ""
            if let tlv = m.tlvs[tag: TLV.receiptedMessageID] {
                reference = String(decoding: tlv.value.prefix { $0 != 0 }, as: UTF8.self)
            }
            var final: DeliveryReceipt.Outcome?
            var code = fields["stat"]
            if let stat = fields["stat"]?.uppercased() {
                switch stat {
                case "DELIVRD": final = .delivered
                case "UNDELIV", "EXPIRED", "REJECTD", "DELETED": final = .undeliverable
                default: final = nil
                }
            }
            if let state = m.tlvs[tag: TLV.messageState]?.value.first {
                switch state {
                case 2: final = .delivered
                case 3, 4, 5, 8: final = .undeliverable
                default: final = nil
                }
                code = code ?? ["", "ENROUTE", "DELIVERED", "EXPIRED", "DELETED", "UNDELIVERABLE", "ACCEPTED", "UNKNOWN", "REJECTED"]
                    .dropFirst(Int(state)).first ?? "\(state)"
            }
            if let err = fields["err"], err != "000", err != "0" { code = (code ?? "") + " err:" + err }
            guard let outcome = final else { return .intermediateReceipt(reference: reference) }
            return .receipt(DeliveryReceipt(reference: reference, outcome: outcome, code: code, time: now))
        }
        return .inbound(InboundMessage(sender: sender(m.source), text: text(m), time: now))
    }

    /// The sender in E.164 where the SMSC says it is international.
    static func sender(_ a: Address) -> String {
        if a.ton == 1, !a.value.hasPrefix("+"), !a.value.isEmpty, a.value.allSatisfy(\.isNumber) { return "+" + a.value }
        return a.value
    }

    /// The text of a short_message (or message_payload) by its data_coding, the UDH left out.
    public static func text(_ m: ShortMessage) -> String {
        var bytes = m.message.isEmpty ? (m.tlvs[tag: TLV.messagePayload]?.value ?? []) : m.message
        if m.esmClass & ShortMessage.udhIndicator != 0, let udhLength = bytes.first, Int(udhLength) < bytes.count {
            bytes.removeFirst(Int(udhLength) + 1)
        }
        switch m.dataCoding {
        case 8:
            var units: [UInt16] = []
            var i = 0
            while i + 1 < bytes.count {
                units.append(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
                i += 2
            }
            return String(decoding: units, as: UTF16.self)
        case 0:
            if let s = GSM7.decode(bytes) { return s }
            return String(decoding: bytes, as: UTF8.self)
        default:  // 1 IA5, 3 Latin-1, anything else read as Latin-1
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        }
    }

    /// `id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…` as a dictionary
    /// with lower-case keys (`id`, `stat`, `err`, `done date`, …).
    public static func receiptFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        let keys = ["id", "sub", "dlvrd", "submit date", "done date", "stat", "err"]
        let lower = text.lowercased()
        for key in keys {
            var search = lower.startIndex
            while let r = lower.range(of: key + ":", range: search..<lower.endIndex) {
                search = r.upperBound
                if r.lowerBound != lower.startIndex, !lower[lower.index(before: r.lowerBound)].isWhitespace { continue }
                let offset = lower.distance(from: lower.startIndex, to: r.upperBound)
                let start = text.index(text.startIndex, offsetBy: offset)
                let value = text[start...].prefix { !$0.isWhitespace }
                fields[key] = String(value)
                break
            }
        }
        return fields
    }
}
