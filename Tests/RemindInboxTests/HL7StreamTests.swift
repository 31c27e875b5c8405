import Foundation
import RemindCore
@testable import RemindInbox
import Testing

/// An HL7 file read in pieces, whole messages at a time (#15 item 8: memory bounded per
/// input), gives exactly what it gives read whole: the same messages, outcomes and lines,
/// wherever the pieces are cut, framed or plain, with stray text and batch envelopes.
@Suite struct HL7StreamTests {
    func parser() throws -> HL7SIUParser {
        HL7SIUParser(mapping: AppointmentMapping(timeZone: try sydney()))
    }

    /// Feeds `bytes` in pieces of `size` bytes; the pieces' messages in order.
    func fed(_ bytes: [UInt8], size: Int) throws -> [HL7MessageResult] {
        var stream = try parser().stream(file: "f.hl7")
        var messages: [HL7MessageResult] = []
        var at = 0
        repeat {
            let end = min(bytes.count, at + size)
            let part = try stream.feed(Array(bytes[at..<end]), final: end == bytes.count)
            messages += part.hl7Messages ?? []
            // Records and rejections are the messages' outcomes, in order.
            var fromMessages = ParsedInput()
            for m in part.hl7Messages ?? [] {
                switch m.outcome {
                case .accepted(let r): fromMessages.records.append(r)
                case .rejected(let r): fromMessages.rejections.append(r)
                }
            }
            #expect(part.records == fromMessages.records && part.rejections == fromMessages.rejections)
            at = end
        } while at < bytes.count
        return messages
    }

    @Test(arguments: ["siu-five-events.hl7", "siu-mllp.hl7", "siu-bad-among-good.hl7", "siu-escapes.hl7", "siu-v23-sch11.hl7"], [1, 7, 64, 300, 1 << 20])
    func piecesGiveWhatTheWholeFileGives(name: String, size: Int) throws {
        let bytes = try fixture(name)
        let whole = try parser().messages(bytes, file: "f.hl7")
        #expect(try fed(bytes, size: size) == whole)
    }

    @Test(arguments: [1, 5, 40, 4096])
    func strayTextBatchEnvelopesAndLineEndsOfEveryKindKeepTheirLines(size: Int) throws {
        let msh = "MSH|^~\\&|PAS|SITE|REMINDD|PRACTICE|20250301120000||SIU^S12^SIU_S12|C%d|P|2.5.1"
        func message(_ n: Int) -> String {
            String(format: msh, n) + "\rSCH||A\(n)^PAS|||||||||^^^203003050930|||||||||||||||Booked\rPID|1||P\(n)||Lee^Ann||||||||^PRN^CP^^^^^^^^^0412345678"
        }
        let text = "junk before\nmore junk\r\nFHS|^~\\&\rBHS|^~\\&\r" + message(1) + "\r\n" + message(2) + "\n\n" + message(3)
            + "\r\u{1C}\r\u{0B}" + message(4) + "\rBTS|4\rFTS|1\r"
        let bytes = Array(text.utf8)
        let whole = try parser().messages(bytes, file: "f.hl7")
        #expect(whole.count == 5)
        #expect(try fed(bytes, size: size) == whole)
    }

    @Test func aUTF16FileIsReadWhole() throws {
        let text = "MSH|^~\\&|PAS|SITE|REMINDD|PRACTICE|20250301120000||SIU^S12^SIU_S12|C1|P|2.5.1\rSCH||A1^PAS|||||||||^^^203003050930\rPID|1||P1||Lée^Zoë||||||||^PRN^CP^^^^^^^^^0412345678\r"
        let bytes: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let whole = try parser().messages(bytes, file: "f.hl7")
        #expect(try fed(bytes, size: 16) == whole)
    }
}
