import Foundation
import RemindDelivery
@testable import RemindSMPP
import Testing

/// Replies in parts joined into one: UDH (8- and 16-bit references) and SAR TLVs, in any
/// order, UCS-2 split mid-character, and a set that never completes.
@Suite struct ReplyAssemblerTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func part(_ text: [UInt8], udh: [UInt8]? = nil, sar: (ref: UInt16, total: UInt8, seq: UInt8)? = nil, dc: UInt8 = 0,
              from: String = "61412345678") -> ShortMessage {
        var m = ShortMessage()
        m.source = Address(ton: 1, npi: 1, from)
        m.dataCoding = dc
        if let udh {
            m.esmClass = ShortMessage.udhIndicator
            m.message = [UInt8(udh.count)] + udh + text
        } else {
            m.message = text
        }
        if let sar {
            m.tlvs = [TLV.uint16(TLV.sarMessageReference, sar.ref), TLV.uint8(TLV.sarTotalSegments, sar.total),
                      TLV.uint8(TLV.sarSegmentSequenceNumber, sar.seq)]
        }
        return m
    }

    @Test func udhPartsInAnyOrderMakeOneReply() {
        var a = ReplyAssembler()
        #expect(a.add(part(Array("Tuesday please?".utf8), udh: [0x00, 0x03, 0x2A, 0x02, 0x02]), now: t0) == .kept)
        #expect(a.pendingCount == 1)
        let step = a.add(part(Array("Can I move it to ".utf8), udh: [0x00, 0x03, 0x2A, 0x02, 0x01]), now: t0 + 1)
        #expect(step == .complete(InboundMessage(sender: "+61412345678", text: "Can I move it to Tuesday please?", time: t0 + 1)))
        #expect(a.pendingCount == 0)
    }

    @Test func sarAnd16BitReferencesAndOtherSendersAreKeptApart() {
        var a = ReplyAssembler()
        #expect(a.add(part(Array("OP".utf8), sar: (0x1234, 2, 2)), now: t0) == .kept)
        #expect(a.add(part(Array("xx".utf8), sar: (0x1234, 2, 1), from: "61400000000"), now: t0) == .kept)  // another sender
        #expect(a.add(part(Array("ST".utf8), udh: [0x08, 0x04, 0x12, 0x35, 0x02, 0x01]), now: t0) == .kept)  // a 16-bit UDH reference of its own
        guard case .complete(let m) = a.add(part(Array("ST".utf8), sar: (0x1234, 2, 1)), now: t0) else {
            Issue.record("not joined")
            return
        }
        #expect(m.text == "STOP")
    }

    @Test func ucs2SplitMidCharacterIsJoinedBeforeDecoding() {
        // "é😀" in UTF-16BE: 00 E9 D8 3D DE 00, split inside the surrogate pair.
        var a = ReplyAssembler()
        _ = a.add(part([0x00, 0xE9, 0xD8, 0x3D], udh: [0x00, 0x03, 0x07, 0x02, 0x01], dc: 8), now: t0)
        guard case .complete(let m) = a.add(part([0xDE, 0x00], udh: [0x00, 0x03, 0x07, 0x02, 0x02], dc: 8), now: t0) else {
            Issue.record("not joined")
            return
        }
        #expect(m.text == "é😀")
    }

    @Test func aWholeMessageIsSingleAndAnIncompleteSetIsKeptMarkedAtItsTimeout() {
        var a = ReplyAssembler(timeout: 120)
        #expect(a.add(part(Array("Yes".utf8)), now: t0) == .single)
        #expect(a.add(part(Array("x".utf8), udh: [0x00, 0x03, 0x01, 0x01, 0x01]), now: t0) == .single)  // "1 of 1"
        #expect(a.add(part(Array("See you ".utf8), udh: [0x00, 0x03, 0x09, 0x03, 0x01]), now: t0) == .kept)
        #expect(a.add(part(Array("then".utf8), udh: [0x00, 0x03, 0x09, 0x03, 0x03]), now: t0 + 5) == .kept)
        #expect(a.nextDeadline == t0 + 120)
        #expect(a.expire(now: t0 + 119).isEmpty)
        #expect(a.expire(now: t0 + 120).map(\.text) == ["See you then [incomplete]"])
        #expect(a.pendingCount == 0 && a.nextDeadline == nil)
    }

    @Test func beyondTheLimitTheOldestSetGoesOutIncomplete() {
        var a = ReplyAssembler(timeout: 120, limit: 1)
        _ = a.add(part(Array("old".utf8), udh: [0x00, 0x03, 0x01, 0x02, 0x01]), now: t0)
        _ = a.add(part(Array("new".utf8), udh: [0x00, 0x03, 0x02, 0x02, 0x01]), now: t0 + 1)
        #expect(a.expire(now: t0 + 2).map(\.text) == ["old [incomplete]"])
        #expect(a.pendingCount == 1)
    }
}
