import Foundation
import RemindCore
@testable import RemindInbox
import Testing

/// Memory bounded per input (#15 item 8): a line longer than `max_line` is skipped to its
/// end without being held (its row rejected with its line number), a quote left open
/// rejects its first line, and the rows around either are read as usual, in any encoding
/// and wherever the pieces are cut.
@Suite struct LongLineTests {
    static let limit = 1024

    func mapping() throws -> AppointmentMapping {
        AppointmentMapping(timeZone: try #require(TimeZone(identifier: "Australia/Sydney")))
    }

    /// Feeds `bytes` in pieces of `piece` bytes; returns the result and the largest number
    /// of bytes the stream held between two feeds (its buffers, measured from outside by
    /// what it has not yet returned: the whole-file size when it buffers a line whole).
    func feed(_ stream: inout some RecordStream, _ bytes: [UInt8], piece: Int) throws -> ParsedInput {
        var result = ParsedInput()
        var at = 0
        repeat {
            let end = min(bytes.count, at + piece)
            let part = try stream.feed(Array(bytes[at..<end]), final: end == bytes.count)
            result.records += part.records
            result.rejections += part.rejections
            at = end
        } while at < bytes.count
        return result
    }

    static let header = "AppointmentID,FirstName,LastName,Mobile,Date,Time,Status\n"
    static func row(_ id: String, _ first: String = "Ann") -> String {
        "\(id),\(first),Lee,0412345678,2030-03-05,09:30,Scheduled\n"
    }

    @Test(arguments: [InputEncoding.utf8, .utf16LE, .utf16BE], [7, 100, 4096])
    func aCSVLineLongerThanTheLimitIsRejectedAndTheRowsAroundItRead(encoding: InputEncoding, piece: Int) throws {
        let text = Self.header + Self.row("A1") + Self.row("A2", String(repeating: "x", count: 5000)) + Self.row("A3")
        let bytes: [UInt8]
        switch encoding {
        case .utf16LE: bytes = text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        case .utf16BE: bytes = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        default: bytes = Array(text.utf8)
        }
        var stream = CSVAppointmentParser(format: CSVAppointmentFormat(mapping: try mapping(), encoding: encoding, maxLine: Self.limit))
            .stream(file: "x.csv")
        let result = try feed(&stream, bytes, piece: piece)
        #expect(result.records.map(\.appointment.id) == ["A1", "A3"])
        #expect(result.records.map(\.position.line) == [2, 4])
        #expect(result.rejections.count == 1)
        #expect(result.rejections.first?.position.line == 3)
        #expect(result.rejections.first?.reason.contains("longer than 1024 bytes ([inbox] max_line)") == true)
    }

    @Test func aLineLongerThanTheLimitAtTheEndOfTheFileIsRejected() throws {
        let text = Self.header + Self.row("A1") + "A2," + String(repeating: "y", count: 3000)
        var stream = CSVAppointmentParser(format: CSVAppointmentFormat(mapping: try mapping(), maxLine: Self.limit)).stream(file: "x.csv")
        let result = try feed(&stream, Array(text.utf8), piece: 256)
        #expect(result.records.map(\.appointment.id) == ["A1"])
        #expect(result.rejections.map(\.position.line) == [3])
    }

    @Test func aQuoteLeftOpenRejectsItsFirstLineAndReadingGoesOnAtTheNext() throws {
        // Line 3 opens a quote that is never closed; the lines after it are ordinary rows.
        var text = Self.header + Self.row("A1") + "A2,\"Bob,Lee,0412345679,2030-03-05,09:30,Scheduled\n"
        for i in 0..<40 { text += Self.row("B\(i)") }
        var stream = CSVAppointmentParser(format: CSVAppointmentFormat(mapping: try mapping(), maxLine: Self.limit)).stream(file: "x.csv")
        let result = try feed(&stream, Array(text.utf8), piece: 64)
        #expect(result.rejections.first?.position.line == 3)
        #expect(result.rejections.first?.reason.contains("a quote opened on this line is not closed") == true)
        #expect(result.records.first?.appointment.id == "A1")
        // Every row after the limit's worth of lines is read again (the first few are taken
        // into the open quote's record and go with it, one rejection per line at most).
        #expect(result.records.last?.appointment.id == "B39")
        #expect(result.records.count + result.rejections.count <= 42)
        #expect(result.records.count >= 30)
    }

    @Test func aHeaderLongerThanTheLimitRefusesTheFileByName() throws {
        let text = "AppointmentID," + String(repeating: "H", count: 3000) + "\n" + Self.row("A1")
        var stream = CSVAppointmentParser(format: CSVAppointmentFormat(mapping: try mapping(), maxLine: Self.limit)).stream(file: "x.csv")
        #expect(throws: InputError.self) { try feed(&stream, Array(text.utf8), piece: 512) }
    }

    @Test(arguments: [5, 300, 4096])
    func aJSONLinesLineLongerThanTheLimitIsRejectedAndTheLinesAroundItRead(piece: Int) throws {
        func line(_ id: String, _ first: String = "Ann") -> String {
            #"{"AppointmentID":"\#(id)","FirstName":"\#(first)","Mobile":"0412345678","Start":"2030-03-05T09:30:00+11:00"}"# + "\n"
        }
        let text = line("J1") + line("J2", String(repeating: "x", count: 5000)) + line("J3")
        var stream = JSONLinesAppointmentParser(mapping: try mapping(), maxLine: Self.limit).stream(file: "x.jsonl")
        let result = try feed(&stream, Array(text.utf8), piece: piece)
        #expect(result.records.map(\.appointment.id) == ["J1", "J3"])
        #expect(result.records.map(\.position.line) == [1, 3])
        #expect(result.rejections.map(\.position.line) == [2])
    }
}

/// Lists are read whole (within `max_size`), but a record longer than `max_line` is still
/// rejected alone, never turned into a message.
@Suite struct LongListRecordTests {
    @Test(arguments: [ListFormat.FileFormat.csv, .jsonl])
    func aListRecordLongerThanTheLimitIsRejectedAlone(format: ListFormat.FileFormat) throws {
        let long = String(repeating: "x", count: 5000)
        let text = format == .csv
            ? "PatientID,FirstName,LastName,Mobile,DueDate,Reason\nP-1,Ann,Lee,0412345678,2030-03-05,Check\nP-2,\(long),Lee,0412345679,2030-03-05,Check\nP-3,Cy,Lee,0412345670,2030-03-05,Check\n"
            : [("P-1", "Ann"), ("P-2", long), ("P-3", "Cy")].map {
                #"{"PatientID":"\#($0.0)","FirstName":"\#($0.1)","Mobile":"0412345678","DueDate":"2030-03-05","Reason":"Check"}"#
            }.joined(separator: "\n") + "\n"
        let parser = ListParser(format: ListFormat(
            kind: .recall, fileFormat: format, datePatterns: [try DateTimePattern("yyyy-MM-dd")], maxLine: 1024))
        let parsed = try parser.parseList(Array(text.utf8), file: "recalls")
        #expect(parsed.records.map(\.id) == ["P-1", "P-3"])
        #expect(parsed.rejections.map(\.position.line) == [format == .csv ? 3 : 2])
        #expect(parsed.rejections.first?.reason.contains("longer than 1024 bytes") == true)
    }
}

/// A list read in pieces (``ListStream``) gives what it gives read whole: the same
/// records, rejections and lines, wherever the pieces are cut, in every encoding.
@Suite struct ListStreamTests {
    func parser(_ format: ListFormat.FileFormat, encoding: InputEncoding = .auto) throws -> ListParser {
        ListParser(format: ListFormat(kind: .recall, fileFormat: format, encoding: encoding, datePatterns: [try DateTimePattern("yyyy-MM-dd")]))
    }

