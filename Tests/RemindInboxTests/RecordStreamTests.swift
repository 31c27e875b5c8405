import Foundation
import RemindCore
@testable import RemindInbox
import Testing

/// A file read in pieces (``RecordStream``) gives exactly what it gives read whole: the
/// same records, rejections and lines, wherever the pieces are cut.
@Suite struct RecordStreamTests {
    func mapping() throws -> AppointmentMapping {
        AppointmentMapping(timeZone: try #require(TimeZone(identifier: "Australia/Sydney")))
    }

    /// Feeds `bytes` to a fresh stream in pieces of the given sizes (the last piece takes the rest).
    func fed(_ parser: some StreamingInputParser, _ bytes: [UInt8], cuts: [Int]) throws -> ParsedInput {
        var stream = parser.stream(file: "x.csv")
        var result = ParsedInput()
        var at = 0
        for size in cuts where at < bytes.count {
            let piece = Array(bytes[at..<min(bytes.count, at + size)])
            at += piece.count
            let part = try stream.feed(piece, final: false)
            result.records += part.records
            result.rejections += part.rejections
        }
        let last = try stream.feed(Array(bytes[at...]), final: true)
        result.records += last.records
        result.rejections += last.rejections
        return result
    }

    /// An export with what real ones have: CRLF, quoted fields with delimiters, doubled
    /// quotes and line breaks, blank lines, a short row, a bad date, non-ASCII names.
    func export(rows: Int, seed: UInt64) -> String {
        var rng = SplitMix(seed: seed)
        var text = "Appointment ID,First Name,Surname,Mobile,Date,Time,Notes\r\n"
        for i in 0..<rows {
            let name = ["Zoë", "Renée", "O'Brien", "Łukasz", "Mia"][Int(rng.next() % 5)]
            switch rng.next() % 12 {
            case 0: text += "\r\n"
            case 1: text += "A\(i),\(name),Short,0412 345 \(100 + i % 800)\r\n"
            case 2: text += "A\(i),\(name),\"Smith, \"\"Jr\"\"\",0412 345 \(100 + i % 800),2026-02-30,09:30,x\r\n"
            case 3: text += "A\(i),\(name),Lee,0412 345 \(100 + i % 800),2026-03-05,09:30,\"two\r\nlines, here\"\r\n"
            default: text += "A\(i),\(name),Nguyen,0412 345 \(100 + i % 800),2026-03-05,1\(i % 10):15,\r\n"
            }
        }
        return text
    }

    func encodings(_ text: String) -> [(InputEncoding, [UInt8])] {
        let utf16le = text.utf16.flatMap { (u: UInt16) -> [UInt8] in [UInt8(u & 0xFF), UInt8(u >> 8)] }
        let utf16be = text.utf16.flatMap { (u: UInt16) -> [UInt8] in [UInt8(u >> 8), UInt8(u & 0xFF)] }
        let latin = text.unicodeScalars.map { $0.value < 256 ? UInt8($0.value) : UInt8(ascii: "?") }
        return [
            (.auto, Array(text.utf8)),
            (.auto, [0xEF, 0xBB, 0xBF] + Array(text.utf8)),
            (.utf8, Array(text.utf8)),
            (.auto, [0xFF, 0xFE] + utf16le),
            (.auto, [0xFE, 0xFF] + utf16be),
            (.utf16LE, utf16le),
            (.cp1252, latin),
        ]
    }

    @Test(arguments: [1, 7, 64, 997, 4096])
    func csvInPiecesEqualsCSVWhole(pieceSize: Int) throws {
        for (seed, rows) in [(1, 40), (2, 300)] as [(UInt64, Int)] {
            for (encoding, bytes) in encodings(export(rows: rows, seed: seed)) {
                let parser = CSVAppointmentParser(format: CSVAppointmentFormat(mapping: try mapping(), encoding: encoding))
                let whole = try parser.parse(bytes, file: "x.csv")
                #expect(whole.records.count > rows / 2)
                #expect(!whole.rejections.isEmpty)
                var rng = SplitMix(seed: seed &+ UInt64(pieceSize))
                let cuts = (0..<(bytes.count / max(1, pieceSize) + 2)).map { _ in 1 + Int(rng.next() % UInt64(2 * pieceSize)) }
                let pieces = try fed(parser, bytes, cuts: cuts)
                #expect(pieces == whole, "encoding \(encoding), \(bytes.count) bytes, pieces of about \(pieceSize)")
            }
        }
    }

    @Test(arguments: [1, 13, 500])
    func jsonLinesInPiecesEqualsJSONLinesWhole(pieceSize: Int) throws {
        var text = "\u{FEFF}"
        for i in 0..<200 {
            text += i % 17 == 0 ? "not json\n" : i % 23 == 0 ? "\n" : "{\"id\":\"J\(i)\",\"phone\":\"0412345\(100 + i)\",\"start\":\"2026-03-05T09:30:00+11:00\",\"first_name\":\"Zoë\"}\r\n"
        }
        let bytes = Array(text.utf8)
        let parser = JSONLinesAppointmentParser(mapping: try mapping())
        let whole = try parser.parse(bytes, file: "x.csv")
        #expect(whole.records.count > 150)
        let pieces = try fed(parser, bytes, cuts: Array(repeating: pieceSize, count: bytes.count / pieceSize + 1))
        #expect(pieces == whole)
    }

    /// An export cut short in the middle of a character keeps every complete row; only the
    /// cut line is rejected, with its line and a reason that says so.
    @Test func aUTF8FileCutMidCharacterKeepsItsCompleteRows() throws {
        let text = "id,phone,start,first name\n1,0412345678,2026-03-05 09:00,Zoë\n2,0412345679,2026-03-05 09:15,Renée\n3,0412345680,2026-03-05 09:30,Zoë\n"
        let full = Array(text.utf8)
        // Cut inside the last "ë" (2 bytes): keep its first byte.
        let cut = Array(full[..<(full.count - 2)])
        for encoding in [InputEncoding.auto, .utf8] {
            let parser = CSVAppointmentParser(format: CSVAppointmentFormat(mapping: try mapping(), encoding: encoding))
            let parsed = try parser.parse(cut, file: "cut.csv")
            #expect(parsed.records.map(\.appointment.id) == ["1", "2"])
            #expect(parsed.records.map(\.appointment.firstName) == ["Zoë", "Renée"])
            #expect(parsed.rejections.count == 1)
            #expect(parsed.rejections.first?.position.line == 4)
            #expect(parsed.rejections.first?.reason.contains("ends in the middle of a character") == true)
        }
    }

    @Test func aUTF16FileCutAtAnOddByteKeepsItsCompleteRows() throws {
        let text = "id,phone,start\r\n1,0412345678,2026-03-05 09:00\r\n2,0412345679,2026-03-05 09:15\r\n3,0412345680,2026-03-05 09:30"
        let bytes: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { (u: UInt16) -> [UInt8] in [UInt8(u & 0xFF), UInt8(u >> 8)] }
        let parser = CSVAppointmentParser(format: CSVAppointmentFormat(mapping: try mapping(), encoding: .auto))
        let parsed = try parser.parse(Array(bytes.dropLast()), file: "cut.csv")
        #expect(parsed.records.map(\.appointment.id) == ["1", "2"])
        #expect(parsed.rejections.map(\.position.line) == [4])
    }
}

/// A small deterministic generator (SplitMix64), so a failing case can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
