import Foundation
import NIOCore
import RemindDelivery
import NIOEmbedded
@testable import RemindSMPP
import Testing

/// The codec on byte-exact PDUs laid out as in the SMPP 3.4 specification (§4: header
/// then mandatory fields, C-octet strings NUL-terminated, then TLVs), through an
/// `EmbeddedChannel` with the real handlers.
@Suite struct PDUCodecTests {
    static let bindTransceiver = hex("""
        0000002F 00000009 00000000 00000001
        534D5050335445535400 7365637265743038005355424D49543100 34 01 01 00
        """)
    static let bindTransceiverResp = hex("0000001A 80000009 00000000 00000001 534D534300 0210 0001 34")
    /// submit_sm "Hi €" from alphanumeric "Clinic" (TON 5, NPI 0) to +61412345678 (TON 1, NPI 1),
    /// GSM-7 unpacked with the escape for €, registered_delivery 1.
    static let submitGSM = hex("""
        00000037 00000004 00000000 00000002
        00 0500436C696E696300 0101363134313233343536373800 00 00 00 00 00 01 00 00 00 05 4869201B65
        """)
    static let submitResp = hex("00000017 80000004 00000000 00000002 6D73672D3432 00")
    static let enquireLink = hex("00000010 00000015 00000000 00000007")
    static let enquireLinkResp = hex("00000010 80000015 00000000 00000007")
    static let genericNack = hex("00000010 80000000 00000003 00000009")
    /// deliver_sm receipt, text form (esm_class 0x04).
    static let receiptText: [UInt8] = {
        let text = Array("id:12345 sub:001 dlvrd:001 submit date:2612040230 done date:2612040231 stat:DELIVRD err:000 text:Hi".utf8)
        var body = hex("00 0101363134313233343536373800 0500436C696E696300 04 00 00 00 00 00 00 00 00")
        body.append(UInt8(text.count))
        body += text
        let length = UInt32(16 + body.count)
        return withUnsafeBytes(of: length.bigEndian, Array.init) + hex("00000005 00000000 0000000B") + body
    }()
    /// deliver_sm receipt, TLV form: receipted_message_id "abc", message_state 5 (UNDELIVERABLE).
    static let receiptTLV = hex("""
        0000003F 00000005 00000000 0000000C
        00 0101363134313233343536373800 0500436C696E696300 04 00 00 00 00 00 00 00 00 00
        001E 0004 61626300 0427 0001 05
        """)