    func fed(_ parser: ListParser, _ bytes: [UInt8], size: Int) throws -> ParsedList {
        var stream = parser.stream(file: "recalls")
        var out = ParsedList()
        var at = 0
        repeat {
            let end = min(bytes.count, at + size)
            let part = try stream.feed(Array(bytes[at..<end]), final: end == bytes.count)
            out.records += part.records
            out.rejections += part.rejections
            at = end
        } while at < bytes.count
        return out
    }

    static let csv: String = {
        var text = "PatientID,FirstName,LastName,Mobile,DueDate,Reason\r\n"
        for i in 0..<60 {
            switch i % 6 {
            case 0: text += "P-\(i),Zoë,Lee,0412345\(100 + i),2030-03-05,\"Check-up,\r\nthen x-ray\"\r\n"
            case 1: text += "P-\(i),Ann,Lee,0412345\(100 + i),not a date,Check\r\n"
            case 2: text += "\r\n"
            case 3: text += "P-\(i),\"O\"\"Brien\",Lee,0412345\(100 + i),2030-03-05,Check\n"
            case 4: text += "P-\(i),Short,row\r\n"
            default: text += "P-\(i),Mia,Ng,0412345\(100 + i),2030-03-06,Hygiene\r\n"
            }
        }
        return text
    }()

