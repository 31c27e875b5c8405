import Foundation
import RemindDelivery
@testable import RemindSMPP
import RemindText
import Testing

@Suite struct SubmitEncoderTests {
    let options = SubmitOptions(source: .sender("Clinic"))

    @Test func sourceAndDestinationAddresses() {
        #expect(Address.sender("Clinic") == Address(ton: 5, npi: 0, "Clinic"))
        #expect(Address.sender("+61400000000") == Address(ton: 1, npi: 1, "61400000000"))
        let m = SubmitEncoder.submits(for: OutgoingMessageFixture.make(text: "Hi"), options: options, reference: 0)[0]
        #expect(m.destination == Address(ton: 1, npi: 1, "61412345678"))
        #expect(m.registeredDelivery == 1)
        var noReceipts = options
        noReceipts.receipts = false
        #expect(SubmitEncoder.submits(for: OutgoingMessageFixture.make(text: "Hi"), options: noReceipts, reference: 0)[0].registeredDelivery == 0)
    }

    @Test func ucs2IsBigEndianWithSurrogatePairs() {
        let m = SubmitEncoder.submits(for: OutgoingMessageFixture.make(text: "Zoë 😀"), options: options, reference: 0)[0]
        #expect(m.dataCoding == 8)
        #expect(hexString(m.message) == "005A006F00EB0020D83DDE00")
    }

    @Test func latin1Charset() {
        var o = options
        o.charset = .latin1
        // GSM-7 text goes as Latin-1 octets…
        let m = SubmitEncoder.submits(for: OutgoingMessageFixture.make(text: "Grüße à 10h"), options: o, reference: 0)[0]
        #expect(m.dataCoding == 3)
        #expect(m.message == [0x47, 0x72, 0xFC, 0xDF, 0x65, 0x20, 0xE0, 0x20, 0x31, 0x30, 0x68])
        // …but € (GSM-7, not Latin-1) sends the message as UCS-2, and ë is not GSM-7 at all.
        #expect(SubmitEncoder.submits(for: OutgoingMessageFixture.make(text: "5 €"), options: o, reference: 0)[0].dataCoding == 8)
        #expect(SubmitEncoder.submits(for: OutgoingMessageFixture.make(text: "Zoë"), options: o, reference: 0)[0].dataCoding == 8)
    }

    @Test func longGSM7GoesInThreeUDHPartsOf153WithoutSplittingAnEscape() {
        // 152 letters then €: the escape pair would straddle 153/154, so € opens part 2.
        let text = String(repeating: "a", count: 152) + "€" + String(repeating: "b", count: 200)
        let parts = SubmitEncoder.submits(for: OutgoingMessageFixture.make(text: text), options: options, reference: 0x2A)
        #expect(parts.count == 3)
        for (i, p) in parts.enumerated() {
            #expect(p.esmClass == 0x40)
            #expect(Array(p.message.prefix(6)) == [0x05, 0x00, 0x03, 0x2A, 0x03, UInt8(i + 1)])
            #expect(p.message.count - 6 <= 153)
        }
        #expect(parts[0].message.count == 6 + 152)
        #expect(Array(parts[1].message[6..<8]) == [0x1B, 0x65])
        let septets = parts.flatMap { $0.message.dropFirst(6) }
        #expect(GSM7.decode(septets) == text)
    }

    @Test func longUCS2In67UnitPartsWithoutSplittingASurrogatePair() {
        let text = String(repeating: "ж", count: 66) + "😀" + String(repeating: "ж", count: 10)
        let parts = SubmitEncoder.submits(for: OutgoingMessageFixture.make(text: text), options: options, reference: 1)
        #expect(parts.count == 2)
        #expect(parts[0].message.count == 6 + 66 * 2)
        #expect(Array(parts[1].message[6..<10]) == [0xD8, 0x3D, 0xDE, 0x00])
    }

    @Test func sarAndPayloadOptions() {
        let text = String(repeating: "x", count: 200)
        var o = options
        o.longMessages = .sar
        let sar = SubmitEncoder.submits(for: OutgoingMessageFixture.make(text: text), options: o, reference: 7)
        #expect(sar.count == 2)
        #expect(sar[1].esmClass == 0)
        #expect(sar[1].tlvs == [.uint16(TLV.sarMessageReference, 7), .uint8(TLV.sarTotalSegments, 2), .uint8(TLV.sarSegmentSequenceNumber, 2)])
        o.longMessages = .payload
        let payload = SubmitEncoder.submits(for: OutgoingMessageFixture.make(text: text), options: o, reference: 7)
        #expect(payload.count == 1)
        #expect(payload[0].message.isEmpty)
        #expect(payload[0].tlvs[tag: TLV.messagePayload]?.value.count == 200)
    }

    @Test func inboundTextByDataCoding() {
        var m = ShortMessage()
        m.source = Address(ton: 1, npi: 1, "61412345678")
        m.message = GSM7.septets("STOP €")!
        guard case .inbound(let reply) = DeliverDecoder.decode(m, now: Date(timeIntervalSince1970: 0)) else {
            Issue.record("not a reply")
            return
        }
        #expect(reply.sender == "+61412345678")
        #expect(reply.text == "STOP €")
        m.dataCoding = 8
        m.message = [0x00, 0x53, 0x00, 0xFC]
        #expect(DeliverDecoder.text(m) == "Sü")
        m.esmClass = 0x40
        m.message = [0x05, 0x00, 0x03, 0x01, 0x02, 0x01, 0x00, 0x41]
        #expect(DeliverDecoder.text(m) == "A")
    }

    @Test(arguments: [
        (nil as Int?, "0A1B", "0A1B", "0A1B", "0A1B"),
        (1, "0A1B", "2587", "2587", "2587"),   // resp in hex, receipt in decimal
        (2, "2587", "0A1B", "2587", "2587"),   // resp in decimal, receipt in hex
        (3, "0a1b", "0A1B", "2587", "2587"),
        (0, "00042", "42", "42", "42"),
        (1, "not-hex", "x", "not-hex", "x"),   // kept when it does not parse
    ])
    func messageIDTypeMakesReceiptsFindTheirMessage(_ type: Int?, _ resp: String, _ receipt: String, _ respOut: String, _ receiptOut: String) {
        var o = options
        o.messageIDType = type
        #expect(o.canonicalMessageID(resp, receipt: false) == respOut)
        #expect(o.canonicalMessageID(receipt, receipt: true) == receiptOut)
    }

    @Test func receiptTextVariants() {
        let f = DeliverDecoder.receiptFields("id:0A1B2C sub:001 dlvrd:000 submit date:2612040230 done date:2612040231 stat:UNDELIV err:001 Text:Hi")
        #expect(f["id"] == "0A1B2C")
        #expect(f["stat"] == "UNDELIV")
        #expect(f["done date"] == "2612040231")
        #expect(f["err"] == "001")
        var m = ShortMessage()
        m.esmClass = 0x04
        m.message = Array("id:77 stat:ENROUTE".utf8)
        #expect(DeliverDecoder.decode(m, now: Date(timeIntervalSince1970: 0)) == .intermediateReceipt(reference: "77"))
    }
}