    func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(PDUDecoder(maximumLength: 4096)))
        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(PDUEncoder()))
        return channel
    }

    func encode(_ pdu: PDU) throws -> [UInt8] {
        let channel = try channel()
        try channel.writeOutbound(pdu)
        let out = try #require(try channel.readOutbound(as: ByteBuffer.self))
        return out.allBytes
    }

    func decode(_ bytes: [UInt8]) throws -> [InboundFrame] {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        var frames: [InboundFrame] = []
        while let f = try channel.readInbound(as: InboundFrame.self) { frames.append(f) }
        return frames
    }

    @Test func bindTransceiverEncodesAsTheSpecLaysItOut() throws {
        let bind = BindRequest(mode: .transceiver, systemID: "SMPP3TEST", password: "secret08", systemType: "SUBMIT1",
                               addressRange: Address(ton: 1, npi: 1, ""))
        #expect(hexString(try encode(PDU(.bind(bind), sequence: 1))) == hexString(Self.bindTransceiver))
        #expect(try decode(Self.bindTransceiver) == [.pdu(PDU(.bind(bind), sequence: 1))])
        #expect(!bind.description.contains("secret08"))
    }

    @Test func bindTransceiverRespWithItsInterfaceVersion() throws {
        let resp = PDU(.bindResp(.transceiver, systemID: "SMSC", tlvs: [.uint8(TLV.scInterfaceVersion, 0x34)]), sequence: 1)
        #expect(try decode(Self.bindTransceiverResp) == [.pdu(resp)])
        #expect(try encode(resp) == Self.bindTransceiverResp)
        // An error answer without a body, as many SMSCs send it.
        #expect(try decode(hex("00000010 80000009 0000000E 00000001")) ==
            [.pdu(PDU(.bindResp(.transceiver, systemID: "", tlvs: []), sequence: 1, status: .invalidPassword))])
    }

    @Test func submitSMGSM7WithAnEscape() throws {
        let message = OutgoingMessageFixture.make(text: "Hi €")
        let parts = SubmitEncoder.submits(for: message, options: SubmitOptions(source: .sender("Clinic")), reference: 1)
        #expect(parts.count == 1)
        #expect(hexString(try encode(PDU(.submitSM(parts[0]), sequence: 2))) == hexString(Self.submitGSM))
        #expect(try decode(Self.submitGSM) == [.pdu(PDU(.submitSM(parts[0]), sequence: 2))])
    }

    @Test func submitSMRespAndItsErrorFormWithoutBody() throws {
        #expect(try decode(Self.submitResp) == [.pdu(PDU(.submitSMResp(messageID: "msg-42"), sequence: 2))])
        #expect(try decode(hex("00000010 80000004 00000058 00000003")) ==
            [.pdu(PDU(.submitSMResp(messageID: ""), sequence: 3, status: .throttled))])
    }

    /// Kannel's drive_smpp answers every submit_sm with ESME_ROK and an empty message_id
    /// (one NUL): accepted, with no reference (SMPP 3.4 allows it; receipts cannot match it).
    @Test func anAcceptedSubmitSMRespWithAnEmptyMessageID() throws {
        #expect(try decode(hex("00000011 80000004 00000000 00000005 00")) ==
            [.pdu(PDU(.submitSMResp(messageID: ""), sequence: 5))])
    }

    @Test func enquireLinkAndGenericNack() throws {
        #expect(try encode(PDU(.enquireLink, sequence: 7)) == Self.enquireLink)
        #expect(try decode(Self.enquireLinkResp) == [.pdu(PDU(.enquireLinkResp, sequence: 7))])
        #expect(try encode(PDU(.genericNack, sequence: 9, status: .invalidCommandID)) == Self.genericNack)
        #expect(try decode(Self.genericNack) == [.pdu(PDU(.genericNack, sequence: 9, status: .invalidCommandID))])
    }

    @Test func receiptTextForm() throws {
        let frames = try decode(Self.receiptText)
        guard case .pdu(let pdu) = try #require(frames.first), case .deliverSM(let m) = pdu.command else {
            Issue.record("not a deliver_sm: \(frames)")
            return
        }
        #expect(pdu.sequence == 11)
        guard case .receipt(let r) = DeliverDecoder.decode(m, now: .init(timeIntervalSince1970: 0)) else {
            Issue.record("not a receipt")
            return
        }
        #expect(r.reference == "12345")
        #expect(r.outcome == .delivered)
    }

    @Test func receiptTLVForm() throws {
        let frames = try decode(Self.receiptTLV)
        guard case .pdu(let pdu) = try #require(frames.first), case .deliverSM(let m) = pdu.command else {
            Issue.record("not a deliver_sm: \(frames)")
            return
        }
        guard case .receipt(let r) = DeliverDecoder.decode(m, now: .init(timeIntervalSince1970: 0)) else {
            Issue.record("not a receipt")
            return
        }
        #expect(r.reference == "abc")
        #expect(r.outcome == .undeliverable)
        #expect(r.code == "UNDELIVERABLE")
    }

    @Test func splitReadsByteByByte() throws {
        let channel = try channel()
        for byte in Self.submitResp { try channel.writeInbound(ByteBuffer(bytes: [byte])) }
        #expect(try channel.readInbound(as: InboundFrame.self) == .pdu(PDU(.submitSMResp(messageID: "msg-42"), sequence: 2)))
        #expect(try channel.readInbound(as: InboundFrame.self) == nil)
    }

    @Test func coalescedReads() throws {
        let frames = try decode(Self.enquireLinkResp + Self.submitResp + Self.enquireLink)
        #expect(frames.count == 3)
        #expect(frames.last == .pdu(PDU(.enquireLink, sequence: 7)))
    }

    @Test(arguments: [
        ("4 GB", hex("FFFFFFFF 00000004 00000000 00000001")),
        ("over the maximum", hex("00001001 00000004 00000000 00000001")),
        ("shorter than a header", hex("00000008 00000015 00000000")),
        ("zero", hex("00000000 00000000 00000000 00000000")),
    ])
    func impossibleLengthsCloseTheLinkWithoutCrashing(_ name: String, _ bytes: [UInt8]) throws {
        let channel = try channel()
        #expect(throws: SMPPCodecError.self) { try channel.writeInbound(ByteBuffer(bytes: bytes)) }
        // Nothing more is decoded from the broken stream.
        #expect(throws: (any Error).self) { try channel.writeInbound(ByteBuffer(bytes: Self.enquireLink)) }
    }

    @Test func aLengthThatLiesShortIsAnInvalidFrame() throws {
        // A deliver_sm whose command_length ends inside its mandatory fields.
        var cut = Array(Self.receiptTLV.prefix(16 + 5))
        cut[3] = UInt8(cut.count)
        #expect(try decode(cut) == [.invalid(commandID: .deliverSM, sequence: 12, status: .invalidCommandLength)])
    }

    @Test func aLengthThatLiesLongWaitsAndDoesNotRead() throws {
        var long = Self.enquireLink
        long[3] = 0x40
        #expect(try decode(long) == [])
    }

    @Test func truncatedTLVs() throws {
        // A TLV header cut short (3 octets), and a TLV whose length runs past the PDU.
        for tail in [hex("0427 00"), hex("0427 0005 01")] {
            var pdu = Array(Self.receiptTLV.prefix(Self.receiptTLV.count - 5)) + tail
            pdu[3] = UInt8(pdu.count)
            #expect(try decode(pdu) == [.invalid(commandID: .deliverSM, sequence: 12, status: .invalidOptionalParameterStream)])
        }
    }

    @Test func unknownCommandIDIsInvalid() throws {
        // data_sm (0x103), which this client does not speak.
        #expect(try decode(hex("00000014 00000103 00000000 00000005 00000000")) ==
            [.invalid(commandID: CommandID(rawValue: 0x103), sequence: 5, status: .invalidCommandID)])
    }

    @Test func aMissingNULIsInvalid() throws {
        #expect(try decode(hex("00000014 80000004 00000000 00000002 41424344")) ==
            [.invalid(commandID: .submitSMResp, sequence: 2, status: .invalidCommandLength)])
    }
}
