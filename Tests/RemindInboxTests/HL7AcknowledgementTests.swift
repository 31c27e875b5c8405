import Foundation
import RemindCore
import RemindInbox
import Testing

/// ACK files: the exact bytes for accepted and rejected messages, per version and with a
/// message's own delimiters, and that an ACK reads back as HL7.
@Suite struct HL7AcknowledgementTests {
    func messages(_ name: String) throws -> [HL7MessageResult] {
        try HL7SIUParser(mapping: AppointmentMapping(timeZone: try sydney())).messages(try fixture(name), file: name)
    }

    func text(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

    /// 2025-03-01 12:34:56 in Sydney (+11:00).
    func time() throws -> Date { try utc("2025-03-01T01:34:56Z") }

    @Test func anAcceptedMessageGetsAAWithSendingAndReceivingSwapped() throws {
        let first = try #require(try messages("siu-five-events.hl7").first)
        #expect(text(HL7Acknowledgement.make(for: first, time: try time(), timeZone: try sydney())) ==
            "MSH|^~\\&|REMINDD|HARBOUR|PRACSOFT|HARBOUR|20250301123456+1100||ACK^S12^ACK|AM1|P|2.5.1\r"
            + "MSA|AA|M1\r")
    }

    @Test func aRejectedMessageGetsAEWithItsReasonInMSA3AndERR() throws {
        let results = try messages("siu-bad-among-good.hl7")
        #expect(results.map(\.line) == [1, 5, 9, 12, 16, 21, 23])
        let noSCH = results[2]
        let reason = "the message has no SCH segment"
        #expect(text(HL7Acknowledgement.make(for: noSCH, time: try time(), timeZone: try sydney())) ==
            "MSH|^~\\&|REMINDD|HARBOUR|PRACSOFT|HARBOUR|20250301123456+1100||ACK^S12^ACK|AB3|P|2.5.1\r"
            + "MSA|AE|B3|\(reason)\r"
            + "ERR|||207^Application internal error^HL70357|E||||\(reason)\r")
        // Every message with a header can be acknowledged, with its own control id in MSA-2.
        let acks = results.compactMap { HL7Acknowledgement.make(for: $0, time: Date(timeIntervalSince1970: 0), timeZone: .gmt) }
        #expect(acks.count == 7)
        #expect(acks.map { String(decoding: $0, as: UTF8.self).split(separator: "\r")[1].prefix(9) } == [
            "MSA|AA|B1", "MSA|AA|B2", "MSA|AE|B3", "MSA|AE|B4", "MSA|AE|B5", "MSA|AE|B6", "MSA|AA|B7",
        ])
    }

    @Test func version23HasNoMessageStructureAndNoERR() throws {
        let header = HL7MessageHeader(
            sendingApplication: Array("LEGACY".utf8), receivingApplication: Array("REMINDD".utf8), triggerEvent: "S15",
            controlID: Array("X9".utf8), version: Array("2.3".utf8))
        let ack = HL7Acknowledgement.make(
            for: header, code: .error, reason: "no SCH", controlID: "R1", time: try time(), timeZone: .gmt)
        #expect(text(ack) == "MSH|^~\\&|REMINDD||LEGACY||20250301013456+0000||ACK^S15|R1|P|2.3\rMSA|AE|X9|no SCH\r")
    }

    @Test func theReasonIsEscapedAndMSA3KeepsEightyCharacters() throws {
        let header = HL7MessageHeader(triggerEvent: "S12", controlID: Array("C".utf8), version: Array("2.5".utf8))
        let long = String(repeating: "x", count: 100)
        let ack = try #require(
            text(HL7Acknowledgement.make(
                for: header, code: .reject, reason: "a|b^c~d\\e&f\ng " + long, controlID: "A|1", time: try time(),
                timeZone: .gmt)))
        let segments = ack.split(separator: "\r")
        #expect(segments.count == 3)
        #expect(segments[0].hasSuffix("||ACK^S12^ACK|A\\F\\1|P|2.5"))
        let escaped = "a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f\\.br\\g "
        #expect(segments[1] == "MSA|AR|C|" + escaped + String(repeating: "x", count: 80 - 14))
        #expect(segments[2] == "ERR|||207^Application internal error^HL70357|E||||" + escaped + long)
    }

    @Test func theMessagesOwnDelimitersAreUsed() throws {
        let second = try messages("siu-escapes.hl7")[1]
        #expect(text(HL7Acknowledgement.make(for: second, time: try time(), timeZone: try sydney())) ==
            "MSH|*%$#|REMINDD|HARBOUR|PRACSOFT|HARBOUR|20250301123456+1100||ACK*S12*ACK|AE2|P|2.5.1\rMSA|AA|E2\r")
    }

    @Test func anACKReadsBackAsOneHL7Message() throws {
        let first = try #require(try messages("siu-five-events.hl7").first)
        let ack = try #require(HL7Acknowledgement.make(for: first, time: try time(), timeZone: try sydney()))
        let reread = try HL7SIUParser(mapping: AppointmentMapping(timeZone: try sydney())).messages(ack, file: "ack")
        #expect(reread.count == 1)
        #expect(reread.first?.header?.controlIDText == "AM1")
        #expect(reread.first?.header?.messageType == "ACK")
        #expect(reread.first?.outcome == .rejected(RowRejection(position: .init(file: "ack", line: 1), reason: "MSH-9 is ACK^S12, not an SIU message")))
    }

    @Test func strayTextAndBrokenHeadersCannotBeAcknowledged() throws {
        let parser = HL7SIUParser(mapping: AppointmentMapping(timeZone: try sydney()))
        let results = try parser.messages(Array("junk\rMSH|^^\r\(HL7SIUParserTests.msh("S12"))\r".utf8), file: "m")
        #expect(results.map { HL7Acknowledgement.make(for: $0, time: Date(), timeZone: .gmt) == nil } == [true, true, false])
    }

    @Test func mllpFraming() {
        #expect(MLLP.frame(Array("MSH|".utf8)) == [0x0B] + Array("MSH|".utf8) + [0x1C, 0x0D])
        #expect(MLLP.isFramed([0x0D, 0x0A, 0x0B, 0x4D]))
        #expect(!MLLP.isFramed(Array("MSH|".utf8)))
        #expect(!MLLP.isFramed([]))
    }
}