    @Test(arguments: [1, 9, 100, 1 << 20])
    func csvPiecesGiveWhatTheWholeFileGives(size: Int) throws {
        let utf16le: [UInt8] = [0xFF, 0xFE] + Self.csv.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let cp1252 = Self.csv.unicodeScalars.map { $0.value < 256 ? UInt8($0.value) : UInt8(ascii: "?") }
        for bytes in [Array(Self.csv.utf8), [0xEF, 0xBB, 0xBF] + Array(Self.csv.utf8), utf16le, cp1252] {
            let p = try parser(.csv)
            let whole = try p.parseList(bytes, file: "recalls")
            #expect(whole.records.count == 30)
            let pieces = try fed(p, bytes, size: size)
            #expect(pieces.records == whole.records)
            #expect(pieces.rejections == whole.rejections)
        }
    }

    /// A line longer than `max_line` is not held: skipped to its end and rejected.
    @Test(arguments: [ListFormat.FileFormat.csv, .jsonl], [7, 100, 700])
    func aLineLongerThanTheLimitIsSkippedInPieces(format: ListFormat.FileFormat, size: Int) throws {
        let long = String(repeating: "x", count: 5000)
        let text = format == .csv
            ? "PatientID,FirstName,LastName,Mobile,DueDate,Reason\nP-1,Ann,Lee,0412345678,2030-03-05,Check\nP-2,\(long),Lee,0412345679,2030-03-05,Check\nP-3,Cy,Lee,0412345670,2030-03-05,Check\n"
            : [("P-1", "Ann"), ("P-2", long), ("P-3", "Cy")].map {
                #"{"PatientID":"\#($0.0)","FirstName":"\#($0.1)","Mobile":"0412345678","DueDate":"2030-03-05","Reason":"Check"}"#
            }.joined(separator: "\n") + "\n"
        let parser = ListParser(format: ListFormat(
            kind: .recall, fileFormat: format, datePatterns: [try DateTimePattern("yyyy-MM-dd")], maxLine: 1024))
        let parsed = try fed(parser, Array(text.utf8), size: size)
        #expect(parsed.records.map(\.id) == ["P-1", "P-3"])
        #expect(parsed.records.map(\.position.line) == (format == .csv ? [2, 4] : [1, 3]))
        #expect(parsed.rejections.map(\.position.line) == [format == .csv ? 3 : 2])
    }

    @Test(arguments: [1, 50, 4096])
    func jsonLinesPiecesGiveWhatTheWholeFileGives(size: Int) throws {
        var text = ""
        for i in 0..<40 {
            text += i % 5 == 0 ? "not json\n" : #"{"PatientID":"P-\#(i)","FirstName":"Ann","Mobile":"0412345678","DueDate":"2030-03-05"}"# + "\n"
        }
        let p = try parser(.jsonl)
        let whole = try p.parseList(Array(text.utf8), file: "recalls")
        let pieces = try fed(p, Array(text.utf8), size: size)
        #expect(pieces.records == whole.records)
        #expect(pieces.rejections == whole.rejections)
        #expect(whole.rejections.count == 8)
    }
}
