import Foundation
import Testing

@testable import RemindInbox

@Suite struct InputEncodingTests {
    /// remindd's own table against Foundation's `.windowsCP1252` on this platform, for all
    /// 256 bytes. Foundation refuses the five bytes CP1252 leaves undefined; remindd maps
    /// them to C1 controls (as Windows does) so that no file is undecodable.
    @Test func cp1252TableAgreesWithFoundation() {
        var undefined: [UInt8] = []
        for byte in UInt8.min...UInt8.max {
            let ours = String(decoding: CP1252.decodeToUTF8([byte]), as: UTF8.self)
            if let foundation = String(data: Data([byte]), encoding: .windowsCP1252) {
                #expect(ours == foundation, "byte \(byte)")
            } else {
                undefined.append(byte)
                #expect(ours.unicodeScalars.map(\.value) == [UInt32(byte)])
            }
        }
        #expect(undefined == [0x81, 0x8D, 0x8F, 0x90, 0x9D])
    }

    @Test func byteOrderMarksWinOverTheConfiguredEncoding() throws {
        let text = "id,Zoë 🍎\n"
        let utf16BE: [UInt8] = [0xFE, 0xFF] + text.utf16.flatMap { unit -> [UInt8] in [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        let utf16LE: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { unit -> [UInt8] in [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let utf8: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(text.utf8)
        for encoding in InputEncoding.allCases {
            for bytes in [utf16BE, utf16LE, utf8] {
                #expect(try encoding.decodeToUTF8(bytes).get() == Array(text.utf8), "\(encoding)")
            }
        }
    }

    @Test func autoDetectsUTF8ThenCP1252AndBOMlessUTF16() throws {
        #expect(try InputEncoding.auto.decodeToUTF8(Array("Zoë".utf8)).get() == Array("Zoë".utf8))
        #expect(try InputEncoding.auto.decodeToUTF8([0x5A, 0x6F, 0xEB, 0x80]).get() == Array("Zoë€".utf8))
        #expect(try InputEncoding.auto.decodeToUTF8([0x69, 0, 0x64, 0]).get() == Array("id".utf8))
        #expect(try InputEncoding.auto.decodeToUTF8([0, 0x69, 0, 0x64]).get() == Array("id".utf8))
        #expect(try InputEncoding.latin1.decodeToUTF8([0x80, 0xE9]).get() == Array("\u{80}é".utf8))
        #expect(try InputEncoding.cp1252.decodeToUTF8([0x80, 0xE9]).get() == Array("€é".utf8))
    }

    @Test func malformedUTF8AndUTF16AreReportedWithTheirLine() {
        #expect(InputEncoding.utf8.decodeToUTF8(Array("a\nb\n".utf8) + [0xC0, 0x80]) == .failure(.init(line: 3, reason: "is not valid UTF-8")))
        #expect(InputEncoding.utf8.decodeToUTF8([0xED, 0xA0, 0x80]) == .failure(.init(line: 1, reason: "is not valid UTF-8")))
        #expect(InputEncoding.utf8.decodeToUTF8([0xF4, 0x90, 0x80, 0x80]) == .failure(.init(line: 1, reason: "is not valid UTF-8")))
        #expect(InputEncoding.utf8.decodeToUTF8([0xE2, 0x82]) == .failure(.init(line: 1, reason: "is not valid UTF-8")))
        #expect(InputEncoding.utf16LE.decodeToUTF8([0x61, 0]) == .success([0x61]))
        #expect(InputEncoding.utf16LE.decodeToUTF8([0x61, 0, 0x62]) == .failure(.init(line: 1, reason: "has an odd number of bytes for UTF-16")))
        #expect(InputEncoding.utf16LE.decodeToUTF8([0x0A, 0, 0x00, 0xD8, 0x61, 0]) == .failure(.init(line: 2, reason: "has an unpaired UTF-16 surrogate")))
        #expect(InputEncoding.utf16BE.decodeToUTF8([0xDC, 0x00]) == .failure(.init(line: 1, reason: "has an unpaired UTF-16 surrogate")))
        for valid in ["", "ascii", "é", "€", "🍎", "\u{10FFFF}", "\u{D7FF}\u{E000}"] {
            #expect(InputEncoding.firstInvalidUTF8(Array(valid.utf8), from: 0) == nil, "\(valid)")
        }
    }
}
