import Foundation
import RemindCore
import RemindInbox

// libFuzzer entry point for the HL7 v2 SIU parser: parse, check positions and events,
// build an ACK for every message (it must be exactly its segments, CR-terminated, with
// every delimiter in the reason escaped), and reconcile.

let hl7Zone: TimeZone = {
    guard let zone = TimeZone(identifier: "Australia/Sydney") else {
        fatalError("the fuzz target needs tzdata (Australia/Sydney)")
    }
    return zone
}()
let hl7Parser = HL7SIUParser(mapping: AppointmentMapping(timeZone: hl7Zone, statusMap: ["Booked": "confirmed"]))
let hl7ACKTime = Date(timeIntervalSince1970: 1_741_000_000)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHL7(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = bytes(data, size)
    let messages: [HL7MessageResult]
    do {
        messages = try hl7Parser.messages(input, file: "fuzz.hl7")
    } catch {
        fuzzCheck(error.file == "fuzz.hl7" && !error.message.isEmpty, "an error without file or message")
        return 0
    }
    let result = try! hl7Parser.parse(input, file: "fuzz.hl7")
    checkPositions(result, file: "fuzz.hl7", lines: lineBound(input))
    fuzzCheck(result.records.count + result.rejections.count == messages.count, "parse and messages disagree")
    fuzzCheck(messages.map(\.line) == messages.map(\.line).sorted(), "messages out of order")
    for record in result.records {
        guard let event = record.event else { fatalError("an SIU record without its event") }
        if let implied = event.impliedStatus { fuzzCheck(record.appointment.status == implied, "status ignores the event") }
        if !event.withdraws && !["cancelled", "deleted", "noshow"].contains(record.appointment.status) {
            fuzzCheck(!record.appointment.phone.isEmpty || record.unremindable != nil, "a booking without a phone or a reason")
        }
    }
    for message in messages {
        guard let header = message.header, let ack = HL7Acknowledgement.make(for: message, time: hl7ACKTime, timeZone: hl7Zone)
        else {
            fuzzCheck(message.header == nil, "no ACK for a message with a header")
            continue
        }
        fuzzCheck(ack.starts(with: Array("MSH".utf8) + [header.fieldSeparator]), "an ACK that does not start with MSH")
        fuzzCheck(ack.last == 0x0D && !ack.contains(0x0A), "an ACK with stray line ends")
        let segments = ack.split(separator: 0x0D).map { String(decoding: $0.prefix(3), as: UTF8.self) }
        let accepted = if case .accepted = message.outcome { true } else { false }
        fuzzCheck(segments.prefix(2) == ["MSH", "MSA"] && segments.count <= 3 && (accepted ? segments.count == 2 : true),
            "an ACK with the wrong segments")
        // The ACK parses as HL7 with the same delimiters (it is rejected as not SIU, on line 1).
        let reread = try! hl7Parser.messages(ack, file: "ack.hl7")
        fuzzCheck(reread.count == 1 && reread[0].header?.controlID.starts(with: [UInt8(ascii: "A")]) != false,
            "an ACK that does not read back as one message")
    }
    let net = SIUReconciliation.reconcile(result.records)
    fuzzCheck(Set(net.map(\.appointment.id)).count == net.count, "reconcile kept an id twice")
    fuzzCheck(Set(net.map(\.appointment.id)) == Set(result.records.map(\.appointment.id)), "reconcile lost an id")
    return 0
}
