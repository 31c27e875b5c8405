import Foundation
import RemindCore
import RemindInbox
import Testing

/// Mangled HL7 fixtures through the parser and the ACK builder with every `swift test`
/// (the libFuzzer harness, Fuzz/run.sh hl7, goes much further): nothing traps, positions
/// stay inside the file and in order, every message with a header can be acknowledged.
@Suite struct HL7FuzzTests {
    static let tokens: [[UInt8]] = [
        "|", "^", "~", "\\", "&", "\r", "\n", "\r\n", "MSH|^~\\&|", "MSH|", "SCH|", "PID|", "TQ1|", "AIP|", "AIL|",
        "SIU^S12", "SIU^S15", "^^^", "CP", "\\X", "\\XC3\\", "\\.br\\", "\\F\\", "\\", "2025031009", "+1100", "\"\"",
        "FHS|", "BTS",
    ].map { Array($0.utf8) } + [[0x0B], [0x1C, 0x0D], [0xFF, 0xFE], [0xEF, 0xBB, 0xBF], [0x00], [0xE9], [0xC3]]

    @Test func mangledMessagesNeverTrap() throws {
        let zone = try sydney()
        let parser = HL7SIUParser(mapping: AppointmentMapping(timeZone: zone))
        let seeds = try ["siu-five-events.hl7", "siu-mllp.hl7", "siu-v23-sch11.hl7", "siu-v25-tq1.hl7", "siu-escapes.hl7",
            "siu-bad-among-good.hl7"].map { try fixture($0) }
        var random = FuzzTests.Generator(state: 0x4C7_5EED)
        var outcomes = (records: 0, rejections: 0, errors: 0, acks: 0)
        for i in 0..<2000 {
            var bytes = seeds[i % seeds.count]
            for _ in 0..<Int.random(in: 1..<10, using: &random) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1..<40, using: &random)))
                default: bytes.insert(contentsOf: Self.tokens.randomElement(using: &random)!, at: at)
                }
            }
            do {
                let messages = try parser.messages(bytes, file: "f.hl7")
                let parsed = try parser.parse(bytes, file: "f.hl7")
                FuzzTests.check(parsed, lines: bytes.count + 1)
                #expect(parsed.records.count + parsed.rejections.count == messages.count)
                outcomes.records += parsed.records.count
                outcomes.rejections += parsed.rejections.count
                for message in messages {
                    if let ack = HL7Acknowledgement.make(for: message, time: Date(timeIntervalSince1970: 0), timeZone: zone) {
                        #expect(try parser.messages(ack, file: "ack").count == 1)
                        outcomes.acks += 1
                    }
                }
            } catch {
                outcomes.errors += 1
            }
        }
        #expect(outcomes.records > 0 && outcomes.rejections > 0 && outcomes.acks > 0)
    }
}
